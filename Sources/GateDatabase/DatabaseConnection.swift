import Dispatch
import Foundation

/// A read-only connection to a SQLite file or a PostgreSQL database, used by the verifiers that read
/// databases (`migrations`, `tenant-isolation`, `ledger`).
///
/// - Queries take `?` placeholders and `SQLValue` arguments; values are always bound, never spliced in.
/// - Rows stream: `query` hands them to `body` one at a time (PostgreSQL's single-row mode, a SQLite
///   cursor), so memory stays flat however large the result; `body` returns false to stop early.
/// - Read-only is enforced by the engine: SQLite opens the file `SQLITE_OPEN_READONLY` with `query_only`,
///   PostgreSQL runs with `default_transaction_read_only = on`.
/// - Every statement has a deadline (`ConnectionOptions.statementTimeout`); `cancel()` stops the running
///   statement from any thread (PQcancel, sqlite3_interrupt).
/// - Calls block; run them off the cooperative pool with `perform`, which also turns task cancellation
///   into `cancel()`. One statement runs at a time per connection.
public protocol DatabaseConnection: AnyObject, Sendable {
    var engine: DatabaseEngine { get }
    /// A relative path or a redacted URL, for messages.
    var displayName: String { get }
    /// The server's version as `PQserverVersion` reports it (150004 for 15.4); SQLite's for SQLite (3045001).
    var serverVersion: Int { get }

    /// Runs one statement and streams its rows to `body` until it returns false.
    func query(_ sql: String, _ arguments: [SQLValue], _ body: (DatabaseRow) -> Bool) throws(DatabaseFailure)
    /// Runs a statement without rows (`BEGIN`, `SET LOCAL ...`, `ROLLBACK`).
    func execute(_ sql: String) throws(DatabaseFailure)
    /// The table (or view) this name resolves to: PostgreSQL follows `search_path` when no schema is given.
    func resolveTable(_ name: TableName) throws(DatabaseFailure) -> TableName?
    /// Column names of a resolved table, in definition order.
    func columns(of table: TableName) throws(DatabaseFailure) -> [String]
    /// Stops the running statement; safe from any thread.
    func cancel()
    /// Closes the connection; later calls fail.
    func close()
}

extension DatabaseConnection {
    /// Every row (use only where the result is known to be small, or bound it with `limit`).
    public func rows(_ sql: String, _ arguments: [SQLValue] = [], limit: Int = .max) throws(DatabaseFailure) -> [DatabaseRow] {
        var out: [DatabaseRow] = []
        guard limit > 0 else { return out }
        try query(sql, arguments) { row in
            out.append(row)
            return out.count < limit
        }
        return out
    }

    /// The first row, if any.
    public func first(_ sql: String, _ arguments: [SQLValue] = []) throws(DatabaseFailure) -> DatabaseRow? {
        try rows(sql, arguments, limit: 1).first
    }

    /// Runs `body` on a worker thread, so the blocking client never holds a thread of Swift's cooperative
    /// pool. Cancelling the calling task cancels the running statement and throws `CancellationError`.
    public func perform<T: Sendable>(_ body: @escaping @Sendable (any DatabaseConnection) throws(DatabaseFailure) -> T) async throws -> T {
        let result: Result<T, DatabaseFailure> = await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Result<T, DatabaseFailure>, Never>) in
                DispatchQueue.global().async {
                    do throws(DatabaseFailure) {
                        done.resume(returning: .success(try body(self)))
                    } catch {
                        done.resume(returning: .failure(error))
                    }
                }
            }
        } onCancel: {
            self.cancel()
        }
        switch result {
        case .success(let value): return value
        case .failure(let failure):
            if Task.isCancelled { throw CancellationError() }
            throw failure
        }
    }
}

/// A table name, optionally schema-qualified.
public struct TableName: Sendable, Hashable, CustomStringConvertible {
    public var schema: String?
    public var name: String

    public init(_ name: String, schema: String? = nil) {
        self.name = name
        self.schema = schema
    }

    /// `history`, `app.history`, `"My Schema"."History"`: splits on the dot outside double quotes and
    /// removes the quotes.
    public static func parse(_ text: String) -> TableName {
        var parts: [String] = [], current = "", quoted = false
        var chars = Array(text.trimmingCharacters(in: .whitespaces))
        var i = 0
        while i < chars.count {
            let c = chars[i]
            if c == "\"" {
                if quoted, i + 1 < chars.count, chars[i + 1] == "\"" { current.append("\""); i += 2; continue }
                quoted.toggle()
            } else if c == ".", !quoted {
                parts.append(current)
                current = ""
            } else {
                current.append(c)
            }
            i += 1
        }
        chars.removeAll()
        parts.append(current)
        return parts.count >= 2 ? TableName(parts.last!, schema: parts.dropLast().joined(separator: ".")) : TableName(parts[0])
    }

    /// `schema.name` or `name`, for messages.
    public var description: String { schema.map { "\($0).\(name)" } ?? name }

    /// `"schema"."name"`, each part quoted with embedded quotes doubled.
    public var quoted: String {
        (schema.map { Self.quote($0) + "." } ?? "") + Self.quote(name)
    }

    public static func quote(_ identifier: String) -> String {
        "\"" + identifier.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}

/// How a connection is opened.
public struct ConnectionOptions: Sendable {
    /// Each statement's deadline: PostgreSQL's `statement_timeout`, and gate's own watchdog for both engines.
    public var statementTimeout: Duration = .seconds(30)
    /// How long to wait for the server to accept the connection.
    public var connectTimeout: Duration = .seconds(10)
    /// SQLite: how long to wait for another connection's lock.
    public var busyTimeout: Duration = .seconds(5)
    /// The check's environment: `{url-env: NAME}` is read here, and libpq's variables (`PGHOST`,
    /// `PGPASSWORD`, `PGSSLMODE`, `PGPASSFILE`, `PGSERVICE`...) set here apply as if exported.
    public var environment: [String: String] = [:]
    /// SQLite paths are shown relative to this directory.
    public var root: String?
    /// PostgreSQL's `application_name`, so a DBA can see who is connected.
    public var applicationName = "gate"
    /// False only for the migrations dry run's scratch database and its explicit transaction mode.
    public var readOnly = true
    /// PostgreSQL: connect to this database instead of the URL's (the dry run's scratch database), with
    /// everything else of the URL kept.
    public var database: String?

    public init(statementTimeout: Duration = .seconds(30), connectTimeout: Duration = .seconds(10),
                busyTimeout: Duration = .seconds(5), environment: [String: String] = [:], root: String? = nil) {
        self.statementTimeout = statementTimeout
        self.connectTimeout = connectTimeout
        self.busyTimeout = busyTimeout
        self.environment = environment
        self.root = root
    }
}
