import ContentHash
import Foundation
import GateCore
import GateDatabase

/// sqlx: `<VERSION>_<DESCRIPTION>.sql` files (or reversible `.up.sql`/`.down.sql` pairs) and the
/// `_sqlx_migrations` table.
///
/// The checksum is the SHA-384 of the exact file bytes, stored as a 48-byte BLOB. Only `.up.sql` and
/// plain files are hashed, never `.down.sql`. `success = 0` is a migration that failed part-way. A file
/// starting with `-- no-transaction` runs outside a transaction, in the dry run too.
struct SqlxFormat: MigrationFormat {
    var name: FormatName { .sqlx }
    var defaultTable: String { "_sqlx_migrations" }
    var historyColumns: [String] { ["version", "description", "success", "checksum"] }
    var repairHint: String {
        "restore the file from git; sqlx refuses to run with a changed applied migration and has no repair command, "
            + "so put the change in a new migration"
    }
    var failedHint: String {
        "the migration was partially applied: fix the database by hand, then delete its '_sqlx_migrations' row and run it again"
    }
    var settings = ToolSettings.none

    /// SHA-384 of the text with `ignored-chars` dropped (sqlx-core migrate/source.rs checksum_with).
    func checksum(of bytes: [UInt8]) -> String? {
        guard !settings.ignoredChars.isEmpty else { return ContentHash.hash(bytes, .sha384).hex }
        var kept = String.UnicodeScalarView()
        for u in String(decoding: bytes, as: UTF8.self).unicodeScalars where !settings.ignoredChars.contains(u) { kept.append(u) }
        return ContentHash.hash(Array(String(kept).utf8), .sha384).hex
    }

    // sqlx-core migrate/migrator.rs validate_applied_migrations: every applied version must resolve,
    // newest or not (MigrateError::VersionMissing).
    func reactionToMissing(_ entry: HistoryEntry, newest: Bool, _ context: ComparisonContext) -> ToolReaction {
        .refuses("'sqlx migrate run' fails: migration \(entry.version?.text ?? entry.name) was previously applied but is missing "
            + "in the resolved migrations")
    }

    // sqlx-core migrate/migrator.rs run_direct: MigrateError::VersionMismatch.
    func reactionToEdit(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        .refuses("'sqlx migrate run' fails: migration \(entry.version?.text ?? entry.name) was previously applied but has been modified")
    }

    // sqlx-core migrate/migrator.rs run_direct applies every unapplied version in order, old or new.
    func reactionToOutOfOrder(_ file: MigrationFile, latest: MigrationVersion, _ context: ComparisonContext) -> ToolReaction {
        .tolerates("'sqlx migrate run' applies it without a word, after version \(latest.text) already ran")
    }

    // sqlx compares only version and checksum; the description is never read back.
    func reactionToRename(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        .notes("sqlx matches applied migrations by version and checksum only, so this is harmless")
    }

    /// Versions with only a `.down.sql` left: sqlx resolves down migrations too, so the version exists.
    func otherVersions(_ directory: MigrationDirectory) throws(VerifierError) -> Set<MigrationVersion> {
        try directory.downFileVersions()
    }

    /// `20240101000000_add_users.up.sql` → (20240101000000, "add users"); nil for `.down.sql` and others.
    static func parse(_ fileName: String) -> (version: String, description: String)? {
        guard fileName.hasSuffix(".sql"), !fileName.hasSuffix(".down.sql"), let underscore = fileName.firstIndex(of: "_") else {
            return nil
        }
        let digits = String(fileName[..<underscore])
        guard !digits.isEmpty, digits.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
        var rest = String(fileName[fileName.index(after: underscore)...])
        rest = rest.hasSuffix(".up.sql") ? String(rest.dropLast(7)) : String(rest.dropLast(4))
        return (digits, rest.replacingOccurrences(of: "_", with: " "))
    }

    func scan(_ directory: MigrationDirectory) throws(VerifierError) -> [MigrationFile] {
        var candidates: [(String, String, String, MigrationVersion)] = []
        for name in try directory.names() {
            // sqlx-core migrate/source.rs resolve_blocking_with_config: every `<a>_<b>.sql` file must start
            // with an integer version, or sqlx refuses the whole folder.
            if let underscore = name.firstIndex(of: "_"), name[underscore...].hasSuffix(".sql"), !directory.isDirectory(name),
               Int64(name[..<underscore]) == nil {
                throw VerifierError("sqlx refuses the folder: '\(directory.display(name))' does not start with an integer "
                    + "version (such as 20240101000000_name.sql); rename or move it")
            }
            guard let (digits, description) = Self.parse(name) else { continue }
            guard Int64(digits) != nil, let version = MigrationVersion.numeric(digits) else {
                throw VerifierError("the sqlx migration '\(directory.display(name))' has a version that does not fit a "
                    + "64-bit integer; sqlx refuses it too")
            }
            candidates.append((name, digits, description, version))
        }
        let files = try ParallelScan.map(candidates) { (c) throws(VerifierError) -> MigrationFile in
            let bytes = try directory.read(c.0)
            var file = MigrationFile(
                version: c.3, name: "\(c.1) (\(c.2))", path: directory.display(c.0), bytes: bytes,
                checksum: checksum(of: bytes) ?? "", description: c.2)
            file.noTransaction = bytes.starts(with: Array("-- no-transaction".utf8))
            return file
        }
        return files.sorted { $0.version! < $1.version! }
    }

    func readHistory(_ db: HistoryDatabase, table: TableName) throws(VerifierError) -> History {
        let rows = try rows(db, table: table, columns: historyColumns, orderBy: ["version"])
        let entries = rows.map { row -> HistoryEntry in
            let text = row["version"].text ?? ""
            let checksum: String? = switch row["checksum"] {
            case .blob(let b): Hex.encode(b)
            case .text(let s): s.lowercased()
            default: nil
            }
            var entry = HistoryEntry(
                version: MigrationVersion.numeric(text) ?? .name(text),
                name: "\(text) (\(row["description"].text ?? ""))", checksum: checksum,
                state: row["success"].bool == false ? .failed("success = false") : .applied)
            entry.description = row["description"].text
            return entry
        }
        return History(table: table.description, tableExists: true, entries: entries, rowCount: rows.count)
    }
}
