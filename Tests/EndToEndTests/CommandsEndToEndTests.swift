import Foundation
import GateTestSupport
import Testing

/// `gate check`, `list`, `explain`, `validate`, `--version` and `--help`.
@Suite struct CommandsEndToEndTests {
    @Test func checkRunsOneVerifierWithSetValues() async throws {
        let dir = try TempDir("check")
        defer { dir.remove() }
        let ok = try await Exec.gate(["check", "command", ".", "--set", "run=[sh, -c, 'exit 0']", "--json", "r.json", "--sarif", "r.sarif"], cwd: dir.path)
        #expect(ok.code == 0, "\(ok.stdout)\(ok.stderr)")
        try await SchemaCheck.report(dir.file("r.json"))
        try await SchemaCheck.sarif(dir.file("r.sarif"))
        let bad = try await Exec.gate(["check", "command", "--set", "run=exit 9"], cwd: dir.path)
        #expect(bad.code == 1)
        #expect(bad.stdout.contains("exited with code 9"))
        let typo = try await Exec.gate(["check", "comand"], cwd: dir.path)
        #expect(typo.code == 2)
        #expect(typo.stderr.contains("did you mean 'command'?"))
        let badSet = try await Exec.gate(["check", "command", "--set", "run=x", "--set", "kill-grace=never"], cwd: dir.path)
        #expect(badSet.code == 2)
        #expect(badSet.stderr.contains("'kill-grace' must be a duration"))
        let badRoot = try await Exec.gate(["check", "command", "no-such-dir", "--set", "run=true"], cwd: dir.path)
        #expect(badRoot.code == 2)
    }

    @Test func listExplainValidateVersion() async throws {
        let list = try await Exec.gate(["list"], cwd: Repo.root)
        #expect(list.code == 0)
        #expect(list.stdout.contains("command"))
        let explain = try await Exec.gate(["explain", "command"], cwd: Repo.root)
        #expect(explain.code == 0)
        for part in ["PARAMETERS", "run  <string | [string]>  required", "RULES", "command/exit-status", "EXAMPLES"] {
            #expect(explain.stdout.contains(part), "explain lacks \(part)")
        }
        let validate = try await Exec.gate(["validate", "Suites/launch.yaml"], cwd: Repo.root)
        #expect(validate.code == 0, "\(validate.stderr)")
        #expect(validate.stdout.hasPrefix("ok: Suites/launch.yaml"))
        let version = try await Exec.gate(["--version"], cwd: Repo.root)
        #expect(version.code == 0)
        #expect(version.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "0.1.0")
        let help = try await Exec.gate(["run", "--help"], cwd: Repo.root)
        #expect(help.code == 0)
        #expect(help.stdout.contains("--fail-fast"))
    }

    /// GATE_TIMINGS=1 adds the phase marks and gate's CPU time to stderr; without it there are none.
    @Test func timingsOnlyWhenAsked() async throws {
        let dir = try TempDir("timings")
        defer { dir.remove() }
        try dir.write(["suite.yaml": "suite: t\nchecks:\n  - {id: a, run: 'true'}\n  - {id: b, run: 'true', needs: [a]}\n"])
        let timed = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path, env: ["GATE_TIMINGS": "1"])
        #expect(timed.code == 0, "\(timed.stderr)")
        let marks = timed.stderr.split(separator: "\n").filter { $0.hasPrefix("gate timings:") }.map(String.init)
        for phase in ["arguments parsed", "suite loaded", "first child started", "checks done", "json rendered",
                      "reports written", "history recorded", "cpu of gate's own threads"] {
            #expect(marks.contains { $0.contains(phase) }, "\(phase) in \(marks)")
        }
        let plain = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(plain.code == 0)
        #expect(!plain.stderr.contains("gate timings:") && !plain.stdout.contains("gate timings:"))
    }

    @Test func everyBundledSuiteValidates() async throws {
        let suites = try FileManager.default.contentsOfDirectory(atPath: Repo.path("Suites")).filter { $0.hasSuffix(".yaml") }
        #expect(!suites.isEmpty)
        for s in suites {
            let r = try await Exec.gate(["validate", "Suites/\(s)"], cwd: Repo.root)
            #expect(r.code == 0, "\(s): \(r.stderr)")
        }
    }
}
