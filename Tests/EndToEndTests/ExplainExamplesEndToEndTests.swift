import Foundation
import GateTestSupport
import Testing

/// Every example `gate explain` prints is pasted into a shell, as a user would, and must end with the
/// exit code it claims. Examples whose set-up has no shell form say so ("# also needs:") and are run
/// through the library instead (VerifierExamplesTests).
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
        var ran = 0, needsSetup: [String] = []
        for id in ids {
            let explain = try await Exec.gate(["explain", id], cwd: Repo.root)
            #expect(explain.code == 0)
            let blocks = Self.examples(explain.stdout)
            #expect(!blocks.isEmpty, "\(id) prints no examples")
            for block in blocks {
                let title = String(block.prefix { $0 != "\n" })
                if block.contains("\n# also needs:") { needsSetup.append("\(id) \(title)"); continue }
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
                ran += 1
            }
        }
        #expect(ran >= 15, "only \(ran) examples ran as printed; set-up without a shell form: \(needsSetup)")
    }
}

private func PathUtil_dirname(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
}
