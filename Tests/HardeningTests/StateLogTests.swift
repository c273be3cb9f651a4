import Foundation
import GateTestSupport
import Testing

/// The history's write-ahead log: a run folds it in and removes it on its way out when no other process
/// has the file open, and that tidy exit never makes a later run wait before writing its reports.
@Suite struct StateLogTests {
    static func logs(_ dir: TempDir) -> [String] {
        ((try? FileManager.default.contentsOfDirectory(atPath: dir.file(".gate"))) ?? []).filter { $0.hasSuffix("-wal") || $0.hasSuffix("-shm") }.sorted()
    }

    @Test func aSingleRunLeavesNoLog() async throws {
        let dir = try Hardening.suite("checks:\n  - {id: a, run: 'true'}\n  - {id: b, run: 'true', cache: true}\n")
        defer { dir.remove() }
        for _ in 0..<2 {
            let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
            #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
            #expect(Self.logs(dir).isEmpty, "left behind: \(Self.logs(dir))")
        }
        let history = try await Exec.gate(["history", "--suite", "suite.yaml"], cwd: dir.path)
        #expect(history.stdout.contains("2 full runs"), "\(history.stdout)\(history.stderr)")
    }

    /// Two runs at once: the second, started while the first holds the history open, writes its reports
    /// and ends while the first still runs; the last one out removes the log.
    @Test func overlappingRunsBothWriteTheirReportsWithoutWaiting() async throws {
        // The slow check runs until the test releases it, so that machine load cannot end it early.
        let dir = try Hardening.suite("suite: slow\nchecks:\n  - {id: slow, timeout: 5m, run: 'touch started; while [ ! -f release ]; do sleep 0.05; done'}\n",
                                      files: ["quick.yaml": "suite: quick\nchecks:\n  - {id: quick, run: 'true'}\n"])
        defer { dir.remove() }
        _ = try await Exec.gate(["run", "quick.yaml", "-q"], cwd: dir.path)
        #expect(Self.logs(dir).isEmpty)
        try FileManager.default.removeItem(atPath: dir.file("Reports"))
        let slow = try GateProcess(["run", "suite.yaml"], cwd: dir.path, env: ["GATE_STATE_WAIT": "60"])
        defer { slow.signal(SIGKILL) }
        #expect(try await Hardening.until(120) { FileManager.default.fileExists(atPath: dir.file("started")) }, "the slow check did not start")
        let quick = try await Exec.gate(["run", "quick.yaml"], cwd: dir.path, env: ["GATE_STATE_WAIT": "60"])
        #expect(quick.code == 0, "\(quick.stdout)\(quick.stderr)")
        #expect(slow.isRunning, "the second run ended only after the first")
        #expect(!quick.stdout.contains("not recorded"), "\(quick.stdout)")
        #expect(FileManager.default.fileExists(atPath: dir.file("Reports/quick/report.json")))
        try dir.write(["release": ""])
        try await slow.wait()
        #expect(slow.exitCode == 0)
        #expect(FileManager.default.fileExists(atPath: dir.file("Reports/slow/report.json")))
        #expect(Self.logs(dir).isEmpty, "left behind: \(Self.logs(dir))")
    }

    /// After a tidy exit (no log on disk), another process holding the history locked: the run writes its
    /// reports at once and only then waits to record itself. GRDB's WAL set-up used to write at open
    /// when the log was missing, which waited on the lock before anything else.
    @Test func aLockedHistoryAfterATidyExitDoesNotDelayTheReports() async throws {
        let dir = try Hardening.suite("suite: s\nchecks:\n  - {id: a, run: 'true'}\n")
        defer { dir.remove() }
        _ = try await Exec.gate(["run", "suite.yaml", "-q"], cwd: dir.path)
        #expect(Self.logs(dir).isEmpty)
        try FileManager.default.removeItem(atPath: dir.file("Reports"))
        let holder = try await Hardening.lockHistory(in: dir)
        defer { Hardening.stop(holder) }
        // A wait far longer than the poll: on a loaded machine the test itself may not run for tens of seconds.
        let p = try GateProcess(["run", "suite.yaml"], cwd: dir.path, env: ["GATE_STATE_WAIT": "300"])
        defer { p.signal(SIGKILL) }
        let written = try await Hardening.until(120) { FileManager.default.fileExists(atPath: dir.file("Reports/s/report.json")) }
        #expect(written && p.isRunning, "the reports waited on the locked history")
    }
}
