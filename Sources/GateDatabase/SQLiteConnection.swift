import Dispatch
import Foundation
import GateCore
import GRDB

/// The SQLite backend: the file opened through GRDB over the system SQLite with `SQLITE_OPEN_READONLY` and
/// `query_only`, so no statement can write to it. A lock held by another connection is waited for
/// `busyTimeout`; a statement running past `statementTimeout` is interrupted.
final class SQLiteConnection: DatabaseConnection, @unchecked Sendable {
    let engine = DatabaseEngine.sqlite
    let displayName: String
    let serverVersion: Int
    private let queue: DatabaseQueue
    private let options: ConnectionOptions
    /// Why the running statement was interrupted, set by the watchdog or `cancel()`.
    private let interruption = Locked<DatabaseFailure.Kind?>(nil)

    private init(queue: DatabaseQueue, displayName: String, options: ConnectionOptions, version: Int) {
        self.queue = queue
        self.displayName = displayName
        self.options = options
        serverVersion = version
    }

    static func open(path: String, display: String, options: ConnectionOptions) throws(DatabaseFailure) -> SQLiteConnection {
        let shown = "'\(display)'"
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            throw DatabaseFailure(.notFound, "the database \(shown) does not exist; check the 'database' parameter "
                + "(relative paths resolve against the check's root)")
        }
        guard !isDirectory.boolValue else {
            throw DatabaseFailure(.notADatabase, "the database \(shown) is a directory; 'database' must name a SQLite file")
        }
        guard access(path, R_OK) == 0 else {
            throw DatabaseFailure(.permission, "cannot read the database \(shown): \(String(cString: strerror(errno)))")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(options.busyTimeout.timeInterval)
        config.label = "gate.database"
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = 1") }
        do {
            let queue = try DatabaseQueue(path: path, configuration: config)
            // A file that is not SQLite opens fine and fails on first use: fail now, with the file's name.
            let version = try queue.read { db in
                _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
                // "3.40.1" → 3040001, the shape of sqlite3_libversion_number().
                let parts = (try String.fetchOne(db, sql: "SELECT sqlite_version()") ?? "").split(separator: ".").map { Int($0) ?? 0 }
                return parts.prefix(3).enumerated().reduce(0) { $0 + $1.element * [1_000_000, 1000, 1][$1.offset] }
            }
            return SQLiteConnection(queue: queue, displayName: display, options: options, version: version)
        } catch {
            throw Self.explain(error, shown, options.busyTimeout, interrupted: nil)
        }
    }

    func query(_ sql: String, _ arguments: [SQLValue], _ body: (DatabaseRow) -> Bool) throws(DatabaseFailure) {
        try guarded { db in
            let statement = try db.makeStatement(sql: sql)
            try statement.setArguments(StatementArguments(arguments.map(Self.databaseValue)))
            let columns = ColumnNames(statement.columnNames)
            let cursor = try Row.fetchCursor(statement)
            while let row = try cursor.next() {
                let values = (0..<row.count).map { Self.value(row[$0] as DatabaseValue) }
                if !body(DatabaseRow(columns: columns, values: values)) { break }
            }
        }
    }

    func execute(_ sql: String) throws(DatabaseFailure) {
        try guarded { db in try db.execute(sql: sql) }
    }

    func resolveTable(_ name: TableName) throws(DatabaseFailure) -> TableName? {
        // SQLite has one schema here ("main"); names compare without regard to case, as SQLite's do.
        guard name.schema == nil || name.schema?.lowercased() == "main" else { return nil }
        let found = try first("SELECT name FROM sqlite_master WHERE type IN ('table', 'view') AND name = ? COLLATE NOCASE "
            + "ORDER BY name = ? DESC LIMIT 1", [.text(name.name), .text(name.name)])
        return found?[0].text.map { TableName($0) }
    }

    func columns(of table: TableName) throws(DatabaseFailure) -> [String] {
        try rows("SELECT name FROM pragma_table_info(?) ORDER BY cid", [.text(table.name)]).compactMap { $0[0].text }
    }

    func cancel() {
        interruption.withLock { if $0 == nil { $0 = .cancelled } }
        queue.interrupt()
    }

    func close() { try? queue.close() }

    /// Runs `body` in a read with the statement watchdog armed.
    private func guarded(_ body: (Database) throws -> Void) throws(DatabaseFailure) {
        interruption.withLock { $0 = nil }
        let watchdog = DispatchWorkItem { [weak self] in
            guard let self else { return }
            self.interruption.withLock { if $0 == nil { $0 = .timeout } }
            self.queue.interrupt()
        }
        DispatchQueue.global().asyncAfter(deadline: .now() + options.statementTimeout.timeInterval, execute: watchdog)
        defer { watchdog.cancel() }
        do {
            try queue.read(body)
        } catch {
            throw Self.explain(error, "'\(displayName)'", options.busyTimeout,
                               interrupted: interruption.withLock { $0 }, timeout: options.statementTimeout)
        }
    }

    static func databaseValue(_ v: SQLValue) -> DatabaseValue {
        switch v {
        case .null: .null
        case .integer(let i): i.databaseValue
        case .real(let d): d.databaseValue
        case .text(let s): s.databaseValue
        case .blob(let b): Data(b).databaseValue
        case .bool(let b): (b ? 1 : 0).databaseValue
        }
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
    static func explain(_ error: any Error, _ shown: String, _ busyTimeout: Duration, interrupted: DatabaseFailure.Kind?,
                        timeout: Duration = .zero) -> DatabaseFailure {
        if let failure = error as? DatabaseFailure { return failure }
        guard let e = error as? DatabaseError else { return DatabaseFailure(.query, "cannot read \(shown): \(error)") }
        let detail = e.message ?? "\(e.resultCode)"
        switch e.resultCode {
        case .SQLITE_INTERRUPT where interrupted == .timeout:
            return DatabaseFailure(.timeout, "a statement on \(shown) ran longer than the statement timeout "
                + "(\(DurationParsing.format(timeout))) and was stopped; raise 'statement-timeout' if the data is that large")
        case .SQLITE_INTERRUPT:
            return DatabaseFailure(.cancelled, "reading \(shown) was stopped")
        case .SQLITE_NOTADB:
            return DatabaseFailure(.notADatabase, "\(shown) is not a SQLite database (SQLite says: \(detail)); "
                + "point 'database' at the database file")
        case .SQLITE_BUSY, .SQLITE_LOCKED:
            return DatabaseFailure(.locked, "\(shown) is locked by another connection (waited \(DurationParsing.format(busyTimeout))): "
                + "\(detail); retry when the migration or backup holding the lock has finished, or raise 'busy-timeout'")
        case .SQLITE_CORRUPT:
            return DatabaseFailure(.notADatabase, "\(shown) is damaged (SQLite says: \(detail)); restore it from a backup")
        case .SQLITE_CANTOPEN, .SQLITE_PERM, .SQLITE_AUTH:
            return DatabaseFailure(.permission, "cannot open \(shown): \(detail)")
        case .SQLITE_READONLY:
            return DatabaseFailure(.readOnly, "\(shown) is opened read-only: \(detail)")
        default:
            return DatabaseFailure(.query, "a query on \(shown) failed: \(detail) (SQLite \(e.resultCode))")
        }
    }
}
