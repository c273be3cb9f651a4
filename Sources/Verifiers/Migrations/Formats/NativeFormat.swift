import GateCore
import GateDatabase

/// gate's own format (docs/migrations.md): files `NNNN_name.sql`, and a `_migrations` table with `id`
/// (the version as text), `name`, `checksum` (lowercase hex SHA-256 of the file's bytes) and
/// `applied_at` (NULL means the migration failed).
struct NativeFormat: MigrationFormat {
    var name: FormatName { .native }
    var defaultTable: String { "_migrations" }
    var historyColumns: [String] { ["id", "name", "checksum", "applied_at"] }
    var repairHint: String {
        "restore the file from git; an applied migration must not change, so put the new change in a new migration"
    }
    var failedHint: String {
        "fix the migration and the database by hand, then delete its '_migrations' row (or set applied_at) and apply it again"
    }
    var settings = ToolSettings.none

    func checksum(of bytes: [UInt8]) -> String? { Checksums.sha256Hex(bytes) }

    // gate's own format: gate's rules are the tool's rules (docs/migrations.md).
    func reactionToMissing(_ entry: HistoryEntry, newest: Bool, _ context: ComparisonContext) -> ToolReaction {
        newest ? .warns("applied from another branch or a newer release, or its file was deleted last")
            : .refuses("an applied migration's file must stay in the folder")
    }

    func reactionToEdit(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        .refuses("an applied migration must not change; put the change in a new migration")
    }

    func reactionToRename(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        .refuses("a history row's name must agree with the file its id names")
    }

    func scan(_ directory: MigrationDirectory) throws(VerifierError) -> [MigrationFile] {
        let candidates = try directory.names().compactMap { name -> (String, String, String, MigrationVersion)? in
            guard let (digits, label) = Self.parse(name), let version = MigrationVersion.numeric(digits) else { return nil }
            return (name, digits, label, version)
        }
        let files = try ParallelScan.map(candidates) { (c) throws(VerifierError) -> MigrationFile in
            let bytes = try directory.read(c.0)
            return MigrationFile(version: c.3, name: c.1 + "_" + c.2, path: directory.display(c.0), bytes: bytes,
                                 checksum: Checksums.sha256Hex(bytes), description: c.2)
        }
        return files.sorted { $0.version! < $1.version! }
    }

    /// `0003_add_index.sql` → ("0003", "add_index").
    static func parse(_ file: String) -> (String, String)? {
        guard file.hasSuffix(".sql"), let underscore = file.firstIndex(of: "_") else { return nil }
        let digits = file[..<underscore]
        let label = file[file.index(after: underscore)..<file.index(file.endIndex, offsetBy: -4)]
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }), !label.isEmpty else { return nil }
        return (String(digits), String(label))
    }

    /// The `name` column as runners write it: `add_index`, `0003_add_index` or `0003_add_index.sql`.
    static func recordedName(_ raw: String) -> (version: MigrationVersion?, label: String) {
        let name = raw.hasSuffix(".sql") ? String(raw.dropLast(4)) : raw
        if let (digits, label) = parse(name + ".sql"), let v = MigrationVersion.numeric(digits) { return (v, label) }
        return (nil, name)
    }

    func readHistory(_ db: HistoryDatabase, table: TableName) throws(VerifierError) -> History {
        let rows = try rows(db, table: table, columns: historyColumns, orderBy: ["id"])
        var byVersion: [MigrationVersion: HistoryEntry] = [:]
        byVersion.reserveCapacity(rows.count)
        var order: [MigrationVersion] = []
        for row in rows {
            let id = row["id"].text ?? ""
            let version = MigrationVersion.numeric(id) ?? .name(id)
            let recorded = Self.recordedName(row["name"].text ?? "")
            var entry = HistoryEntry(
                version: version, name: recorded.label.isEmpty ? id : id + "_" + recorded.label,
                checksum: row["checksum"].text?.lowercased(),
                state: row["applied_at"].isNull ? .failed("applied_at is NULL") : .applied)
            if let named = recorded.version, named != version {
                // `id = 3` with name `0004_create_orders.sql`: the row names another file than its id.
                entry.namesAnotherVersion = true
                entry.description = row["name"].text
            } else if !recorded.label.isEmpty {
                entry.description = recorded.label
            }
            if byVersion.updateValue(entry, forKey: version) == nil { order.append(version) }
        }
        return History(table: table.description, tableExists: true, entries: order.map { byVersion[$0]! }, rowCount: rows.count)
    }
}
