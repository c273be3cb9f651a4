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
    case user
    case kernel
    case fileOrder = "file-order"

    /// What the experiment runs change, for `gate explain` and the docs.
    public var summary: String {
        switch self {
        case .tz: "TZ set to a far-off zone (POSIX rule 'GATE-14' and others, no tzdata needed)"
        case .locale: "LC_ALL, LANG and LANGUAGE set to another installed locale"
        case .umask: "umask 0077 (or 0002 when gate's own is already 0077), through a /bin/sh wrapper"
        case .path: "every run works in its own copy of the working directory, at a different absolute path"
        case .time: "libfaketime ('faketime' package) shifts the clock by 373 days (SOURCE_DATE_EPOCH is left as found); without it the variation is reported as not applied"
        case .home: "HOME set to a fresh, empty directory"
        case .envOrder: "the environment handed to the command in reverse order (through 'env -i')"
        case .random: "PYTHONHASHSEED and PERL_HASH_SEED set to other seeds"
        case .jobs: "MAKEFLAGS=-jN and CPU-count variables (OMP_NUM_THREADS, GOMAXPROCS, CMAKE_BUILD_PARALLEL_LEVEL, ...)"
        case .cpus: "CPU affinity narrowed to half the CPUs through 'taskset'"
        case .aslr: "address-space randomisation turned off through 'setarch -R' (the control keeps it on)"
        case .execPath: "an extra, empty directory appended to PATH"
        case .hostname: "another host name, in a new UTS namespace through 'unshare --uts' (needs root)"
        case .user: "another user and group id, in a user namespace through 'unshare --user --map-user'"
        case .kernel: "another kernel release and version from uname(2), through gate's preload shim"
        case .fileOrder: "directory entries listed in another order: disorderfs when it can mount, else gate's readdir shim"
        }
    }

    public static func < (a: Variation, b: Variation) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }

    /// The names users write, in canonical order.
    public static var names: [String] { allCases.map(\.rawValue) }

    /// What changes, in the words of "differs when: ... varies".
    public var condition: String {
        switch self {
        case .tz: "TZ"
        case .locale: "the locale (LC_ALL)"
        case .umask: "the umask"
        case .path: "the build path"
        case .time: "the clock"
        case .home: "HOME"
        case .envOrder: "the environment's order"
        case .random: "the hash seeds"
        case .jobs: "the parallelism settings (MAKEFLAGS -j and CPU-count variables)"
        case .cpus: "the number of CPUs"
        case .aslr: "the address-space layout (ASLR)"
        case .execPath: "PATH"
        case .hostname: "the host name"
        case .user: "the user and group"
        case .kernel: "the kernel version (uname)"
        case .fileOrder: "the directory order"
        }
    }
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
