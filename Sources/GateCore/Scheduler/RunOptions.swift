/// How to run a suite: selection, parallelism and where checks may keep state and artifacts.
public struct RunOptions: Sendable {
    /// Checks running at once. Defaults to the number of cores.
    public var jobs: Int
    /// Run only these checks (and what they need).
    public var only: [String]
    /// Do not run these checks (their dependents are skipped).
    public var skip: [String]
    /// Run only checks carrying one of these tags (and what they need).
    public var tags: [String]
    /// Stop launching checks after the first required failure.
    public var failFast: Bool
    /// Absolute directory for this run's reports; artifacts go under it.
    public var reportsDirectory: String
    /// Absolute state directory; nil means `.gate` under the suite's root.
    public var stateDirectory: String?
    /// The environment checks start from (normally gate's own).
    public var environment: [String: String]
    /// Time between SIGTERM and SIGKILL when a program is stopped.
    public var killGrace: Duration
    /// Waivers applied to each check as it finishes (loaded from `.gate/waivers.yaml` by the pipeline).
    public var waivers: WaiverSet = .empty
    /// Let pending manual items through: they end `skipped` with a warning instead of `failed`.
    public var allowPendingManual: Bool = false
    /// The result cache; nil runs every check (`--no-cache`, `gate check`).
    public var cache: (any ResultCacheStore)?
    /// The gate that keys cached results (`BuildInfo.cacheIdentity`; tests change it to prove another misses).
    public var cacheVersion: String = BuildInfo.cacheIdentity
    /// The shard this run is (`--shard K/N`): split checks do only this slice of their work.
    public var shard: ShardSlice?
    /// How long a check that was timed out or interrupted may take to stop before gate stops waiting for
    /// it (a verifier stuck in a call that does not see cancellation must not hold the run).
    public var abandonAfter: Duration = .seconds(15)

    public init(jobs: Int? = nil, only: [String] = [], skip: [String] = [], tags: [String] = [],
                failFast: Bool = false, reportsDirectory: String, stateDirectory: String? = nil,
                environment: [String: String] = [:], killGrace: Duration = .seconds(5)) {
        self.jobs = max(1, jobs ?? RunOptions.coreCount)
        self.only = only
        self.skip = skip
        self.tags = tags
        self.failFast = failFast
        self.reportsDirectory = reportsDirectory
        self.stateDirectory = stateDirectory
        self.environment = environment
        self.killGrace = killGrace
    }

    public static var coreCount: Int { max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))) }

    /// `jobs:` and `--jobs`: more than this many checks at once is a typo, not a plan.
    public static let jobsRange = 1...1024
}

#if canImport(Glibc)
import Glibc
#endif

/// What the scheduler tells its observer while a run goes on.
public enum ProgressEvent: Sendable {
    case started(checkID: String)
    case progress(checkID: String, message: String)
    case finished(CheckResult)
}
