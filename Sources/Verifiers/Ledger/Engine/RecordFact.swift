/// A run of complete record lines read from a source, each ending in `\n`, or one line too long to read.
struct LineChunk: Sendable {
    enum Body: Sendable {
        case lines([UInt8])
        /// A line longer than `max-record-bytes`: skipped unread, reported as a record that cannot be checked.
        case oversized(length: Int64)
    }

    var body: Body
    /// Which part of the source (file) the lines come from.
    var part: Int
    /// Byte offset of the chunk's first line in its part.
    var offset: Int64
    /// For table sources: each line's order key, as text.
    var keys: [String]?
}

/// What one record turned out to be. Checks that need the record's bytes ran in a worker; sequence,
/// time and the links across chunk boundaries are checked in order afterwards (`ChainStage`).
struct RecordFact: Sendable {
    struct Flags: OptionSet, Sendable {
        let rawValue: UInt16
        /// The line is no record gate can check (the issue says why); nothing else about it is known.
        static let invalid = Flags(rawValue: 1 << 0)
        static let hashBad = Flags(rawValue: 1 << 1)
        static let linkChecked = Flags(rawValue: 1 << 2)
        static let linkBad = Flags(rawValue: 1 << 3)
        static let prevChecked = Flags(rawValue: 1 << 4)
        static let prevBad = Flags(rawValue: 1 << 5)
        /// The prev member is null (allowed on the first record only).
        static let prevNull = Flags(rawValue: 1 << 6)
        static let hasSequence = Flags(rawValue: 1 << 7)
        static let hasTimestamp = Flags(rawValue: 1 << 8)
        /// The sequence or timestamp member is missing or unreadable.
        static let sequenceUnreadable = Flags(rawValue: 1 << 9)
        static let timestampUnreadable = Flags(rawValue: 1 << 10)
        /// A number RFC 8785 could not keep as written.
        static let precisionLoss = Flags(rawValue: 1 << 11)
    }

    /// Byte offset of the line in its part.
    var offset: Int64
    var length: Int
    var flags: Flags
    var sequence: Int64 = 0
    /// Nanoseconds since 1970.
    var timestamp: Int64 = 0
}

/// Why a line cannot be checked: bad JSON, a missing or malformed hash member, and the like.
struct RecordIssue: Error, Sendable, Equatable {
    var message: String
    /// 1-based byte column in the line, when the problem has a place.
    var column: Int?
    var key: String?
}

/// The chain values the next chunk's first record links to.
struct ChainTail: Sendable {
    /// The stored chain hash, decoded, and as written.
    var chain: [UInt8]
    var chainText: [UInt8]
    /// The record hash (stored, or computed when records store none).
    var hash: [UInt8]
}

/// What the first record of a chunk offers for its link to the record before it.
struct ChainHead: Sendable {
    /// The bytes appended after the previous chain value: the record hash (bytes or text) or the record.
    var input: [UInt8]
    var chain: [UInt8]
    var prev: [UInt8]?
}

/// Everything a worker learned from one chunk.
struct ChunkResult: Sendable {
    var facts: [RecordFact] = []
    /// Per record, `length` bytes each: the record hash and the stored chain hash (zeros when unknown).
    var hashes: [UInt8] = []
    var chains: [UInt8] = []
    /// RFC 6962 leaf hashes (32 bytes per record) when a Merkle tree is wanted.
    var leaves: [UInt8] = []
    /// The first unreadable record's problem (only the first break of a run is reported in detail).
    var firstIssue: (index: Int, issue: RecordIssue)?
    /// The first record whose sequence number or timestamp cannot be read, and why.
    var firstFieldIssue: (index: Int, issue: RecordIssue)?
    var firstPrecisionLoss: (index: Int, loss: PrecisionLoss)?
    var head: ChainHead?
    var tail: ChainTail?
}
