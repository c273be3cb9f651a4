/// One condition that the experiment runs change and the control run (run 1) leaves as gate found it.
/// The list follows reprotest's variations, narrowed to what applies to any command.
public enum Variation: String, CaseIterable, Sendable, Comparable {
    case tz
    case locale
    case umask
    case path
    case time
    case home
    case envOrder = "env-order"
    case random
    case jobs
    case cpus
    case aslr
    case execPath = "exec-path"
    case hostname

    /// What the experiment runs change, for `gate explain` and the docs.
    public var summary: String {
        switch self {
        case .tz: "TZ set to a far-off zone (POSIX rule 'GATE-14' and others, no tzdata needed)"
        case .locale: "LC_ALL, LANG and LANGUAGE set to another installed locale"
        case .umask: "umask 0077 (or 0002 when gate's own is already 0077), through a /bin/sh wrapper"
        case .path: "every run works in its own copy of the working directory, at a different absolute path"
        case .time: "libfaketime ('faketime' package) shifts the clock by 373 days; without it, SOURCE_DATE_EPOCH"
        case .home: "HOME set to a fresh, empty directory"
        case .envOrder: "the environment handed to the command in reverse order (through 'env -i')"
        case .random: "PYTHONHASHSEED and PERL_HASH_SEED set to other seeds"
        case .jobs: "MAKEFLAGS=-jN and CPU-count variables (OMP_NUM_THREADS, GOMAXPROCS, CMAKE_BUILD_PARALLEL_LEVEL, ...)"
        case .cpus: "CPU affinity narrowed to half the CPUs through 'taskset'"
        case .aslr: "address-space randomisation turned off through 'setarch -R' (the control keeps it on)"
        case .execPath: "an extra, empty directory appended to PATH"
        case .hostname: "another host name, in a new UTS namespace through 'unshare --uts' (needs root)"
        }
    }

    public static func < (a: Variation, b: Variation) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The names users write, in canonical order.
    public static var names: [String] { allCases.map(\.rawValue) }
}

/// What one variation did in one run: applied (with the exact setting), or not applied and why.
public struct AppliedVariation: Sendable, Hashable, Codable {
    public var variation: String
    public var applied: Bool
    /// The setting (`TZ=GATE-14`), or the reason it could not be applied.
    public var detail: String
    /// Strings this setting can leave in an output (a zone abbreviation, a path, a host name); the cause
    /// analysis looks for them where outputs differ.
    public var markers: [String]

    public init(_ variation: Variation, applied: Bool, detail: String, markers: [String] = []) {
        self.variation = variation.rawValue
        self.applied = applied
        self.detail = detail
        self.markers = markers
    }

    public var text: String {
        applied ? "\(variation) (\(detail))" : "\(variation) NOT APPLIED: \(detail)"
    }
}
