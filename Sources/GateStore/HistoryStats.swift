import Foundation
import GateCore

/// Figures over a suite's recorded runs: pass rates, p50/p95 durations, the slowest checks, and flaky
/// checks, whose status flips between runs of the same commit.
///
/// Percentiles use the nearest-rank method over the runs in which the check ran (skipped runs are left
/// out of rates and durations). For flakiness, `passed` and `waived` count as the same outcome; manual
/// items are left out, since a sign-off between two runs of one commit is a change, not a flake.
///
/// A flip between two runs of one commit is explained, not flaky, when something the check depends on
/// changed between them: the waivers covering it (its waived count, or the waivers file when it ends or
/// starts `waived`), its configuration in the suite, its inputs (the result-cache key), or the tree had
/// uncommitted changes. Pass rates and durations use full runs; partial runs (--only, --tag, --skip)
/// are counted apart.
public struct HistoryStats: Sendable, Equatable {
    public struct CheckStats: Sendable, Equatable {
        public var id: String
        public var verifier: String
        /// Runs in which the check ran (not skipped).
        public var runs: Int
        public var passed: Int
        public var skipped: Int
        public var passRate: Double?
        public var p50Ms: Int?
        public var p95Ms: Int?
        public var lastStatus: CheckStatus?
    }

    /// A check whose outcome changed between runs of one commit.
    public struct Flake: Sendable, Equatable {
        public var checkID: String
        public var commit: String
        /// The outcomes in run order at that commit.
        public var statuses: [CheckStatus]
        /// How many times the outcome changed without an explanation.
        public var flips: Int
        /// Why the other flips happened, in run order (for example "waiver change").
        public var explained: [String] = []
    }

    /// Why a check's outcome changed between two runs of one commit, or nil when nothing explains it.
    public static func explain(_ a: (run: HistoryRun, check: HistoryCheck), _ b: (run: HistoryRun, check: HistoryCheck)) -> String? {
        let becameOrWasWaived = a.check.status == .waived || b.check.status == .waived
        if a.check.waived != b.check.waived || (becameOrWasWaived && a.run.waiversDigest != b.run.waiversDigest) {
            return "waiver change"
        }
        if let x = a.check.configKey, let y = b.check.configKey, x != y { return "suite change" }
        if let x = a.check.inputKey, let y = b.check.inputKey, x != y { return "input change" }
        if a.run.dirty == true || b.run.dirty == true { return "uncommitted tree" }
        return nil
    }

    public var suite: String
    public var runs: Int
    public var first: Date?
    public var last: Date?
    public var runsPassed: Int
    public var passRate: Double?
    public var p50Ms: Int?
    public var p95Ms: Int?
    /// In suite order of the newest run, then any older ids.
    public var checks: [CheckStats]
    /// The slowest checks by p95, at most five.
    public var slowest: [CheckStats]
    /// Sorted by flips (most first), then id and commit.
    public var flaky: [Flake]
    /// Checks whose outcome changed at one commit only for explained reasons; same order as `flaky`.
    public var changed: [Flake] = []
    /// Partial runs (left out of rates and durations).
    public var partialRuns = 0

    public static func compute(suite: String, runs: [HistoryRun], check: String? = nil) -> HistoryStats {
        let everyRun = runs.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        let ordered = everyRun.filter { !$0.partial }
        // The newest run's order first, then ids seen only in older runs (newest first).
        var order: [String] = []
        for r in ordered.reversed() {
            for c in r.checks where !order.contains(c.checkID) && (check == nil || c.checkID == check) {
                order.append(c.checkID)
            }
        }

        var checks: [CheckStats] = []
        var flaky: [Flake] = []
        var changed: [Flake] = []
        for id in order {
            let rows = ordered.compactMap { run in run.checks.first { $0.checkID == id }.map { (run, $0) } }
            let ran = rows.filter { $0.1.status != .skipped }
            let passed = ran.filter { $0.1.status.satisfiesNeeds }.count
            let durations = ran.map(\.1.durationMs)
            checks.append(CheckStats(
                id: id, verifier: rows.last?.1.verifier ?? "", runs: ran.count, passed: passed,
                skipped: rows.count - ran.count, passRate: ran.isEmpty ? nil : Double(passed) / Double(ran.count),
                p50Ms: percentile(durations, 50), p95Ms: percentile(durations, 95), lastStatus: rows.last?.1.status))
            guard rows.last?.1.verifier != ManualItemVerifier.descriptor.id else { continue }
            // Every run at a commit is evidence about flakiness, partial ones too.
            let allRan = everyRun.compactMap { run in run.checks.first { $0.checkID == id }.map { (run: run, check: $0) } }
                .filter { $0.check.status != .skipped }
            var byCommit: [String: [(run: HistoryRun, check: HistoryCheck)]] = [:]
            for item in allRan { if let commit = item.run.commit { byCommit[commit, default: []].append(item) } }
            for (commit, items) in byCommit {
                var flips = 0
                var explained: [String] = []
                for (a, b) in zip(items, items.dropFirst()) {
                    let x = a.check.status == .waived ? CheckStatus.passed : a.check.status
                    let y = b.check.status == .waived ? CheckStatus.passed : b.check.status
                    guard x != y else { continue }
                    if let why = explain(a, b) { explained.append(why) } else { flips += 1 }
                }
                let flake = Flake(checkID: id, commit: commit, statuses: items.map(\.check.status), flips: flips,
                                  explained: explained)
                if flips > 0 { flaky.append(flake) } else if !explained.isEmpty { changed.append(flake) }
            }
        }
        flaky.sort { ($1.flips, $0.checkID, $0.commit) < ($0.flips, $1.checkID, $1.commit) }
        changed.sort { ($0.checkID, $0.commit) < ($1.checkID, $1.commit) }
        let slowest = checks.filter { $0.p95Ms != nil && $0.verifier != ManualItemVerifier.descriptor.id }
            .sorted { ($1.p95Ms ?? 0, $0.id) < ($0.p95Ms ?? 0, $1.id) }.prefix(5)
        let runsPassed = ordered.filter { $0.status == .passed }.count
        let durations = ordered.map(\.durationMs)
        return HistoryStats(
            suite: suite, runs: ordered.count, first: ordered.first?.startedAt, last: ordered.last?.startedAt,
            runsPassed: runsPassed, passRate: ordered.isEmpty ? nil : Double(runsPassed) / Double(ordered.count),
            p50Ms: percentile(durations, 50), p95Ms: percentile(durations, 95), checks: checks,
            slowest: Array(slowest), flaky: flaky, changed: changed, partialRuns: everyRun.count - ordered.count)
    }

    /// Nearest-rank percentile: the smallest value with at least `p`% of the values at or below it.
    public static func percentile(_ values: [Int], _ p: Double) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}
