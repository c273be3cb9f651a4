import Foundation
import GateCore

/// Figures over a suite's recorded runs: pass rates, p50/p95 durations, the slowest checks, and flaky
/// checks, whose status flips between runs of the same commit.
///
/// Percentiles use the nearest-rank method over the runs in which the check ran (skipped runs are left
/// out of rates and durations). For flakiness, `passed` and `waived` count as the same outcome; manual
/// items are left out, since a sign-off between two runs of one commit is a change, not a flake.
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
        /// How many times the outcome changed.
        public var flips: Int
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

    public static func compute(suite: String, runs: [HistoryRun], check: String? = nil) -> HistoryStats {
        let ordered = runs.sorted { ($0.startedAt, $0.id) < ($1.startedAt, $1.id) }
        // The newest run's order first, then ids seen only in older runs (newest first).
        var order: [String] = []
        for r in ordered.reversed() {
            for c in r.checks where !order.contains(c.checkID) && (check == nil || c.checkID == check) {
                order.append(c.checkID)
            }
        }

        var checks: [CheckStats] = []
        var flaky: [Flake] = []
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
            var byCommit: [String: [CheckStatus]] = [:]
            for (run, c) in ran { if let commit = run.commit { byCommit[commit, default: []].append(c.status) } }
            for (commit, statuses) in byCommit {
                let outcomes = statuses.map { $0 == .waived ? CheckStatus.passed : $0 }
                let flips = zip(outcomes, outcomes.dropFirst()).filter { $0 != $1 }.count
                if flips > 0 { flaky.append(Flake(checkID: id, commit: commit, statuses: statuses, flips: flips)) }
            }
        }
        flaky.sort { ($1.flips, $0.checkID, $0.commit) < ($0.flips, $1.checkID, $1.commit) }
        let slowest = checks.filter { $0.p95Ms != nil && $0.verifier != ManualItemVerifier.descriptor.id }
            .sorted { ($1.p95Ms ?? 0, $0.id) < ($0.p95Ms ?? 0, $1.id) }.prefix(5)
        let runsPassed = ordered.filter { $0.status == .passed }.count
        let durations = ordered.map(\.durationMs)
        return HistoryStats(
            suite: suite, runs: ordered.count, first: ordered.first?.startedAt, last: ordered.last?.startedAt,
            runsPassed: runsPassed, passRate: ordered.isEmpty ? nil : Double(runsPassed) / Double(ordered.count),
            p50Ms: percentile(durations, 50), p95Ms: percentile(durations, 95), checks: checks,
            slowest: Array(slowest), flaky: flaky)
    }

    /// Nearest-rank percentile: the smallest value with at least `p`% of the values at or below it.
    public static func percentile(_ values: [Int], _ p: Double) -> Int? {
        guard !values.isEmpty else { return nil }
        let sorted = values.sorted()
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(sorted.count, max(1, rank)) - 1]
    }
}
