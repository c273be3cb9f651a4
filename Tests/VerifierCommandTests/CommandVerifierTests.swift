import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCommand

/// The plugin protocol, end to end through the scheduler with real processes.
@Suite struct CommandVerifierTests {
    let registry = VerifierRegistry([CommandVerifier.self])

    func run(_ checkYAML: String, files: [String: String] = [:]) async throws -> CheckResult {
        let dir = try TempDir("cmd")
        defer { dir.remove() }
        try dir.write(files)
        let yaml = "checks:\n  - id: c\n" + checkYAML.split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.isEmpty ? "" : "    " + $0 }.joined(separator: "\n") + "\n"
        try dir.write(["s.yaml": yaml])
        let suite = try SuiteLoader(registry: registry, workingDirectory: dir.path).load("s.yaml")
        let options = RunOptions(jobs: 1, reportsDirectory: dir.file("Reports"), environment: ProcessInfo.processInfo.environment)
        let outcome = await Scheduler(options: options).run(suite, selection: try Selection.compute(suite, options: options))
        return try #require(outcome.results.first)
    }

    func loadError(_ checkYAML: String) -> ConfigError? {
        do {
            _ = try CommandVerifierTests.load(registry, checkYAML)
            return nil
        } catch { return error }
    }

    static func load(_ registry: VerifierRegistry, _ checkYAML: String) throws(ConfigError) -> Suite {
        let dir = try! TempDir("cmdload")
        let yaml = "checks:\n  - id: c\n" + checkYAML.split(separator: "\n").map { "    " + $0 }.joined(separator: "\n") + "\n"
        try! dir.write(["s.yaml": yaml])
        return try SuiteLoader(registry: registry, workingDirectory: dir.path).load("s.yaml")
    }

    @Test func exitCodesDecideTheStatus() async throws {
        let ok = try await run("run: echo fine")
        #expect(ok.status == .passed)
        #expect(ok.log?.contains("fine") == true)
        let bad = try await run("run: echo broken >&2; exit 4")
        #expect(bad.status == .failed)
        #expect(bad.findings.map(\.rule) == ["command/exit-status"])
        #expect(bad.findings[0].message == "'echo broken >&2; exit 4' exited with code 4: broken")
        let allowed = try await run("uses: command\nwith: {run: exit 1, success-codes: [0, 1]}")
        #expect(allowed.status == .passed)
    }

    @Test func aMissingProgramIsAnError() async throws {
        let r = try await run("run: [gate-no-such-program]")
        #expect(r.status == .error)
        #expect(r.reason?.contains("cannot run 'gate-no-such-program': not found in PATH") == true)
    }

    @Test func findingsFileLinesAreIngestedAndBadLinesCounted() async throws {
        let script = """
            run: |
              cat >> "$GATE_FINDINGS" <<'EOF'
              {"rule":"lint/long-line","severity":"warning","message":"line too long","path":"a.py","line":7,"column":81}
              not json at all
              {"rule":"todo","message":"TODO found","path":"./b.py"}
              {"message":"no rule"}
              {"rule":"x/y","message":"bad line number","line":0}

              {"rule":"sec/z","severity":"fatal","message":"bad severity"}
              EOF
            """
        let r = try await run(script)
        // 'todo' has the default severity, error: an un-waived error finding fails the check although the
        // program exited 0 (issue 23).
        #expect(r.status == .failed)
        #expect(!r.findings.contains { $0.rule == "command/exit-status" })
        let valid = r.findings.filter { $0.rule != "command/invalid-finding" }
        #expect(valid.map(\.rule).sorted() == ["command/todo", "lint/long-line"])
        #expect(valid.first { $0.rule == "lint/long-line" }?.column == 81)
        #expect(valid.first { $0.rule == "command/todo" }?.path == "b.py")
        let invalid = r.findings.filter { $0.rule == "command/invalid-finding" }.map(\.message).sorted()
        #expect(invalid == [
            "GATE_FINDINGS line 2: not valid JSON",
            "GATE_FINDINGS line 4: missing string 'rule'",
            "GATE_FINDINGS line 5: 'line' must be a positive integer",
            "GATE_FINDINGS line 7: 'severity' must be error, warning or note",
        ])
    }

    @Test func junitReportsBecomeFindings() async throws {
        let junit = """
            <?xml version="1.0" encoding="utf-8"?>
            <testsuites><testsuite name="pytest" errors="1" failures="1" skipped="1" tests="4">
            <testcase classname="tests.test_a" name="test_ok" file="tests/test_a.py" line="3" time="0.01"/>
            <testcase classname="tests.test_a" name="test_bad" file="tests/test_a.py" line="9" time="0.02">
              <failure message="assert 1 == 2">Traceback...
            AssertionError</failure></testcase>
            <testcase classname="tests.test_b" name="test_boom" time="0.1"><error message="RuntimeError: boom"/></testcase>
            <testcase classname="tests.test_b" name="test_later"><skipped message="later"/></testcase>
            </testsuite></testsuites>
            """
        let r = try await run("uses: command\nwith:\n  run: exit 1\n  report: {format: junit, path: out/junit.xml}",
                              files: ["out/junit.xml": junit])
        #expect(r.status == .failed)
        let failure = try #require(r.findings.first { $0.rule == "command/test-failure" })
        #expect(failure.message == "tests.test_a.test_bad failed: assert 1 == 2")
        #expect(failure.path == "tests/test_a.py")
        #expect(failure.line == 9)
        #expect(r.findings.contains { $0.rule == "command/test-error" && $0.message.contains("RuntimeError: boom") })
        #expect(r.stats["tests"] == 4)
        #expect(r.stats["testsSkipped"] == 1)
        #expect(r.rules.contains("command/test-failure"))
        #expect(r.summary.contains("4 tests, 1 failed, 1 errored, 1 skipped (JUnit)"), "\(r.summary)")
        let one = try await run("uses: command\nwith:\n  run: 'true'\n  report: {format: junit, path: j.xml}",
                                files: ["j.xml": "<testsuite><testcase classname='t' name='ok'/></testsuite>"])
        #expect(one.summary.contains("1 test (JUnit)"), "\(one.summary)")
    }

    @Test func oneFindingFromTheProgramIsSingular() async throws {
        let r = try await run("uses: command\nwith:\n  run: echo '{\"rule\":\"x/y\",\"severity\":\"warning\",\"message\":\"m\"}' >> \"$GATE_FINDINGS\"")
        #expect(r.summary.contains("1 finding from GATE_FINDINGS"), "\(r.summary)")
    }

    @Test func invalidOrMissingReportsAreFindings() async throws {
        let invalid = try await run("uses: command\nwith:\n  run: 'true'\n  report: {format: junit, path: j.xml}",
                                    files: ["j.xml": "<testsuite><testcase name='x'>"])
        #expect(invalid.findings.contains { $0.rule == "command/report-invalid" })
        let missing = try await run("uses: command\nwith:\n  run: 'true'\n  report: {format: junit, path: nowhere.xml}")
        #expect(missing.status == .failed)
        #expect(missing.findings.map(\.rule) == ["command/report-missing"])
    }

    @Test func sarifResultsBecomeFindings() async throws {
        let sarif = """
            {"version":"2.1.0","runs":[{"tool":{"driver":{"name":"Other Scanner","rules":[
              {"id":"R1","shortDescription":{"text":"Rule one"},"defaultConfiguration":{"level":"error"}}]}},
             "results":[
              {"ruleId":"R1","message":{"text":"bad thing"},"locations":[{"physicalLocation":{"artifactLocation":{"uri":"src/x.c"},"region":{"startLine":12,"startColumn":4}}}],
               "partialFingerprints":{"primaryLocationLineHash":"abc"}},
              {"ruleId":"R2","level":"note","message":{"text":"fyi"}},
              {"ruleId":"R1","message":{"text":"accepted risk"},"suppressions":[{"kind":"inSource","justification":"known"}]}
             ]}]}
            """
        let r = try await run("uses: command\nwith:\n  run: 'true'\n  report: {format: sarif, path: scan.sarif}", files: ["scan.sarif": sarif])
        // An un-waived error result fails the check although the scanner exited 0.
        #expect(r.status == .failed)
        #expect(!r.findings.contains { $0.rule == "command/exit-status" })
        let bad = try #require(r.findings.first { $0.message == "bad thing" })
        #expect(bad.rule == "other-scanner/R1")
        #expect(bad.severity == .error)
        #expect(bad.path == "src/x.c" && bad.line == 12 && bad.column == 4)
        #expect(r.findings.first { $0.message == "fyi" }?.severity == .note)
        let suppressed = try #require(r.findings.first { $0.message == "accepted risk" })
        #expect(suppressed.waived && suppressed.waiver == "known")
        #expect(r.extraRules.contains { $0.id == "other-scanner/R1" && $0.summary == "Rule one" })
    }

    @Test func parametersAreValidatedAtLoadTime() {
        #expect(loadError("uses: command\nwith: {run: ''}")?.description.contains("the command is empty") == true)
        #expect(loadError("uses: command\nwith: {run: \" \\t \"}")?.description.contains("the command is empty") == true)
        #expect(loadError("uses: command\nwith: {run: \" x \"}") == nil)
        #expect(loadError("uses: command\nwith: {run: x, report: {format: tap, path: x}}")?.description.contains("'report.format' must be 'junit' or 'sarif'") == true)
        #expect(loadError("uses: command\nwith: {run: x, report: {format: junit}}")?.description.contains("missing required key 'path'") == true)
        #expect(loadError("uses: command\nwith: {run: x, success-codes: [300]}")?.description.contains("exit codes from 0 to 255") == true)
        #expect(loadError("uses: command\nwith: {run: x, kill-grace: forever}")?.description.contains("'kill-grace' must be a duration") == true)
        // gate waits for a stopped check before it exits, so the grace has a ceiling (ProcessSpec.maxKillGrace).
        #expect(loadError("uses: command\nwith: {run: x, kill-grace: 61s}")?.description.contains("must be at most 60s") == true)
        #expect(loadError("uses: command\nwith: {run: x, kill-grace: 60s}") == nil)
        #expect(loadError("uses: command\nwith: {rn: x}")?.description.contains("did you mean 'run'?") == true)
    }

    @Test func environmentCarriesGateVariables() async throws {
        let r = try await run(#"run: 'echo "$GATE_CHECK_ID|$GATE_SUITE|${GATE_FINDINGS:+set}"'"#)
        #expect(r.log?.contains("c|s|set") == true)
    }

    @Test func secretsInOutputAreRedacted() async throws {
        let value = "hunter2-" + String(repeating: "z", count: 12)
        let r = try await run("run: echo \"$APP_PASSWORD\"\nenv: {APP_PASSWORD: \"\(value)\"}")
        #expect(r.log?.contains(value) == false)
        #expect(r.log?.contains("[redacted:APP_PASSWORD]") == true)
    }
}
