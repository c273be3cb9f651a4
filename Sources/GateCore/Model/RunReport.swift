import Foundation

/// The whole result of a run: the value every report writer renders. Versioned as `gate-report/1`;
/// field names are fixed once released, and `docs/report.schema.json` describes them.
public struct RunReport: Codable, Sendable, Equatable {
    public static let schemaID = "gate-report/1"

    public var schema: String
    public var suite: String
    public var gateVersion: String
    public var startedAt: Date
    public var durationMs: Int
    public var status: RunStatus
    public var exitCode: Int32
    public var interrupted: Bool
    /// The suite file, relative to the working directory; nil for `gate check`.
    public var suiteFile: String?
    public var checks: [CheckResult]
    /// Descriptions of every rule that appears in `checks`, sorted by id.
    public var rules: [RuleDescriptor]
    /// The git commit of the suite's root, when it is in a repository.
    public var commit: String?
    /// Recent runs of this suite from the history database, oldest first, for the HTML charts.
    /// Not encoded: the JSON report describes one run.
    public var trend: [TrendRun] = []
    /// Set when this run was one shard of a suite (`--shard K/N`).
    public var shard: ShardInfo?
    /// Set when the run selected only some checks (`--only`, `--tag`, `--skip`): how it chose them. Every
    /// report says so, and the history leaves such runs out of pass rates and charts.
    public var partial: String?

    private enum CodingKeys: String, CodingKey {
        case schema, suite, gateVersion, startedAt, durationMs, status, exitCode, interrupted, suiteFile, checks,
             rules, commit, shard, partial
    }

    public init(
        suite: String, gateVersion: String = GateVersion.current, startedAt: Date, durationMs: Int,
        status: RunStatus, exitCode: Int32, interrupted: Bool = false, suiteFile: String? = nil,
        checks: [CheckResult], rules: [RuleDescriptor], commit: String? = nil
    ) {
        self.schema = RunReport.schemaID
        self.suite = suite
        self.gateVersion = gateVersion
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.status = status
        self.exitCode = exitCode
        self.interrupted = interrupted
        self.suiteFile = suiteFile
        self.checks = checks
        let used = Set(checks.flatMap { $0.rules + $0.findings.map(\.rule) })
        self.rules = rules.filter { used.contains($0.id) }.sorted { $0.id < $1.id }
        self.commit = commit
    }

    /// Counts of checks by status.
    public var statusCounts: [CheckStatus: Int] {
        checks.reduce(into: [:]) { $0[$1.status, default: 0] += 1 }
    }

    /// The rule description for `id`, if the report carries one.
    public func rule(_ id: String) -> RuleDescriptor? { rules.first { $0.id == id } }
}

/// gate's version, reported by `gate --version` and in every report.
public enum GateVersion {
    public static let current = "0.1.0"
}
