/// One migration script found in the directory, with its checksum computed the way its tool does.
struct MigrationFile: Sendable {
    /// Nil for Flyway's repeatable (`R__`) migrations, which have no version.
    var version: MigrationVersion?
    /// What messages call it: the version and description, or the Prisma folder name.
    var name: String
    /// For repeatables, the key the history uses to find them (Flyway: the description).
    var repeatableKey: String?
    /// Relative to the check's root.
    var path: String
    var bytes: [UInt8]
    /// The checksum in the form the history stores it (hex, signed integer, base64); "" when the format
    /// has none.
    var checksum: String
    /// Set by directives such as sqlx's `-- no-transaction`: the dry run applies it without a transaction.
    var noTransaction = false
    /// The description as the tool derives it from the file name (Flyway: underscores become spaces), for
    /// comparing with the one the history recorded; nil when the tool records none.
    var description: String? = nil

    var isRepeatable: Bool { version == nil }
}

/// One row of a tool's history table, reduced to what the checks compare.
struct HistoryEntry: Sendable {
    enum State: Sendable, Equatable {
        case applied
        /// Failed or dirty, with what the history says about it.
        case failed(String)
    }

    var version: MigrationVersion?
    var repeatableKey: String?
    var name: String
    /// As stored; nil when the row carries none (baselines, golang-migrate).
    var checksum: String?
    var state: State
    /// The description the tool recorded when it applied the file; nil when it records none.
    var description: String? = nil
    /// Where the row stands in the order the tool applied migrations (its rank or execution time), for
    /// tools whose stored hashes depend on what was applied before (Atlas).
    var appliedOrder: Int = 0
    /// Set when the row contradicts itself (gate's own format: a `name` that names another version than
    /// its `id`): its checksum is then compared with no file, since it would be the wrong one.
    var namesAnotherVersion = false
    /// Atlas: the running `atlas.sum` hash the revision recorded, which covers every file before it too.
    var chainHash: String? = nil
}

/// What a history table holds, after the format applied its own rules (rolled-back rows dropped,
/// deletions and baselines resolved).
struct History: Sendable {
    var table: String
    /// False when the table does not exist yet: nothing has been applied.
    var tableExists: Bool
    var entries: [HistoryEntry]
    /// Files at or below this version count as applied without a row of their own: Flyway's baseline,
    /// golang-migrate's single current version.
    var coveredThrough: MigrationVersion? = nil
    /// The number of rows read, for the summary.
    var rowCount: Int

    static func empty(_ table: String) -> History {
        History(table: table, tableExists: false, entries: [], rowCount: 0)
    }
}
