import GateCore

/// Where a ledger's records come from, in ledger order. A source hands out lines of JSON, one record
/// each, in chunks: JSON Lines files as they are, tables by writing each row as a JSON object. Checking
/// is the same for every source; only reading differs, so a new kind of store is one new type.
protocol LedgerSource: Sendable {
    /// Names the ledger in summaries: `receipts.jsonl`, `logs/audit-*.jsonl (3 files)`, `receipts in ledger.db`.
    var description: String { get }
    /// The path findings carry for a part (a file relative to the root; the database for a table).
    func partName(_ part: Int) -> String
    /// True for tables, whose "lines" are rows: findings then say "row" and carry the order key.
    var isTable: Bool { get }
    /// Reads from `resume` (nil: the beginning) in order, calling `body` with up to `batch` chunks at a time
    /// until the source ends or `body` returns false.
    func read(from resume: ResumePoint?, chunkBytes: Int, maxRecordBytes: Int, batch: Int,
              _ body: ([LineChunk]) throws -> Bool) throws
    /// Records around one (the first break), for the diagnosis: up to `before` lines before it, the line
    /// itself, and up to `after` after it, in order, each with its part, and the index of the record itself.
    func window(part: Int, offset: Int64, key: String?, before: Int, after: Int, maxRecordBytes: Int) throws
        -> (lines: [(bytes: [UInt8], part: Int)], at: Int)
    /// The part a checkpoint names (its file, for JSON Lines), or nil when the ledger no longer has it.
    func part(named name: String?, key: String?) -> Int?
    /// False when the part ends before `end` (a checkpoint's pinned line is no longer all there).
    func reaches(part: Int, end: Int64) -> Bool
}

/// Where a run resumes: the pinned record's part and byte offset (files) or order key (tables).
struct ResumePoint: Sendable, Equatable {
    var part: Int
    var offset: Int64
    var key: String?
}
