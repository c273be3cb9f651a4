import GateCore

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

    func scan(_ directory: MigrationDirectory) throws(VerifierError) -> [MigrationFile] {
        let candidates = try directory.names().compactMap { name -> (String, String, String, MigrationVersion)? in
            guard let (digits, label) = Self.parse(name), let version = MigrationVersion.numeric(digits) else { return nil }
            return (name, digits, label, version)
        }
        let files = try ParallelScan.map(candidates) { (c) throws(VerifierError) -> MigrationFile in
            let bytes = try directory.read(c.0)
            return MigrationFile(version: c.3, name: c.1 + "_" + c.2, path: directory.display(c.0), bytes: bytes,
                                 checksum: Checksums.sha256Hex(bytes))
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

    func readHistory(_ db: any HistoryDatabase, table: String) throws(VerifierError) -> History {
        guard let rows = try rows(db, table: table, columns: historyColumns, orderBy: ["id"]) else { return .empty(table) }
        var byVersion: [MigrationVersion: HistoryEntry] = [:]
        byVersion.reserveCapacity(rows.count)
        var order: [MigrationVersion] = []
        for row in rows {
            let id = row["id"].text ?? ""
            let version = MigrationVersion.numeric(id) ?? .name(id)
            let label = row["name"].text ?? ""
            let entry = HistoryEntry(
                version: version, name: label.isEmpty ? id : id + "_" + label, checksum: row["checksum"].text?.lowercased(),
                state: row["applied_at"].isNull ? .failed("applied_at is NULL") : .applied)
            if byVersion.updateValue(entry, forKey: version) == nil { order.append(version) }
        }
        return History(table: table, tableExists: true, entries: order.map { byVersion[$0]! }, rowCount: rows.count)
    }
}
