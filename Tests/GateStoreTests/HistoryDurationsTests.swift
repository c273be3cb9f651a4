import Foundation
import GateCore
import GateTestSupport
import GRDB
import Testing

@testable import GateStore

/// The durations shard balancing reads: medians over complete runs of checks that really ran.
@Suite struct HistoryDurationsTests {
    func report(_ minute: Int, _ checks: [(String, Int, Bool)], shard: ShardInfo? = nil) -> RunReport {
        let results = checks.map { id, ms, cached in
            var r = CheckResult(id: id, verifier: "command", status: .passed, durationMs: ms)
            r.cached = cached
            return r
        }
        var report = RunReport(suite: "s", startedAt: Date(timeIntervalSince1970: Double(minute) * 60), durationMs: 1,
                               status: .passed, exitCode: 0, checks: results, rules: [])
        report.shard = shard
        return report
    }

    @Test func mediansLeaveOutCachedResultsAndShardRuns() throws {
        let dir = try TempDir("durations")
        defer { dir.remove() }
        let store = try HistoryStore.open(stateDirectory: dir.file(".gate"))
        try store.record(report(1, [("a", 100, false), ("b", 10, false)]), retention: 10)
        try store.record(report(2, [("a", 300, false), ("b", 2, true)]), retention: 10)
        try store.record(report(3, [("a", 200, false), ("b", 30, false)]), retention: 10)
        let shard = ShardInfo(index: 1, count: 2, checks: ["a"], suiteChecks: ["a", "b"], splitChecks: [],
                              balance: .weights)
        try store.record(report(4, [("a", 9000, false)], shard: shard), retention: 10)
        #expect(try store.medianDurations(suite: "s") == ["a": 200, "b": 10])
    }

    @Test func aVersionOneHistoryIsMigrated() throws {
        let dir = try TempDir("durations")
        defer { dir.remove() }
        // Only the first migration, as an older gate left it, with one run in it.
        let v1 = try StateDatabase.open(directory: dir.file(".gate"), name: HistoryStore.fileName,
                                        migrations: Array(HistoryStore.migrations.prefix(1)))
        try v1.queue.write { db in
            try db.execute(sql: "INSERT INTO run(suite, started_at, duration_ms, status, exit_code, interrupted) VALUES ('s', 1, 5, 'passed', 0, 0)")
            try db.execute(sql: "INSERT INTO check_run VALUES (1, 'a', 'command', 'passed', 1, 42, 0, 0, 0, 0)")
        }
        let store = try HistoryStore.open(stateDirectory: dir.file(".gate"))
        #expect(try store.medianDurations(suite: "s") == ["a": 42])
        #expect(try store.runs(suite: "s").count == 1)
    }
}
