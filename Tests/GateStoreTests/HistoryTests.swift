import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import GateStore

/// The run history on a real SQLite file: recording, retention, and the figures `gate history` shows,
/// computed over a synthetic history with known answers.
@Suite struct HistoryTests {
    static let t0 = DateText.parse("2026-11-01T08:00:00Z")!

    /// A run of suite `s` at hour `hour` on `commit`, with the given check outcomes.
    func report(_ hour: Int, commit: String?, _ checks: [(String, CheckStatus, Int)], suite: String = "launch") -> RunReport {
        let results = checks.map { id, status, ms in
            CheckResult(id: id, verifier: "command", status: status, durationMs: ms,
                        findings: status == .failed ? [Finding(rule: "command/exit-status", message: "exit 1")] : [])
        }
        let failed = results.contains { $0.status == .failed }
        return RunReport(suite: suite, startedAt: Self.t0.addingTimeInterval(Double(hour) * 3600),
                         durationMs: checks.map(\.2).reduce(0, +), status: failed ? .failed : .passed,
                         exitCode: failed ? 1 : 0, checks: results, rules: [], commit: commit)
    }

    @Test func recordsRunsAndReadsThemBackOldestFirst() throws {
        let dir = try TempDir("history")
        defer { dir.remove() }
        let store = try HistoryStore.open(stateDirectory: dir.file(".gate"))
        try store.record(report(1, commit: "c1", [("a", .passed, 100), ("b", .failed, 50)]), retention: 10)
        try store.record(report(2, commit: "c1", [("a", .passed, 120), ("b", .passed, 60)]), retention: 10)
        try store.record(report(3, commit: nil, [("x", .passed, 1)], suite: "other"), retention: 10)
        let runs = try store.runs(suite: "launch")
        #expect(runs.map(\.commit) == ["c1", "c1"])
        #expect(runs.map(\.status) == [.failed, .passed])
        #expect(runs[0].checks.map(\.checkID) == ["a", "b"])
        #expect(runs[0].checks[1].errors == 1)
        #expect(try store.suites() == ["launch", "other"])
        #expect(try store.runs(suite: "launch", last: 1).map(\.durationMs) == [180])
        // Reopening sees the same rows.
        let again = try HistoryStore.open(stateDirectory: dir.file(".gate"))
        #expect(try again.runs(suite: "launch").count == 2)
    }

    @Test func chartTrendEqualsTheFullReadOfTheSameRuns() throws {
        let dir = try TempDir("history")
        defer { dir.remove() }
        let store = try HistoryStore.open(stateDirectory: dir.path)
        let statuses: [CheckStatus] = [.passed, .failed, .skipped, .timedOut, .waived, .error]
        for h in 1...12 {
            // Checks recorded in an order that is not their ids' order, and a set that changes over time.
            var checks = (0..<(5 + h % 4)).reversed().map { i in ("c\(i)", statuses[(h + i) % statuses.count], h * 10 + i) }
            if h % 3 == 0 { checks.append(("late", .passed, 7)) }
            try store.record(report(h, commit: h % 2 == 0 ? "c\(h)" : nil, checks), retention: 100)
            try store.record(report(h, commit: nil, [("x", .passed, h)], suite: "other"), retention: 100)
        }
        for last in [1, 5, 12, 30] {
            let trend = try store.trend(suite: "launch", last: last)
            #expect(trend == (try store.runs(suite: "launch", last: last).map(\.trend)), "last \(last)")
            #expect(trend.count == min(last, 12))
        }
        #expect(try store.trend(suite: "launch", last: 5).last?.checks["c2"] == TrendRun.Check(status: .skipped, durationMs: 122))
        #expect(try store.trend(suite: "missing", last: 5).isEmpty)
    }

    @Test func retentionKeepsTheNewestRunsPerSuite() throws {
        let dir = try TempDir("history")
        defer { dir.remove() }
        let store = try HistoryStore.open(stateDirectory: dir.path)
        try store.record(report(0, commit: nil, [("x", .passed, 1)], suite: "other"), retention: 3)
        for h in 1...8 { try store.record(report(h, commit: "c", [("a", .passed, h)]), retention: 3) }
        let runs = try store.runs(suite: "launch")
        #expect(runs.map(\.durationMs) == [6, 7, 8])
        #expect(try store.runs(suite: "other").count == 1)
        // Checks of dropped runs go with them.
        let orphans = try store.database.queue.read {
            try Int.fetchOne($0, sql: "SELECT count(*) FROM check_run WHERE run_id NOT IN (SELECT id FROM run)")
        }
        #expect(orphans == 0)
    }

    @Test func statsOnASyntheticHistory() throws {
        let dir = try TempDir("history")
        defer { dir.remove() }
        let store = try HistoryStore.open(stateDirectory: dir.path)
        // 'build' always passes, durations 10..100 ms. 'smoke' flips at commit c2 (passed, failed, passed).
        // 'lint' fails at c1 then passes at c2: a change of commit, not a flake. 'deploy' is skipped twice.
        let plan: [(String, [(String, CheckStatus, Int)])] = [
            ("c1", [("build", .passed, 10), ("smoke", .passed, 500), ("lint", .failed, 5), ("deploy", .skipped, 0)]),
            ("c1", [("build", .passed, 20), ("smoke", .passed, 510), ("lint", .failed, 5), ("deploy", .skipped, 0)]),
            ("c2", [("build", .passed, 30), ("smoke", .passed, 520), ("lint", .passed, 5), ("deploy", .passed, 40)]),
            ("c2", [("build", .passed, 40), ("smoke", .failed, 530), ("lint", .passed, 5), ("deploy", .passed, 40)]),
            ("c2", [("build", .passed, 50), ("smoke", .passed, 540), ("lint", .passed, 5), ("deploy", .passed, 40)]),
            ("c3", [("build", .passed, 60), ("smoke", .passed, 550), ("lint", .passed, 5), ("deploy", .passed, 40)]),
            ("c3", [("build", .passed, 70), ("smoke", .passed, 560), ("lint", .passed, 5), ("deploy", .passed, 40)]),
            ("c3", [("build", .passed, 80), ("smoke", .passed, 570), ("lint", .passed, 5), ("deploy", .passed, 40)]),
            ("c3", [("build", .passed, 90), ("smoke", .passed, 580), ("lint", .passed, 5), ("deploy", .passed, 40)]),
            ("c3", [("build", .passed, 100), ("smoke", .passed, 2000), ("lint", .passed, 5), ("deploy", .passed, 40)]),
        ]
        for (i, (commit, checks)) in plan.enumerated() { try store.record(report(i, commit: commit, checks), retention: 100) }
        let s = HistoryStats.compute(suite: "launch", runs: try store.runs(suite: "launch"))

        #expect(s.runs == 10)
        #expect(s.runsPassed == 7)
        #expect(s.passRate == 0.7)
        let build = try #require(s.checks.first { $0.id == "build" })
        #expect(build.passRate == 1)
        #expect(build.p50Ms == 50)   // nearest rank: ceil(0.5 * 10) = 5th of 10..100
        #expect(build.p95Ms == 100)  // ceil(0.95 * 10) = 10th
        let smoke = try #require(s.checks.first { $0.id == "smoke" })
        #expect(smoke.passRate == 0.9)
        #expect(smoke.p95Ms == 2000)
        let deploy = try #require(s.checks.first { $0.id == "deploy" })
        #expect(deploy.runs == 8)
        #expect(deploy.skipped == 2)
        #expect(s.checks.map(\.id) == ["build", "smoke", "lint", "deploy"])
        #expect(s.slowest.map(\.id) == ["smoke", "build", "deploy", "lint"])
        #expect(s.flaky == [HistoryStats.Flake(checkID: "smoke", commit: "c2", statuses: [.passed, .failed, .passed], flips: 2)])

        let one = HistoryStats.compute(suite: "launch", runs: try store.runs(suite: "launch", last: 3), check: "smoke")
        #expect(one.checks.map(\.id) == ["smoke"])
        #expect(one.flaky.isEmpty)
    }

    @Test func percentilesUseNearestRank() {
        #expect(HistoryStats.percentile([], 50) == nil)
        #expect(HistoryStats.percentile([7], 95) == 7)
        #expect(HistoryStats.percentile([1, 2, 3, 4], 50) == 2)
        #expect(HistoryStats.percentile([4, 3, 2, 1], 95) == 4)
        #expect(HistoryStats.percentile(Array(1...100), 95) == 95)
    }

    @Test func signOffsBetweenRunsAreNotFlakes() {
        let runs = (0..<3).map { i in
            HistoryRun(id: Int64(i), suite: "launch", startedAt: Self.t0.addingTimeInterval(Double(i)), durationMs: 1,
                       status: .passed, commit: "c",
                       checks: [HistoryCheck(checkID: "rollback", verifier: "manual", status: i == 1 ? .passed : .failed,
                                             durationMs: 0)])
        }
        #expect(HistoryStats.compute(suite: "launch", runs: runs).flaky.isEmpty)
    }
}

/// `gate history` tells a flip with a cause (waivers, suite, inputs, uncommitted tree) from flakiness,
/// and leaves partial runs out of the figures (issue 23).
@Suite struct HistoryExplainedFlipTests {
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    static func run(_ i: Int, _ status: CheckStatus, waived: Int = 0, waivers: String? = nil, config: String = "k1",
                    input: String? = nil, dirty: Bool? = false, partial: Bool = false) -> HistoryRun {
        var c = HistoryCheck(checkID: "lint", status: status, durationMs: 10, errors: status == .failed ? 1 : 0, waived: waived)
        c.configKey = config
        c.inputKey = input
        var r = HistoryRun(id: Int64(i), suite: "s", startedAt: t0.addingTimeInterval(Double(i)), durationMs: 10,
                           status: status == .failed ? .failed : .passed, commit: "c", checks: [c])
        r.waiversDigest = waivers
        r.dirty = dirty
        r.partial = partial
        return r
    }

    static func why(_ runs: [HistoryRun]) -> (flaky: [HistoryStats.Flake], changed: [HistoryStats.Flake]) {
        let s = HistoryStats.compute(suite: "s", runs: runs)
        return (s.flaky, s.changed)
    }

    @Test func aWaiverAddedBetweenRunsIsAChangeNotAFlake() {
        let r = Self.why([Self.run(0, .failed), Self.run(1, .waived, waived: 1, waivers: "w1")])
        #expect(r.flaky.isEmpty)
        #expect(r.changed.map(\.explained) == [["waiver change"]])
    }

    @Test func aSuiteChangeAnInputChangeOrADirtyTreeExplainAFlip() {
        #expect(Self.why([Self.run(0, .passed), Self.run(1, .failed, config: "k2")]).changed.map(\.explained) == [["suite change"]])
        #expect(Self.why([Self.run(0, .passed, input: "i1"), Self.run(1, .failed, input: "i2")]).changed.map(\.explained)
                == [["input change"]])
        #expect(Self.why([Self.run(0, .passed), Self.run(1, .failed, dirty: true)]).changed.map(\.explained)
                == [["uncommitted tree"]])
    }

    @Test func anUnexplainedFlipIsFlaky() {
        let r = Self.why([Self.run(0, .passed, input: "i1"), Self.run(1, .failed, input: "i1"), Self.run(2, .passed, input: "i1")])
        #expect(r.flaky.map(\.flips) == [2])
        #expect(r.changed.isEmpty)
        // Unknown facts (runs recorded before gate kept them) explain nothing.
        let old = Self.why([Self.run(0, .passed, dirty: nil), Self.run(1, .failed, dirty: nil)])
        #expect(old.flaky.map(\.flips) == [1])
    }

    @Test func partialRunsAreLeftOutOfTheFigures() {
        let s = HistoryStats.compute(suite: "s", runs: [Self.run(0, .passed), Self.run(1, .failed, partial: true)])
        #expect(s.runs == 1 && s.partialRuns == 1)
        #expect(s.passRate == 1)
        #expect(s.checks.first?.passRate == 1)
    }
}

extension HistoryExplainedFlipTests {
    @Test func factsAreRecordedAndReadBack() throws {
        let dir = try TempDir("history-facts")
        defer { dir.remove() }
        let store = try HistoryStore.open(stateDirectory: dir.file(".gate"))
        var check = CheckResult(id: "lint", verifier: "command", status: .passed)
        check.cache = CacheInfo(key: "input-key-1", inputFiles: 1, hashedFiles: 1, hashedBytes: 3)
        var report = RunReport(suite: "s", startedAt: Self.t0, durationMs: 1, status: .passed, exitCode: 0,
                               checks: [check], rules: [], commit: "c")
        report.partial = "--only lint"
        try store.record(report, retention: 10,
                         facts: RunFacts(waiversDigest: "w", dirty: true, configKeys: ["lint": "cfg"]))
        let run = try #require(try store.runs(suite: "s").first)
        #expect(run.partial && run.waiversDigest == "w" && run.dirty == true)
        #expect(run.checks.first?.configKey == "cfg" && run.checks.first?.inputKey == "input-key-1")
        // The charts draw full runs only.
        #expect(try store.trend(suite: "s", last: 10).isEmpty)
    }
}
