import ContentHash

/// Where the result cache keeps its entries and its stat cache (`.gate/cache.sqlite` in GateStore).
/// The scheduler calls it from several checks at once, so implementations serialise their own access.
public protocol ResultCacheStore: Sendable {
    /// The recorded digests of these absolute paths, for those that have one.
    func knownFiles(_ paths: [String]) throws -> [String: KnownFile]
    /// Records digests of files just hashed.
    func remember(_ files: [String: KnownFile]) throws
    /// The outcome stored under `key`, if any.
    func outcome(forKey key: String) throws -> CachedOutcome?
    /// Stores an outcome under `key`.
    func save(_ outcome: CachedOutcome, key: String, checkID: String) throws
}

/// What the stat cache remembers of one file: the stat fields that change when its content can have
/// changed, the content digest, and when the digest was taken.
public struct KnownFile: Sendable, Hashable {
    public var device: UInt64
    public var inode: UInt64
    public var size: Int64
    public var mtimeNs: Int64
    public var ctimeNs: Int64
    /// XXH3-128 of the content.
    public var digest: [UInt8]
    /// Wall-clock time (ns since 1970) when the file was stat-ed before hashing.
    public var recordedNs: Int64

    public init(device: UInt64, inode: UInt64, size: Int64, mtimeNs: Int64, ctimeNs: Int64, digest: [UInt8],
                recordedNs: Int64) {
        self.device = device
        self.inode = inode
        self.size = size
        self.mtimeNs = mtimeNs
        self.ctimeNs = ctimeNs
        self.digest = digest
        self.recordedNs = recordedNs
    }

    init(_ s: FileStat, digest: [UInt8], recordedNs: Int64) {
        self.init(device: s.device, inode: s.inode, size: s.size, mtimeNs: s.mtimeNs, ctimeNs: s.ctimeNs,
                  digest: digest, recordedNs: recordedNs)
    }

    /// True when `s` is the file this entry describes and the entry can be trusted without reading it.
    ///
    /// A file changed in the same timestamp tick as it was recorded keeps its stat (git's "racy" entries),
    /// so an entry is trusted only when the file's last change is clearly older than the recording: 100 ms
    /// on file systems with fine timestamps, 2 s where they are whole seconds.
    func describes(_ s: FileStat) -> Bool {
        guard s.device == device, s.inode == inode, s.size == size, s.mtimeNs == mtimeNs, s.ctimeNs == ctimeNs else {
            return false
        }
        let coarse = s.mtimeNs % 1_000_000_000 == 0 && s.ctimeNs % 1_000_000_000 == 0
        let margin: Int64 = coarse ? 2_000_000_000 : 100_000_000
        return max(s.mtimeNs, s.ctimeNs) < recordedNs - margin
    }
}

/// A verifier's outcome as the cache stores it: everything `CheckOutcome` carries.
public struct CachedOutcome: Codable, Sendable, Equatable {
    public var findings: [Finding]
    public var summary: String
    public var stats: [String: JSONValue]
    public var rules: [String]?
    public var extraRules: [RuleDescriptor]
    public var log: String?
    public var status: CheckStatus?
    public var testcases: TestcaseLayout?
    public var dropped: [DroppedFindings]?
    /// How long the run that produced it took.
    public var durationMs: Int

    public init(_ o: CheckOutcome, durationMs: Int) {
        findings = o.findings
        summary = o.summary
        stats = o.stats
        rules = o.rules
        extraRules = o.extraRules
        log = o.log
        status = o.status
        testcases = o.testcases
        dropped = o.dropped.isEmpty ? nil : o.dropped
        self.durationMs = durationMs
    }

    public var outcome: CheckOutcome {
        CheckOutcome(findings: findings, summary: summary, stats: stats, rules: rules, extraRules: extraRules,
                     log: log, status: status, testcases: testcases, dropped: dropped ?? [])
    }
}
