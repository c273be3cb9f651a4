import ContentHash
import Foundation
import GateCore

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
                checksum: ContentHash.hash(bytes, .sha384).hex)
            file.noTransaction = bytes.starts(with: Array("-- no-transaction".utf8))
            return file
        }
        return files.sorted { $0.version! < $1.version! }
    }

    func readHistory(_ db: any HistoryDatabase, table: String) throws(VerifierError) -> History {
        guard let rows = try rows(db, table: table, columns: historyColumns, orderBy: ["version"]) else { return .empty(table) }
        let entries = rows.map { row -> HistoryEntry in
            let text = row["version"].text ?? ""
            let checksum: String? = switch row["checksum"] {
            case .blob(let b): Hex.encode(b)
            case .text(let s): s.lowercased()
            default: nil
            }
            return HistoryEntry(
                version: MigrationVersion.numeric(text) ?? .name(text),
                name: "\(text) (\(row["description"].text ?? ""))", checksum: checksum,
                state: row["success"].bool == false ? .failed("success = false") : .applied)
        }
        return History(table: table, tableExists: true, entries: entries, rowCount: rows.count)
    }
}
