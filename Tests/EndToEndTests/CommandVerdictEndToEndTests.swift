import Foundation
import GateTestSupport
import Testing

/// The verdict of a `command` check, on the built binary: findings decide when the program reported
/// some, the exit code when it reported none, and "cannot run" is the same error in both command forms.
@Suite struct CommandVerdictEndToEndTests {
    /// A day in the next month, so that a waiver is active whatever day the test runs.
    static var soon: String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date().addingTimeInterval(30 * 86400))
    }

    static let linter = #"echo '{"rule":"lint/unsafe","message":"unsafe call","path":"a.py","line":1}' >> "$GATE_FINDINGS"; exit 1"#

    @Test func waivingEveryErrorFindingUnblocksACheckThatExitedOne() async throws {
        let dir = try TempDir("verdict-waive")
        defer { dir.remove() }
        try dir.write([
            "a.py": "eval(x)\n",
            "gate.yaml": "suite: v\nchecks:\n  - id: lint\n    run: '\(Self.linter.replacingOccurrences(of: "'", with: "''"))'\n",
        ])
        let blocked = try await Exec.gate(["run", "--json", "r.json"], cwd: dir.path)
        #expect(blocked.code == 1, "\(blocked.stdout)\(blocked.stderr)")
        let before = try dir.read("r.json")
        #expect(before.contains("lint/unsafe"))
        // The exit code is not a finding of its own: nothing to waive but the real finding.
        #expect(!before.contains(#""rule" : "command/exit-status""#), "\(before)")

        try dir.write([".gate/waivers.yaml": """
            waivers:
              - rule: lint/unsafe
                path: a.py
                reason: reviewed; the input is a constant
                owner: dev-team
                expires: \(Self.soon)
            """])
        let waived = try await Exec.gate(["run", "--json", "r.json"], cwd: dir.path)
        #expect(waived.code == 0, "\(waived.stdout)\(waived.stderr)")
        #expect(try Self.statuses(dir.file("r.json")) == ["lint": "waived"])
    }

    static func statuses(_ path: String) throws -> [String: String] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        let report = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
        let checks = try #require(report["checks"] as? [[String: Any]])
        var out: [String: String] = [:]
        for c in checks { out[c["id"] as? String ?? "?"] = c["status"] as? String }
        return out
    }

    @Test func anErrorFindingFailsACheckThatExitedZero() async throws {
        let dir = try TempDir("verdict-exit0")
        defer { dir.remove() }
        let run = #"echo '{"rule":"lint/bad","message":"bad"}' >> "$GATE_FINDINGS"; exit 0"#
        let r = try await Exec.gate(["check", "command", ".", "--set", "run=\(run)"], cwd: dir.path,
                                    env: ["GITHUB_ACTIONS": "true"])
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        // Under GitHub Actions a failing finding is an error annotation, not a warning.
        #expect(r.stdout.contains("::error") && !r.stdout.contains("::warning"), "\(r.stdout)")
        let warningOnly = #"echo '{"rule":"lint/style","severity":"warning","message":"meh"}' >> "$GATE_FINDINGS"; exit 0"#
        let ok = try await Exec.gate(["check", "command", ".", "--set", "run=\(warningOnly)"], cwd: dir.path)
        #expect(ok.code == 0, "\(ok.stdout)\(ok.stderr)")
    }

    @Test func theExitCodeStillCountsWhenNothingWasReportedOrTheProgramCrashed() async throws {
        let dir = try TempDir("verdict-exit")
        defer { dir.remove() }
        // No findings: exit 1 fails on command/exit-status.
        let none = try await Exec.gate(["check", "command", ".", "--set", "run=exit 1"], cwd: dir.path)
        #expect(none.code == 1 && none.stdout.contains("exited with code 1"), "\(none.stdout)")
        // Findings, but a code outside success-codes and finding-codes: the exit status fails it too.
        let odd = #"echo '{"rule":"lint/x","severity":"warning","message":"w"}' >> "$GATE_FINDINGS"; exit 2"#
        let crashed = try await Exec.gate(["check", "command", ".", "--set", "run=\(odd)"], cwd: dir.path)
        #expect(crashed.code == 1 && crashed.stdout.contains("exited with code 2"), "\(crashed.stdout)")
        // Findings and a signal.
        let killed = #"echo '{"rule":"lint/x","severity":"warning","message":"w"}' >> "$GATE_FINDINGS"; kill -9 $$"#
        let sig = try await Exec.gate(["check", "command", ".", "--set", "run=\(killed)"], cwd: dir.path)
        #expect(sig.code == 1 && sig.stdout.contains("SIGKILL"), "\(sig.stdout)")
        // finding-codes widens what "found something" means.
        let widened = try await Exec.gate(["check", "command", ".", "--set", "run=\(odd)", "--set", "finding-codes=[1, 2]"],
                                          cwd: dir.path)
        #expect(widened.code == 0, "\(widened.stdout)\(widened.stderr)")
    }

    @Test func aMissingProgramCannotRunInBothForms() async throws {
        let dir = try TempDir("verdict-missing")
        defer { dir.remove() }
        let missing = "/nonexistent-\(UUID().uuidString)/tool"
        for form in [missing, "[\(missing)]"] {
            try dir.write(["gate.yaml": "suite: m\nchecks:\n  - id: tool\n    run: \(form)\n"])
            let r = try await Exec.gate(["run"], cwd: dir.path)
            #expect(r.code == 3, "\(form): \(r.code) \(r.stdout)\(r.stderr)")
            let out = r.stdout + r.stderr
            #expect(out.contains("cannot run '\(missing)"), "\(form): \(out)")
            #expect(!out.contains("not found in PATH"), "\(form): an absolute path is not looked up in PATH: \(out)")
        }
        let notInPath = try await Exec.gate(["check", "command", ".", "--set", "run=[gate-no-such-tool-\(UInt32.random(in: 1...999_999))]"],
                                            cwd: dir.path)
        #expect(notInPath.code == 3 && notInPath.stdout.contains("not found in PATH"), "\(notInPath.stdout)")
        let shellNotInPath = try await Exec.gate(["check", "command", ".", "--set", "run=gate-no-such-tool-\(UInt32.random(in: 1...999_999)) --x"],
                                                 cwd: dir.path)
        #expect(shellNotInPath.code == 3 && shellNotInPath.stdout.contains("cannot run"), "\(shellNotInPath.stdout)")
    }
}
