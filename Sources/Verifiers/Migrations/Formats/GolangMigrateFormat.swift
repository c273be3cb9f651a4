import GateCore
import GateDatabase

/// golang-migrate: `<version>_<title>.up.sql` / `.down.sql` files and a `schema_migrations(version, dirty)`
/// table holding only the current version.
///
/// There is no checksum. gate checks what the tool relies on: the current version's file exists, `dirty`
/// is false, and no two files share a version. Every version up to the current one counts as applied.
struct GolangMigrateFormat: MigrationFormat {
    var name: FormatName { .golangMigrate }
    var defaultTable: String { "schema_migrations" }
    var historyColumns: [String] { ["version", "dirty"] }
    var hasChecksums: Bool { false }
    var recordsEachMigration: Bool { false }
    var repairHint: String { "golang-migrate keeps no checksums" }
    var failedHint: String {
        "the last migration failed part-way: fix the database by hand, then run 'migrate force <version>' with the "
            + "version it is really at"
    }

    /// `3_add_index.up.sql` → ("3", "add_index").
    static func parse(_ fileName: String) -> (version: String, title: String)? {
        guard fileName.hasSuffix(".up.sql"), let underscore = fileName.firstIndex(of: "_") else { return nil }
        let digits = String(fileName[..<underscore])
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        return (digits, String(fileName[fileName.index(after: underscore)...].dropLast(7)))
    }

    var settings = ToolSettings.none

    // migrate.go Migrate.Up → readUp → versionExists: the current version must have an up or a down
    // file, or 'migrate up' fails before doing anything.
    func reactionToMissing(_ entry: HistoryEntry, newest: Bool, _ context: ComparisonContext) -> ToolReaction {
        .refuses("'migrate up' fails: no migration found for version \(entry.name)")
    }

    /// Versions with only a down file: versionExists (migrate.go) accepts them.
    func otherVersions(_ directory: MigrationDirectory) throws(VerifierError) -> Set<MigrationVersion> {
        try directory.downFileVersions()
    }

    func scan(_ directory: MigrationDirectory) throws(VerifierError) -> [MigrationFile] {
        let candidates = try directory.names().compactMap { name -> (String, String, MigrationVersion)? in
            guard let (digits, title) = Self.parse(name), let version = MigrationVersion.numeric(digits) else { return nil }
            return (name, "\(digits)_\(title)", version)
        }
        let files = try ParallelScan.map(candidates) { (c) throws(VerifierError) -> MigrationFile in
            MigrationFile(version: c.2, name: c.1, path: directory.display(c.0), bytes: try directory.read(c.0), checksum: "")
        }
        return files.sorted { $0.version! < $1.version! }
    }

    // database/postgres/postgres.go Open and WithInstance: x-migrations-table names one identifier in
    // CURRENT_SCHEMA(); with x-migrations-table-quoted it is '"schema"."table"'.
    func historyTable(on db: HistoryDatabase) -> TableName {
        guard db.engine == .postgres, let custom = db.toolParameters["x-migrations-table"], !custom.isEmpty else {
            return TableName(defaultTable)
        }
        let quoted = ["1", "t", "true"].contains((db.toolParameters["x-migrations-table-quoted"] ?? "").lowercased())
        return quoted ? TableName.parse(custom) : TableName(custom)
    }

    func readHistory(_ db: HistoryDatabase, table: TableName) throws(VerifierError) -> History {
        let rows = try rows(db, table: table, columns: historyColumns, orderBy: [])
        // golang-migrate reads the first row; -1 means nothing applied.
        guard let row = rows.first, let current = row["version"].int, current >= 0 else {
            return History(table: table.description, tableExists: true, entries: [], rowCount: rows.count)
        }
        let version = MigrationVersion.numeric(String(current))!
        let entry = HistoryEntry(
            version: version, name: String(current), checksum: nil,
            state: row["dirty"].bool == true ? .failed("dirty = true") : .applied)
        return History(table: table.description, tableExists: true, entries: [entry], coveredThrough: version, rowCount: rows.count)
    }
}
