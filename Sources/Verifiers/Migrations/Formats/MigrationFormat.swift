import ContentHash
import GateCore
import GateDatabase

/// The formats gate reads; `auto` picks one from the history table and the folder layout.
enum FormatName: String, CaseIterable, Sendable {
    case auto, native, prisma, flyway, sqlx
    case golangMigrate = "golang-migrate"
    case atlas

    var format: (any MigrationFormat)? {
        switch self {
        case .auto: nil
        case .native: NativeFormat()
        case .prisma: PrismaFormat()
        case .flyway: FlywayFormat()
        case .sqlx: SqlxFormat()
        case .golangMigrate: GolangMigrateFormat()
        case .atlas: AtlasFormat()
        }
    }

    static var concrete: [FormatName] { allCases.filter { $0 != .auto } }
}

/// One migration tool's conventions: its file layout, its checksum, and how it records history.
/// The common checks (`HistoryComparison`) work on what these produce and know nothing of any tool.
protocol MigrationFormat: Sendable {
    var name: FormatName { get }
    /// The history table the tool writes; the `table` parameter overrides it.
    var defaultTable: String { get }
    /// The columns gate reads; auto-detection also uses them to tell tables of the same name apart.
    var historyColumns: [String] { get }
    /// False when the history stores no checksum (golang-migrate): `modified` is not evaluated.
    var hasChecksums: Bool { get }
    /// False when the history keeps only the current version (golang-migrate): `out-of-order` and
    /// `missing-file` for older versions cannot be told.
    var recordsEachMigration: Bool { get }
    /// How to accept or undo an edit to an applied migration, for `modified` findings.
    var repairHint: String { get }
    /// How to recover from a failed entry, for `failed` findings.
    var failedHint: String { get }

    /// The migration files in apply order (repeatables last).
    func scan(_ directory: MigrationDirectory) throws(VerifierError) -> [MigrationFile]
    func readHistory(_ db: HistoryDatabase, table: TableName) throws(VerifierError) -> History
    /// Where the tool keeps its history table on this database, from its settings and the URL (Prisma's
    /// `schema`, Flyway's `defaultSchema`, Atlas's revisions schema); the `table` parameter overrides it.
    func historyTable(on db: HistoryDatabase) -> TableName
    /// Whether a stored checksum accepts the file (Prisma also accepts other line endings).
    func matches(_ file: MigrationFile, stored: String) -> Bool
    /// Checks of the folder itself, such as Atlas's `atlas.sum`.
    func directoryFindings(_ directory: MigrationDirectory, files: [MigrationFile]) throws(VerifierError) -> [Finding]
    /// Rules this format adds to the common ones.
    var extraRules: [String] { get }

    /// The tool's own configuration, where it changes the verdict.
    var settings: ToolSettings { get set }
    /// Versions the tool counts as present although gate hashes no file for them: sqlx and golang-migrate
    /// accept a version whose only file left is its `.down.sql`.
    func otherVersions(_ directory: MigrationDirectory) throws(VerifierError) -> Set<MigrationVersion>
    /// What the tool does about an applied migration with no file. `newest` is true when the row is
    /// newer than every file (the file deleted last, or applied from another branch).
    func reactionToMissing(_ entry: HistoryEntry, newest: Bool, _ context: ComparisonContext) -> ToolReaction
    /// What the tool does about an applied file whose checksum changed.
    func reactionToEdit(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction
    /// What the tool does about an unapplied file that sorts before the latest applied version.
    func reactionToOutOfOrder(_ file: MigrationFile, latest: MigrationVersion, _ context: ComparisonContext) -> ToolReaction
    /// What the tool does when an applied file's description differs from the recorded one.
    func reactionToRename(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction
    /// Whether two files may share a version (Atlas keys files by name, not version).
    var allowsSharedVersions: Bool { get }
    /// The checksum of other bytes, as the history would store it; nil when the format cannot say (used
    /// to tell an edit from a line-ending conversion).
    func checksum(of bytes: [UInt8]) -> String?
    /// Checks of the history against the files that the common comparison cannot make (Atlas's chained
    /// revision hashes).
    func historyFindings(_ files: [MigrationFile], _ history: History, _ context: ComparisonContext,
                         databaseShown: String) -> [Finding]
}

extension MigrationFormat {
    var hasChecksums: Bool { true }
    var recordsEachMigration: Bool { true }
    func matches(_ file: MigrationFile, stored: String) -> Bool { file.checksum == stored }
    func directoryFindings(_ directory: MigrationDirectory, files: [MigrationFile]) throws(VerifierError) -> [Finding] { [] }
    var extraRules: [String] { [] }
    var allowsSharedVersions: Bool { false }
    func checksum(of bytes: [UInt8]) -> String? { nil }
    func historyFindings(_ files: [MigrationFile], _ history: History, _ context: ComparisonContext,
                         databaseShown: String) -> [Finding] { [] }
    func otherVersions(_ directory: MigrationDirectory) throws(VerifierError) -> Set<MigrationVersion> { [] }

    func reactionToMissing(_ entry: HistoryEntry, newest: Bool, _ context: ComparisonContext) -> ToolReaction {
        newest ? .warns("applied from another branch or a newer release, or its file was deleted") : .refuses("the tool refuses a history with a lost file")
    }

    func reactionToEdit(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        .refuses("the tool refuses to migrate while an applied file differs from its checksum")
    }

    func reactionToOutOfOrder(_ file: MigrationFile, latest: MigrationVersion, _ context: ComparisonContext) -> ToolReaction {
        .refuses("it would run out of order or be skipped")
    }

    func reactionToRename(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        .ignores
    }

    /// The configured table (sqlx's `table-name` may name a schema), else the tool's default, found along
    /// `search_path` on PostgreSQL.
    func historyTable(on db: HistoryDatabase) -> TableName {
        TableName.parse(settings.table ?? defaultTable)
    }

    /// Reads the table, or reports an empty history when it does not exist yet. `table` is already resolved.
    func rows(_ db: HistoryDatabase, table: TableName, columns: [String], orderBy: [String]) throws(VerifierError) -> [HistoryRow] {
        try db.requireColumns(columns, in: table)
        return try db.rows(of: table, columns: columns, orderBy: orderBy)
    }
}

/// Hex and text helpers shared by the formats.
enum Checksums {
    static func sha256Hex(_ bytes: [UInt8]) -> String {
        ContentHash.hash(bytes, .sha256).hex
    }

    /// The file's text with every CRLF turned into LF.
    static func crlfToLF(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0D, i + 1 < bytes.count, bytes[i + 1] == 0x0A { i += 1; continue }
            out.append(bytes[i])
            i += 1
        }
        return out
    }

    /// The file's text with every LF turned into CRLF (an existing CRLF becomes CR CR LF, as a plain
    /// string replacement does).
    static func lfToCRLF(_ bytes: [UInt8]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(bytes.count + bytes.count / 16)
        for b in bytes {
            if b == 0x0A { out.append(0x0D) }
            out.append(b)
        }
        return out
    }
}
