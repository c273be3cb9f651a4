import Foundation

/// One past run as the history charts need it: when, how it ended, how long it took, and each check's
/// status and duration.
public struct TrendRun: Sendable, Equatable, Codable {
    public struct Check: Sendable, Equatable, Codable {
        public var status: CheckStatus
        public var durationMs: Int

        public init(status: CheckStatus, durationMs: Int) {
            self.status = status
            self.durationMs = durationMs
        }
    }

    public var startedAt: Date
    public var status: RunStatus
    public var durationMs: Int
    public var commit: String?
    /// Check id to its outcome.
    public var checks: [String: Check]

    public init(startedAt: Date, status: RunStatus, durationMs: Int, commit: String? = nil, checks: [String: Check]) {
        self.startedAt = startedAt
        self.status = status
        self.durationMs = durationMs
        self.commit = commit
        self.checks = checks
    }

    /// Checks that passed or were waived, over the checks that ran (skipped ones are left out).
    public var passRate: Double? {
        let ran = checks.values.filter { $0.status != .skipped }
        guard !ran.isEmpty else { return nil }
        return Double(ran.filter { $0.status.satisfiesNeeds }.count) / Double(ran.count)
    }
}
