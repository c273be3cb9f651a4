/// What a running check may use: its directories, environment, deadline and a progress channel.
/// The library never prints; progress goes to whoever drives the run (the CLI shows it live).
public struct CheckContext: Sendable {
    public let checkID: String
    public let suiteName: String
    /// The check's root, absolute.
    public let root: String
    /// Working directory for programs the check runs, absolute (defaults to `root`).
    public let cwd: String
    /// The full environment for child processes: gate's own, then the suite's `env`, then the check's.
    public let environment: [String: String]
    public let timeout: Duration?
    /// A directory where the check may keep artifacts for inspection (created on first use by the verifier).
    public let artifactsDirectory: String
    /// gate's state directory (`.gate` under the root unless configured).
    public let stateDirectory: String
    /// The check's redactor (the secret values of its environment, and the known credential shapes). The
    /// scheduler applies it to the whole result; a verifier needs it only for what it writes elsewhere.
    public let redactor: Redactor
    /// Set when the check runs split over CI shards (`split: true`): do only this slice of the work.
    public var slice: ShardSlice?
    /// How much of its findings the check keeps (see `FindingCollector`).
    public var findingLimits: FindingLimits = .standard
    /// Whether an active waiver covers a finding, for counting the findings a `FindingCollector` drops
    /// (nil: no waivers).
    public var waives: (@Sendable (Finding) -> Bool)?
    private let progressSink: @Sendable (String) -> Void

    public init(checkID: String, suiteName: String, root: String, cwd: String, environment: [String: String],
                timeout: Duration?, artifactsDirectory: String, stateDirectory: String,
                redactor: Redactor = Redactor(), progress: @escaping @Sendable (String) -> Void = { _ in }) {
        self.checkID = checkID
        self.suiteName = suiteName
        self.root = root
        self.cwd = cwd
        self.environment = environment
        self.timeout = timeout
        self.artifactsDirectory = artifactsDirectory
        self.stateDirectory = stateDirectory
        self.redactor = redactor
        self.progressSink = progress
    }

    /// Reports progress ("hashing 12,000 / 200,000 objects"); shown live on a terminal.
    public func progress(_ message: String) { progressSink(message) }

    /// Throws `CancellationError` when the run was interrupted or the check timed out.
    public func checkCancellation() throws { try Task.checkCancellation() }

    /// A path relative to the root for reports (`src/a.swift`), or the path itself when outside the root.
    public func relative(_ path: String) -> String { PathUtil.relative(path, to: root) }
}
