/// Everything one check produced. Reports are built from these values alone.
public struct CheckResult: Codable, Sendable, Equatable {
    public var id: String
    public var verifier: String
    public var description: String?
    public var status: CheckStatus
    public var required: Bool
    public var durationMs: Int
    /// One line for humans, such as "2 secrets in 1,204 files (38.1 MB)".
    public var summary: String
    /// Why the check errored, timed out or was skipped.
    public var reason: String?
    public var stats: [String: JSONValue]
    /// Every rule this check evaluated, sorted. JUnit emits one testcase per rule, so this list is what
    /// keeps CI trend views stable from run to run.
    public var rules: [String]
    public var findings: [Finding]
    /// Findings the check found but did not keep, counted by rule and severity (see `FindingLimits`); nil
    /// when every finding was kept.
    public var droppedFindings: [DroppedFindings]?
    /// Captured output (truncated and redacted), when the verifier ran a program.
    public var log: String?
    public var tags: [String]?
    /// Where the check is defined, as `file:line` relative to the working directory.
    public var source: String?
    /// The check's root relative to the working directory (`.` when they are the same). Finding paths are
    /// relative to it; SARIF joins the two so that URIs are relative to the repository.
    public var root: String?
    /// True when the outcome was reused from the result cache, false when the cache was consulted and
    /// missed, nil when it was not consulted (cache off, nothing to key on, the check did not run).
    public var cached: Bool?
    /// How the cache key was computed, when the cache was consulted.
    public var cache: CacheInfo?
    /// For a check split across shards (`split: true`), the slice this result covers ("2/4"); a merged
    /// report lists the slices it combined ("1/4,2/4,3/4,4/4").
    public var slice: String?
    /// Descriptions of rules this check reported that no verifier declares (ingested from other tools).
    /// Not encoded: the report's top-level `rules` carries them.
    public var extraRules: [RuleDescriptor] = []
    /// JUnit testcases when the verifier groups findings other than by rule (encoded so that merged shard
    /// reports keep them).
    public var testcases: TestcaseLayout?

    private enum CodingKeys: String, CodingKey {
        case id, verifier, description, status, required, durationMs, summary, reason, stats, rules, findings, log,
             tags, source, root, cached, cache, slice, testcases, droppedFindings
    }

    public init(
        id: String, verifier: String, description: String? = nil, status: CheckStatus, required: Bool = true,
        durationMs: Int = 0, summary: String = "", reason: String? = nil, stats: [String: JSONValue] = [:],
        rules: [String] = [], findings: [Finding] = [], log: String? = nil, tags: [String]? = nil,
        source: String? = nil, root: String? = nil
    ) {
        self.id = id
        self.verifier = verifier
        self.description = description
        self.status = status
        self.required = required
        self.durationMs = durationMs
        self.summary = summary
        self.reason = reason
        self.stats = stats
        self.rules = Array(Set(rules)).sorted()
        self.findings = findings.sorted(by: Finding.reportOrder)
        self.log = log
        self.tags = tags?.isEmpty == true ? nil : tags
        self.source = source
        self.root = root
    }

    /// Counts of unwaived findings by severity, the dropped ones included.
    public var findingCounts: [Severity: Int] {
        var counts: [Severity: Int] = droppedFindings?.unwaivedCounts ?? [:]
        for f in findings where !f.waived { counts[f.severity, default: 0] += 1 }
        return counts
    }

    /// How many findings were not kept (0 when all were).
    public var droppedCount: Int { droppedFindings?.total ?? 0 }

    /// True when this check makes the run fail or error.
    public var blocksRun: Bool {
        required && (status == .failed || status == .timedOut || status == .error)
    }
}

/// What consulting the result cache found for one check: the key, and how much reading it took.
public struct CacheInfo: Codable, Sendable, Equatable {
    /// The XXH3-128 cache key, hex.
    public var key: String
    /// Input files in the key.
    public var inputFiles: Int
    /// Input files read and hashed; the others were answered by the stat cache.
    public var hashedFiles: Int
    public var hashedBytes: Int64
    /// Why the result was not stored or could not be looked up, when that happened.
    public var note: String?

    public init(key: String, inputFiles: Int, hashedFiles: Int, hashedBytes: Int64, note: String? = nil) {
        self.key = key
        self.inputFiles = inputFiles
        self.hashedFiles = hashedFiles
        self.hashedBytes = hashedBytes
        self.note = note
    }
}
