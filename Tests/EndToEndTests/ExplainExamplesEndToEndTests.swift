import Foundation
import GateTestSupport
import Testing

/// Every example `gate explain` prints is pasted into a shell in an empty directory, as a user would, and
/// must end with the exit code and the check status it claims. None is left out: set-up that is not a file
/// (a SQLite database, a generated token) is printed as shell commands before the suite.
@Suite struct ExplainExamplesEndToEndTests {
    /// The verifier ids `gate list` prints.
    static func verifiers() async throws -> [String] {
        let list = try await Exec.gate(["list"], cwd: Repo.root)
        return list.stdout.split(separator: "\n").compactMap { $0.split(separator: " ").first.map(String.init) }
    }

    /// The example blocks of `gate explain ID`: from "# N. " to the line that runs gate.
    static func examples(_ text: String) -> [String] {
        guard let start = text.range(of: "\nEXAMPLES") else { return [] }
        var blocks: [String] = []
        var current: [Substring]?
        for line in text[start.upperBound...].split(separator: "\n", omittingEmptySubsequences: false) {
            if line.range(of: #"^# [0-9]+\. "#, options: .regularExpression) != nil {
                if let c = current { blocks.append(c.joined(separator: "\n")) }
                current = [line]
            } else if current != nil {
                current!.append(line)
            }
        }
        if let c = current { blocks.append(c.joined(separator: "\n")) }
        return blocks
    }

    @Test func everyPrintedExampleRunsAndGivesTheExitCodeItClaims() async throws {
        let ids = try await Self.verifiers()
        #expect(ids.contains("command") && ids.count >= 5, "\(ids)")
        let bin = PathUtil_dirname(Repo.gateBinary)
        var ran = 0, total = 0
        let sqlite = try await Exec.run(["sh", "-c", "command -v sqlite3"], cwd: Repo.root)
        for id in ids {
            let explain = try await Exec.gate(["explain", id], cwd: Repo.root)
            #expect(explain.code == 0)
            let blocks = Self.examples(explain.stdout)
            #expect(!blocks.isEmpty, "\(id) prints no examples")
            for (n, block) in blocks.enumerated() {
                total += 1
                let title = String(block.prefix { $0 != "\n" })
                #expect(!block.contains("\n# also needs:"), "\(id) \(title) does not run as printed")
                if block.contains("\nsqlite3 "), sqlite.code != 0 {
                    Issue.record("sqlite3 is not installed (apt: sqlite3; `.ci/deps test` installs it): \(id) \(title) not run")
                    continue
                }
                let dir = try TempDir("explain-\(id)")
                defer { dir.remove() }
                let r = try await Exec.run(["sh", "-c", block], cwd: dir.path, env: [
                    "PATH": bin + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"),
                    "NO_COLOR": "1", "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": "",
                ])
                let claimed = block.range(of: #"gate exits ([0-9]+)"#, options: .regularExpression).map { String(block[$0].dropFirst(11)) }
                let got = r.stdout.range(of: #"exit [0-9]+ \(expected"#, options: .regularExpression)
                    .map { String(r.stdout[$0].dropFirst(5).prefix { $0 != " " }) }
                #expect(got != nil && got == claimed, "\(id) \(title): exit \(got ?? "?"), claimed \(claimed ?? "?")\n\(r.stdout)\(r.stderr)")
                // The status in the title ("# 2. ...: failed (gate exits 1)") is the check's status in report.json.
                let status = title.range(of: #": [a-zA-Z]+ \(gate exits"#, options: .regularExpression)
                    .map { String(title[$0].dropFirst(2).prefix { $0 != " " }) }
                let report = dir.file("gate-example-\(id)-\(n + 1)/Reports/example/report.json")
                let json = (try? Data(contentsOf: URL(fileURLWithPath: report)))
                    .flatMap { try? JSONSerialization.jsonObject(with: $0) as? [String: Any] }
                let check = (json?["checks"] as? [[String: Any]])?.first
                #expect(status != nil && check?["status"] as? String == status,
                        "\(id) \(title): report says \(check?["status"] ?? "no report"), claimed \(status ?? "?")\n\(r.stdout)\(r.stderr)")
                ran += 1
            }
        }
        #expect(ran == total && total >= 36, "\(ran) of \(total) examples ran as printed")
    }
}

private func PathUtil_dirname(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
}
