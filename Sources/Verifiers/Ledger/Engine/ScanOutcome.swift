/// What can be wrong with one record. A record may have several at once; the first break's finding
/// names them all.
struct BreakKinds: OptionSet, Sendable, Hashable {
    let rawValue: UInt16
    static let invalid = BreakKinds(rawValue: 1 << 0)
    static let recordHash = BreakKinds(rawValue: 1 << 1)
    static let link = BreakKinds(rawValue: 1 << 2)
    static let prev = BreakKinds(rawValue: 1 << 3)
    static let genesis = BreakKinds(rawValue: 1 << 4)
    static let sequenceGap = BreakKinds(rawValue: 1 << 5)
    static let sequenceRepeat = BreakKinds(rawValue: 1 << 6)
    static let sequenceBack = BreakKinds(rawValue: 1 << 7)
    static let sequenceStart = BreakKinds(rawValue: 1 << 8)
    static let sequenceUnreadable = BreakKinds(rawValue: 1 << 9)
    static let timestampBack = BreakKinds(rawValue: 1 << 10)
    static let timestampUnreadable = BreakKinds(rawValue: 1 << 11)

    static let chain: BreakKinds = [.link, .prev, .genesis]
    static let sequence: BreakKinds = [.sequenceGap, .sequenceRepeat, .sequenceBack, .sequenceStart, .sequenceUnreadable]
    static let timestamp: BreakKinds = [.timestampBack, .timestampUnreadable]
}

/// Where a record is, enough to name it and to read it again.
struct RecordPlace: Sendable, Equatable {
    /// 1-based position in the ledger.
    var ordinal: Int
    var part: Int
    /// 1-based line in its part (row number for tables).
    var line: Int
    var offset: Int64
    var length: Int
    /// A table row's order key.
    var key: String?
}

/// The first record that fails, with what the in-order checks saw.
struct FirstBreak: Sendable {
    var place: RecordPlace
    var kinds: BreakKinds
    var issue: RecordIssue?
    var previousSequence: Int64?
    var sequence: Int64?
    var previousTimestamp: Int64?
    var timestamp: Int64?
}

/// A record's chain and hash values, kept for a later comparison (a checkpoint's pin, a restore point).
struct CapturedRecord: Sendable, Equatable {
    var place: RecordPlace
    var hash: [UInt8]
    var chain: [UInt8]
    var valid: Bool
}

/// What one pass over a source found.
struct ScanOutcome: Sendable {
    /// Records in the ledger (those before a checkpoint included).
    var records = 0
    /// Records read and checked by this pass.
    var checked = 0
    var bytes: Int64 = 0
    var firstBreak: FirstBreak?
    /// Failing records after the first break: counted, not reported one by one.
    var brokenAfter = 0
    var kindCounts: [BreakKinds: Int] = [:]
    var firstPrecisionLoss: (place: RecordPlace, loss: PrecisionLoss)?
    var precisionLosses = 0
    /// The last record, for a new checkpoint.
    var last: CapturedRecord?
    var lastChainText: [UInt8] = []
    var lastSequence: Int64?
    var lastTimestamp: Int64?
    var captured: [Int: CapturedRecord] = [:]
    var merkle = MerkleTree()
    /// Roots at the tree sizes asked for, and leaf hashes at the leaf indices asked for (0-based).
    var roots: [Int: [UInt8]] = [:]
    var leaves: [Int: [UInt8]] = [:]
    /// Set when a resumed pass found the pinned record changed: the caller re-runs in full.
    var resumeRefused: String?
}
