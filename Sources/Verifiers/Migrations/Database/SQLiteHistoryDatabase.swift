import Foundation
import GateCore
import GRDB

/// The SQLite backend: the user's database opened read-only through GRDB over the system SQLite.
///
/// Read-only is enforced by SQLite itself (`SQLITE_OPEN_READONLY`), so no code path here can write to a
/// user's database. A database locked by a running migration waits `busyTimeout`, then fails with a
/// message that names the file.
final class SQLiteHistoryDatabase: HistoryDatabase {
    let path: String
    let displayName: String
    let busyTimeout: Duration
    private let queue: DatabaseQueue

    private init(path: String, displayName: String, busyTimeout: Duration, queue: DatabaseQueue) {
        self.path = path
        self.displayName = displayName
        self.busyTimeout = busyTimeout
        self.queue = queue
    }

    /// Opens `path` read-only and reads its schema once, so that a file that is not SQLite, or one that is
    /// locked, fails here with a clear message rather than halfway through the checks.
    static func open(path: String, displayName: String, busyTimeout: Duration) throws(VerifierError) -> SQLiteHistoryDatabase {
        let shown = "'\(displayName)'"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw VerifierError("the database \(shown) does not exist; check the 'database' parameter "
                + "(relative paths resolve against the check's root)")
        }
        guard !isDirectory.boolValue else {
            throw VerifierError("the database \(shown) is a directory; 'database' must name a SQLite file")
        }
        guard access(path, R_OK) == 0 else {
            throw VerifierError("cannot read the database \(shown): \(String(cString: strerror(errno)))")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(TimeInterval(busyTimeout.seconds))
        config.label = "gate.migrations.history"
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            let db = SQLiteHistoryDatabase(path: path, displayName: displayName, busyTimeout: busyTimeout, queue: queue)
            _ = try db.tableNames()
            return db
        } catch let e as VerifierError {
            throw e
        } catch {
            throw Self.explain(error, shown, busyTimeout)
        }
    }

    func tableNames() throws(VerifierError) -> Set<String> {
        try read { db in
            Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type IN ('table', 'view')"))
        }
    }

    func columns(of table: String) throws(VerifierError) -> [String] {
        try read { db in
            try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [table]).map { $0["name"] as String }
        }
    }

    func rows(of table: String, columns: [String], orderBy: [String]) throws(VerifierError) -> [HistoryRow] {
        let select = columns.map(Self.quote).joined(separator: ", ")
        let order = orderBy.isEmpty ? "" : " ORDER BY " + orderBy.map(Self.quote).joined(separator: ", ")
        let sql = "SELECT \(select) FROM \(Self.quote(table))\(order)"
        return try read { db in
            var out: [HistoryRow] = []
            let cursor = try Row.fetchCursor(db, sql: sql)
            while let row = try cursor.next() {
                var values: [String: SQLValue] = [:]
                for (i, name) in columns.enumerated() { values[name] = Self.value(row[i] as DatabaseValue) }
                out.append(HistoryRow(values: values))
            }
            return out
        }
    }

    func scratchCopy(in directory: String) throws(VerifierError) -> any ScratchDatabase {
        let scratch = try SQLiteScratchDatabase.create(in: directory)
        do {
            try queue.backup(to: scratch.queue)
        } catch {
            scratch.discard()
            throw VerifierError("cannot copy \(displayName) for the dry run: \(Self.explain(error, "'\(displayName)'", busyTimeout).message)")
        }
        return scratch
    }

    private func read<T>(_ body: (Database) throws -> T) throws(VerifierError) -> T {
        do {
            return try queue.read(body)
        } catch {
            throw Self.explain(error, "'\(displayName)'", busyTimeout)
        }
    }

    static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    static func value(_ v: DatabaseValue) -> SQLValue {
        switch v.storage {
        case .null: .null
        case .int64(let i): .integer(i)
        case .double(let d): .real(d)
        case .string(let s): .text(s)
        case .blob(let data): .blob(Array(data))
        }
    }

    /// SQLite's errors, said the way a user can act on them.
    static func explain(_ error: any Error, _ shown: String, _ busyTimeout: Duration) -> VerifierError {
        guard let e = error as? DatabaseError else { return VerifierError("cannot read \(shown): \(error)") }
        let detail = e.message ?? "\(e.resultCode)"
        switch e.resultCode {
        case .SQLITE_NOTADB:
            return VerifierError("\(shown) is not a SQLite database (SQLite says: \(detail)); point 'database' at the history database file")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return VerifierError("\(shown) is locked by another connection (waited \(DurationParsing.format(busyTimeout))): "
                + "\(detail); retry when the migration or backup holding the lock has finished, or raise 'busy-timeout'")
        case .SQLITE_CORRUPT:
            return VerifierError("\(shown) is damaged (SQLite says: \(detail)); restore it from a backup")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return VerifierError("cannot open \(shown): \(detail)")
        default:
            return VerifierError("cannot read \(shown): \(detail)")
        }
    }
}
