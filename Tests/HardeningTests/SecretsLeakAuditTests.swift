import Foundation
import GateTestSupport
import Testing

/// Plants credentials everywhere gate reads (scanned files, a plugin's stdout, stderr, exit message,
/// GATE_FINDINGS messages and evidence, native JUnit and SARIF reports, a secret-named environment
/// variable), runs every report format, and searches every byte gate wrote: reports, the .gate/ state
/// (SQLite files with their WAL), artifacts, stdout and stderr. Not one token may appear.
@Suite struct SecretsLeakAuditTests {
    /// Tokens in the shapes gate knows, built at test time from random characters.
    static func tokens() -> [String: String] {
        func random(_ n: Int, _ alphabet: String) -> String { String((0..<n).map { _ in alphabet.randomElement()! }) }
        let alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
        let upper = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"
        return [
            "github": "gh" + "p_" + random(36, alnum),
            "aws": "AK" + "IA" + random(16, upper),
            "slack": "xo" + "xb-" + random(12, "0123456789") + "-" + random(24, alnum),
            "gitlab": "gl" + "pat-" + random(20, alnum),
            "url-password": random(18, alnum),
            "env-secret": random(28, alnum),
            "key-body": random(64, alnum),
        ]
    }

    @Test func plantedTokensNeverReachAnythingGateWrites() async throws {
        let t = Self.tokens()
        let dir = try TempDir("leak-audit")
        defer { dir.remove() }
        let dashes = String(repeating: "-", count: 5)
        let pem = [dashes + "BEGIN RSA PRIVATE", "KEY" + dashes + "\n" + t["key-body"]! + "\n" + dashes + "END RSA PRIVATE",
                   "KEY" + dashes].joined(separator: " ")
        let url = "postgres://svc:\(t["url-password"]!)@db.internal:5432/app"
        let all = [t["github"]!, t["aws"]!, t["slack"]!, t["gitlab"]!, url]
        try dir.write([
            "src/config.env": all.enumerated().map { "VALUE_\($0.offset)=\($0.element)" }.joined(separator: "\n")
                + "\n" + pem + "\n",
            "tools/leak.sh": """
                #!/bin/sh
                for t in \(all.map { "'\($0)'" }.joined(separator: " ")) "$DEPLOY_TOKEN"; do
                  echo "stdout: using $t"
                  echo "stderr: token=$t" >&2
                  printf '{"rule":"leak/msg","message":"found %s here","path":"src/config.env","line":1,"evidence":{"value":"%s"},"help":"rotate %s"}\\n' "$t" "$t" "$t" >> "$GATE_FINDINGS"
                done
                printf '%s\\n' '\(pem.replacingOccurrences(of: "\n", with: "\\n"))' >&2
                echo "last line: password=\(t["github"]!)" >&2
                exit 1
                """,
            "tools/junit.xml": """
                <testsuites><testsuite name="s" tests="1"><testcase name="t" file="src/config.env">
                <failure message="auth with \(t["aws"]!) failed">token \(t["slack"]!) and \(url)</failure>
                </testcase></testsuite></testsuites>
                """,
            "tools/r.sarif": """
                {"version":"2.1.0","runs":[{"tool":{"driver":{"name":"scan"}},"results":[{"ruleId":"r","message":{"text":"key \(t["gitlab"]!) in \(url)"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/config.env"},"region":{"startLine":1}}}]}]}]}
                """,
            "suite.yaml": """
                suite: audit
                env: {DEPLOY_TOKEN: '\(t["env-secret"]!)'}
                checks:
                  - {id: secrets, uses: secrets, with: {include: ['src/**']}}
                  - {id: plugin, run: sh tools/leak.sh}
                  - {id: junit, run: 'true', with: {report: {format: junit, path: tools/junit.xml}}}
                  - {id: sarif, run: 'true', with: {report: {format: sarif, path: tools/r.sarif}}}
                  - {id: env, run: 'echo "$DEPLOY_TOKEN"; echo "$DEPLOY_TOKEN" >&2; exit 3'}
                """,
        ])
        var outputs: [String] = []
        let run = try await Exec.gate(["run", "suite.yaml", "--markdown", "out/extra.md", "--html", "out/extra.html"], cwd: dir.path)
        #expect(run.code == 1, "\(run.stdout)\(run.stderr)")
        outputs += [run.stdout, run.stderr]
        let check = try await Exec.gate(["check", "secrets", "src", "--json", "out/check.json", "--sarif", "out/check.sarif",
                                         "--junit", "out/check.xml"], cwd: dir.path)
        #expect(check.code == 1, "\(check.stdout)\(check.stderr)")
        outputs += [check.stdout, check.stderr]
        for args in [["history", "suite.yaml"], ["checklist", "suite.yaml"]] {
            let r = try await Exec.gate(args, cwd: dir.path)
            outputs += [r.stdout, r.stderr]
        }

        // The secrets check found them (so the audit is not vacuous), by preview only.
        let report = try Hardening.json(dir.file("Reports/audit/report.json"))
        let checks = Hardening.checks(report)
        let found = checks["secrets"]?["findings"] as? [[String: Any]] ?? []
        // Six are planted; the random GitHub token fails its checksum, so five are usually found (one run
        // found four: random content can miss a rule's shape). Four or more shows the scan saw them.
        #expect(found.count >= 4, "the secrets check found \(found.count) of the planted tokens: \(found.map { $0["rule"] ?? "" })")
        #expect((checks["plugin"]?["findings"] as? [[String: Any]] ?? []).count >= 6)

        // Every file gate wrote (all but the planted inputs), plus everything it printed.
        var written: [(String, Data)] = outputs.enumerated().map { ("output \($0.offset)", Data($0.element.utf8)) }
        let planted: Set<String> = ["src/config.env", "tools/leak.sh", "tools/junit.xml", "tools/r.sarif", "suite.yaml"]
        let walker = FileManager.default.enumerator(atPath: dir.path)
        while let rel = walker?.nextObject() as? String {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.file(rel), isDirectory: &isDir), !isDir.boolValue,
                  !planted.contains(rel) else { continue }
            written.append((rel, try Data(contentsOf: URL(fileURLWithPath: dir.file(rel)))))
        }
        let names = written.map(\.0)
        #expect(names.contains { $0.hasPrefix(".gate/history.sqlite") }, "\(names)")
        for format in ["Reports/audit/report.json", "Reports/audit/junit.xml", "Reports/audit/report.sarif", "out/extra.md",
                       "out/extra.html", "out/check.json", "out/check.sarif", "out/check.xml"] {
            #expect(names.contains(format), "missing \(format)")
        }
        var leaks: [String] = []
        for (label, token) in t {
            // The whole token, and its tail (a preview may keep the start, never the rest).
            for needle in [token, String(token.suffix(12))] {
                for (name, data) in written where data.range(of: Data(needle.utf8)) != nil {
                    leaks.append("\(label) in \(name)")
                }
            }
        }
        #expect(leaks.isEmpty, "planted tokens leaked: \(Set(leaks).sorted())")
        print("audit secrets-leak: \(written.count) outputs, \(written.reduce(0) { $0 + $1.1.count }) bytes searched, "
              + "\(t.count) tokens, \(Set(leaks).count) leaks")
    }
}
