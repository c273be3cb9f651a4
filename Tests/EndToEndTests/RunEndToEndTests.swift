import Foundation
import GateTestSupport
import Testing

/// The built `gate` binary: exit codes, reports on disk validated against their schemas, interrupts.
@Suite struct RunEndToEndTests {
    func suiteDir(_ yaml: String, files: [String: String] = [:]) throws -> TempDir {
        let dir = try TempDir("e2e")
        try dir.write(files.merging(["suite.yaml": yaml]) { a, _ in a })
        return dir
    }

    func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func passingSuiteExitsZeroAndWritesValidReports() async throws {
        let dir = try suiteDir("""
            suite: demo
            checks:
              - id: hello
                run: echo hello
              - id: findings
                run: echo '{"rule":"demo/note","severity":"note","message":"fyi <&>","path":"a b.txt","line":2}' >> "$GATE_FINDINGS"
                needs: hello
            """)
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("PASS     hello"))
        for name in ["report.json", "junit.xml", "report.sarif", "report.md", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: dir.file("Reports/demo/\(name)")), "missing \(name)")
        }
        try await SchemaCheck.junit(dir.file("Reports/demo/junit.xml"))
        try await SchemaCheck.sarif(dir.file("Reports/demo/report.sarif"))
        try await SchemaCheck.report(dir.file("Reports/demo/report.json"))
        let report = try json(dir.file("Reports/demo/report.json"))
        #expect(report["status"] as? String == "passed")
        #expect(report["exitCode"] as? Int == 0)
    }

    /// GATE_FINDINGS paths live in one private directory per gate process, which is gone when gate exits,
    /// whether or not the programs wrote findings; the findings written are still ingested.
    @Test func findingsFilesLeaveNothingInTheTemporaryDirectory() async throws {
        let dir = try suiteDir("""
            suite: tmp
            checks:
              - {id: quiet, run: 'true'}
              - id: writes
                run: echo '{"rule":"demo/x","severity":"warning","message":"m"}' >> "$GATE_FINDINGS"; test -f "$GATE_FINDINGS"
              - {id: mode, run: 'test "$(stat -c %a "$(dirname "$GATE_FINDINGS")")" = 700'}
            """, files: ["tmp/.keep": ""])
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml", "--no-history"], cwd: dir.path, env: ["TMPDIR": dir.file("tmp")])
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        let report = try json(dir.file("Reports/tmp/report.json"))
        let checks = try #require(report["checks"] as? [[String: Any]])
        let writes = try #require(checks.first { $0["id"] as? String == "writes" })
        #expect((writes["findings"] as? [[String: Any]])?.map { $0["rule"] as? String } == ["demo/x"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.file("tmp")) == [".keep"])
    }

    @Test func failingRequiredCheckExitsOne() async throws {
        let dir = try suiteDir("checks:\n  - {id: bad, run: 'exit 5'}\n  - {id: advisory, run: 'exit 1', required: false}\n")
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml", "--junit", "out/j.xml"], cwd: dir.path)
        #expect(r.code == 1)
        #expect(r.stdout.contains("FAIL     bad"))
        #expect(r.stdout.contains("WARN     advisory"))
        try await SchemaCheck.junit(dir.file("out/j.xml"))
    }

    @Test func advisoryFailureAloneExitsZero() async throws {
        let dir = try suiteDir("checks:\n  - {id: advisory, run: 'exit 1', required: false}\n")
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 0)
    }

    @Test func configurationErrorsExitTwoWithPosition() async throws {
        let dir = try suiteDir("checks:\n  - id: a\n    run: 'true'\n    timout: 5s\n")
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 2)
        #expect(r.stderr.contains("suite.yaml:4:5: error: unknown key 'timout' in a check; did you mean 'timeout'?"))
        #expect(!r.stderr.contains("Fatal error"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("Reports")))
        // A key with no near match ends its sentence before the list (it ran into it: "in the suite Valid keys").
        try dir.write(["far.yaml": "version: 1\nchecks: []\n"])
        let far = try await Exec.gate(["run", "far.yaml"], cwd: dir.path)
        #expect(far.code == 2 && far.stderr.contains("far.yaml:1:1: error: unknown key 'version' in the suite. Valid keys: checks,"),
                "\(far.stderr)")
        let missing = try await Exec.gate(["run", "nope.yaml"], cwd: dir.path)
        #expect(missing.code == 2)
        #expect(missing.stderr.contains("cannot read 'nope.yaml'"))
        let flag = try await Exec.gate(["run", "suite.yaml", "--jobs", "zero"], cwd: dir.path)
        #expect(flag.code == 2)
        let unknownOnly = try await Exec.gate(["validate", "suite.yaml"], cwd: dir.path)
        #expect(unknownOnly.code == 2)
    }

    @Test func unwritableReportPathExitsTwoBeforeAnyCheckRuns() async throws {
        let dir = try suiteDir("checks:\n  - {id: marker, run: 'touch ran'}\n", files: ["blocker": "a file"])
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml", "--json", "blocker/report.json"], cwd: dir.path)
        #expect(r.code == 2)
        #expect(r.stderr.contains("cannot write the json report to 'blocker/report.json'"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("ran")))
    }

    @Test func requiredErrorExitsThree() async throws {
        let dir = try suiteDir("checks:\n  - {id: missing, run: [gate-no-such-tool]}\n  - {id: bad, run: 'exit 1'}\n")
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 3)
        #expect(r.stdout.contains("ERROR    missing"))
    }

    @Test func sigintWritesInterruptedReportsKillsChildrenAndExits130() async throws {
        let marker = "gate-e2e-int-\(UUID().uuidString.prefix(8))"
        let dir = try suiteDir("""
            checks:
              - id: long
                run: touch started; exec -a \(marker) sleep 300
              - id: later
                run: 'true'
                needs: long
            """.replacingOccurrences(of: "exec -a", with: "exec bash -c 'exec -a \(marker) sleep 300' #"))
        defer { dir.remove() }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Repo.gateBinary)
        p.arguments = ["run", "suite.yaml"]
        p.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        var waited = 0
        while !FileManager.default.fileExists(atPath: dir.file("started")) && waited < 300 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        #expect(FileManager.default.fileExists(atPath: dir.file("started")))
        try await Task.sleep(for: .milliseconds(100))
        kill(p.processIdentifier, SIGINT)
        while p.isRunning { try await Task.sleep(for: .milliseconds(20)) }
        #expect(p.terminationStatus == 130)
        let report = try json(dir.file("Reports/suite/report.json"))
        #expect(report["interrupted"] as? Bool == true)
        #expect(report["status"] as? String == "interrupted")
        let checks = try #require(report["checks"] as? [[String: Any]])
        #expect(checks.map { $0["status"] as? String } == ["error", "skipped"])
        let left = try await Exec.run(["pgrep", "-f", marker])
        #expect(left.stdout.isEmpty, "survivors: \(left.stdout)")
        try await SchemaCheck.junit(dir.file("Reports/suite/junit.xml"))
    }

    @Test func timeoutLeavesNoOrphans() async throws {
        let marker = "gate-e2e-orphan-\(UUID().uuidString.prefix(8))"
        let dir = try suiteDir("""
            checks:
              - id: stubborn
                timeout: 1s
                with: {kill-grace: 300ms}
                run: trap '' TERM; bash -c "trap '' TERM; exec -a \(marker) sleep 300" & bash -c "exec -a \(marker) sleep 300"
              - id: escapes
                run: setsid bash -c "exec -a \(marker) sleep 300" & echo detached
            """)
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 1)
        #expect(r.stdout.contains("TIMEOUT  stubborn"))
        try await Task.sleep(for: .milliseconds(200))
        let left = try await Exec.run(["pgrep", "-f", marker])
        #expect(left.stdout.isEmpty, "survivors: \(left.stdout)")
    }

    @Test func sameInputsGiveTheSameJSONApartFromTimeFields() async throws {
        let dir = try suiteDir("""
            checks:
              - {id: a, run: 'echo one'}
              - {id: b, run: 'echo {\\"rule\\":\\"x/y\\",\\"message\\":\\"m\\",\\"path\\":\\"z\\"} >> $GATE_FINDINGS; exit 2'}
              - {id: c, run: 'true', needs: b}
            """)
        defer { dir.remove() }
        _ = try await Exec.gate(["run", "suite.yaml", "--json", "one.json", "--jobs", "3"], cwd: dir.path)
        _ = try await Exec.gate(["run", "suite.yaml", "--json", "two.json", "--jobs", "1"], cwd: dir.path)
        func stripped(_ name: String) throws -> String {
            let text = try dir.read(name)
            return text.split(separator: "\n").filter { !$0.contains("\"durationMs\"") && !$0.contains("\"startedAt\"") }
                .joined(separator: "\n")
        }
        #expect(try stripped("one.json") == stripped("two.json"))
    }

    @Test func launchSuiteOnTheSamplePasses() async throws {
        let out = try TempDir("launch")
        defer { out.remove() }
        // As `make gate` runs it: the sign-offs are pending on a fresh clone and must not fail the run. The
        // state directory is a temporary one, so local sign-offs and history do not change the outcome.
        let r = try await Exec.gate(["run", "Suites/launch.yaml", "--reports", out.path, "--allow-pending-manual",
                                     "--state-dir", out.file("state")], cwd: Repo.root, timeout: .seconds(300))
        #expect(r.code == 0, "\(r.stdout)\n\(r.stderr)")
        #expect(r.stdout.contains("PENDING  rollback-ready"))
        #expect(FileManager.default.fileExists(atPath: out.file("report.html")))
        try await SchemaCheck.junit(out.file("junit.xml"))
        try await SchemaCheck.sarif(out.file("report.sarif"))
        try await SchemaCheck.report(out.file("report.json"))
    }
}
