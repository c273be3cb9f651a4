import Foundation
import ContentHash
import GateCore
import GateDatabase

/// Prisma Migrate: `<name>/migration.sql` folders and the `_prisma_migrations` table.
///
/// The checksum is the SHA-256 of `migration.sql` as 64 lowercase hex characters. Like Prisma, gate
/// also accepts the file with CRLF turned into LF or LF turned into CRLF (git may have changed line
/// endings), and the unpadded hex that early Prisma versions wrote. A row with `finished_at` and
/// `rolled_back_at` both NULL is a failed migration; rolled-back rows are ignored. On SQLite, Prisma
/// stores times as integer milliseconds since 1970.
struct PrismaFormat: MigrationFormat {
    var name: FormatName { .prisma }
    var defaultTable: String { "_prisma_migrations" }
    var historyColumns: [String] {
        ["id", "checksum", "finished_at", "migration_name", "logs", "rolled_back_at", "started_at", "applied_steps_count"]
    }
    var repairHint: String {
        "restore the file from git; Prisma has no repair command, so a deliberate edit belongs in a new migration"
    }
    var failedHint: String {
        "fix the database, then run 'prisma migrate resolve --applied <name>' or '--rolled-back <name>'"
    }
    var settings = ToolSettings.none

    // schema-engine core commands/diagnose_migration_history.rs: a row without a folder is
    // "migrationsDirectoryIsBehind", which 'prisma migrate status' (MigrateStatus.ts) lets pass, and
    // commands/apply_migrations.rs ('migrate deploy') never looks at.
    func reactionToMissing(_ entry: HistoryEntry, newest: Bool, _ context: ComparisonContext) -> ToolReaction {
        newest ? .warns("Prisma accepts it ('migrate status' and 'migrate deploy' pass): applied from another branch, or its folder was deleted")
            : .tolerates("Prisma will not notice: 'migrate deploy' and 'migrate status' pass, and the database was built from the old file")
    }

    // diagnose_migration_history lists it in edited_migration_names ('prisma migrate dev' then asks to reset
    // the database), but MigrateStatus.ts ignores edits and apply_migrations.rs ('migrate deploy') never
    // compares checksums.
    func reactionToEdit(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        .tolerates("'prisma migrate deploy' and 'migrate status' will not notice (only 'migrate dev' reports the edit and "
            + "asks to reset the database); the database was built from the old file")
    }

    // apply_migrations.rs applies every folder without a row, in name order, wherever it sorts.
    func reactionToOutOfOrder(_ file: MigrationFile, latest: MigrationVersion, _ context: ComparisonContext) -> ToolReaction {
        .tolerates("'prisma migrate deploy' applies it without a word, after '\(latest.text)' already ran")
    }

    // A renamed folder is a new migration to apply_migrations.rs, and 'migrate status' reports that the
    // histories diverge (MigrateStatus.ts exits 1).
    func reactionToRename(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        .refuses("'prisma migrate deploy' would apply it again as a new migration, and 'migrate status' fails: the histories diverge")
    }

    func scan(_ directory: MigrationDirectory) throws(VerifierError) -> [MigrationFile] {
        let names = try directory.names().filter { directory.isDirectory($0) && directory.exists($0 + "/migration.sql") }
        return try ParallelScan.map(names) { (name) throws(VerifierError) -> MigrationFile in
            let bytes = try directory.read(name + "/migration.sql")
            return MigrationFile(version: .name(name), name: name, path: directory.display(name + "/migration.sql"),
                                 bytes: bytes, checksum: Checksums.sha256Hex(bytes))
        }
    }

    /// schema-connector checksum.rs script_matches_checksum: the script as it is, with CRLF turned into LF,
    /// or LF into CRLF; a stored value of other than 64 characters is compared with the unpadded hex early
    /// versions wrote. Strings compare exactly: upper-case hex is not the same checksum.
    func matches(_ file: MigrationFile, stored: String) -> Bool {
        if stored == file.checksum { return true }
        let unpadded = !stored.isEmpty && stored.utf8.count != 64
        for bytes in [file.bytes, Checksums.crlfToLF(file.bytes), Checksums.lfToCRLF(file.bytes)] {
            let digest = ContentHash.hash(bytes, .sha256)
            let text = unpadded ? digest.bytes.map { String($0, radix: 16) }.joined() : digest.hex
            if text == stored { return true }
        }
        return false
    }

    // Prisma keeps _prisma_migrations in the schema of the datasource URL's 'schema' parameter, "public" by
    // default (schema-engine sql-schema-connector flavour/postgres.rs; the psl PostgresUrl schema()).
    func historyTable(on db: HistoryDatabase) -> TableName {
        TableName(defaultTable, schema: db.engine == .postgres ? (db.toolParameters["schema"] ?? "public") : nil)
    }

    func readHistory(_ db: HistoryDatabase, table: TableName) throws(VerifierError) -> History {
        let rows = try rows(db, table: table, columns: historyColumns, orderBy: ["started_at", "id"])
        var entries: [String: HistoryEntry] = [:]
        var order: [String] = []
        for row in rows where row["rolled_back_at"].isNull {
            let name = row["migration_name"].text ?? ""
            let state: HistoryEntry.State
            if !row["finished_at"].isNull {
                state = .applied
            } else {
                var detail = "started \(Self.time(row["started_at"])), never finished"
                if let steps = row["applied_steps_count"].int { detail += ", \(steps) steps applied" }
                if let log = row["logs"].text?.split(whereSeparator: \.isNewline).first {
                    detail += ": " + String(log.prefix(200))
                }
                state = .failed(detail)
            }
            let entry = HistoryEntry(version: .name(name), name: name, checksum: row["checksum"].text, state: state)
            // A successful row wins over an earlier failed attempt that was resolved.
            if let old = entries[name] {
                if old.state == .applied, state != .applied { continue }
            } else {
                order.append(name)
            }
            entries[name] = entry
        }
        return History(table: table.description, tableExists: true, entries: order.map { entries[$0]! }, rowCount: rows.count)
    }

    /// Integer milliseconds (SQLite) or text, as an ISO-8601 time.
    static func time(_ v: SQLValue) -> String {
        if case .integer(let ms) = v {
            let date = Date(timeIntervalSince1970: Double(ms) / 1000)
            return date.formatted(.iso8601)
        }
        return v.text ?? "at an unknown time"
    }
}
