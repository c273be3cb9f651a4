/// A loaded, validated suite: everything needed to run, with each check's verifier already configured.
public struct Suite: Sendable {
    public var name: String
    public var description: String?
    /// The suite file as the user named it; nil for `gate check`.
    public var file: String?
    /// Absolute root that checks work on.
    public var root: String
    public var jobs: Int?
    public var timeout: Duration?
    public var env: [String: String]
    /// Report format (`json`, `junit`, `sarif`, `markdown`) to path, as written in the suite.
    public var reports: [String: String]
    /// Where each of `reports` is written in the suite file, for messages about the path.
    public var reportLocations: [String: SourceLocation] = [:]
    public var checks: [CheckSpec]
    /// The longest a waiver may last (`waivers: {max-lifetime: 90d}`).
    public var waiverMaxLifetime: Duration = WaiverFile.defaultMaxLifetime
    /// Runs of this suite kept in the history database (`history: {retention: 500}`).
    public var historyRetention: Int = Suite.defaultHistoryRetention

    public static let defaultHistoryRetention = 500

    public init(name: String, description: String? = nil, file: String? = nil, root: String, jobs: Int? = nil,
                timeout: Duration? = nil, env: [String: String] = [:], reports: [String: String] = [:],
                checks: [CheckSpec]) {
        self.name = name
        self.description = description
        self.file = file
        self.root = root
        self.jobs = jobs
        self.timeout = timeout
        self.env = env
        self.reports = reports
        self.checks = checks
    }

    public func check(_ id: String) -> CheckSpec? { checks.first { $0.id == id } }
}

/// One check of a suite.
public struct CheckSpec: Sendable {
    public var id: String
    public var description: String?
    public var verifierID: String
    /// The configured verifier (its parameters were validated at load time).
    public var verifier: any Verifier
    public var parameters: Parameters
    public var needs: [String]
    public var timeout: Duration?
    public var required: Bool
    public var tags: [String]
    public var env: [String: String]
    /// Absolute working directory for programs, when set.
    public var cwd: String?
    /// Absolute root for this check.
    public var root: String
    public var location: SourceLocation
    /// Set for a manual checklist item (`manual:`); its verifier is a `ManualItemVerifier`.
    public var manual: ManualItem?
    /// Result cache and shard settings (`inputs`, `env-inputs`, `cache`, `split`, `weight`).
    public var cache = CachePolicy()

    public init(id: String, description: String? = nil, verifierID: String, verifier: any Verifier,
                parameters: Parameters, needs: [String] = [], timeout: Duration? = nil, required: Bool = true,
                tags: [String] = [], env: [String: String] = [:], cwd: String? = nil, root: String,
                location: SourceLocation, manual: ManualItem? = nil) {
        self.id = id
        self.description = description
        self.verifierID = verifierID
        self.verifier = verifier
        self.parameters = parameters
        self.needs = needs
        self.timeout = timeout
        self.required = required
        self.tags = tags
        self.env = env
        self.cwd = cwd
        self.root = root
        self.location = location
        self.manual = manual
    }
}

/// The keys a suite file accepts. One list, so that `unknown key` messages and docs agree.
public enum SuiteKeys {
    public static let top = ["suite", "description", "root", "jobs", "timeout", "env", "reports", "include", "checks",
                             "waivers", "history"]
    /// Keys an included file may use; the rest belong to the including suite.
    public static let included = ["description", "env", "include", "checks"]
    public static let check = ["id", "description", "uses", "with", "run", "needs", "timeout", "required", "tags",
                               "env", "cwd", "manual", "owner", "valid-for", "evidence", "bind-to", "inputs",
                               "env-inputs", "cache", "split", "weight"]
    public static let reportFormats = ["json", "junit", "sarif", "markdown", "html"]
    /// `waivers:` and `history:` settings at the top of a suite.
    public static let waivers = ["max-lifetime"]
    public static let history = ["retention"]
}
