import CLibPQ
import Foundation
import GateCore

/// The PostgreSQL backend, over libpq, used synchronously from a worker thread (`perform`).
///
/// Connecting: the URL (without tool parameters) is expanded by libpq, so everything libpq users expect
/// holds: `PGHOST`, `PGPORT`, `PGUSER`, `PGPASSWORD`, `PGSSLMODE`, `~/.pgpass` (`PGPASSFILE`), service
/// files (`PGSERVICE`), several hosts with `target_session_attrs`. The check's environment is passed as
/// libpq keywords placed before the URL, so the URL wins over the environment, as with psql. Then the
/// session is made read-only (`default_transaction_read_only = on`), gets a `statement_timeout`, ISO
/// dates at UTC and hex `bytea`.
///
/// Waiting: every wait polls the socket in 100 ms slices, so `cancel()` (a check timeout, Ctrl-C) sends
/// PQcancel within 100 ms, and a server that stops answering entirely is given up on at the statement
/// timeout plus a grace period instead of hanging the run.
final class PostgresConnection: DatabaseConnection, @unchecked Sendable {
    let engine = DatabaseEngine.postgres
    let displayName: String
    let serverVersion: Int
    /// The role the session logged in as, for messages about permissions.
    let user: String
    let options: ConnectionOptions
    /// Passwords this connection knows, scrubbed from every message.
    let secrets: [String]
    /// The libpq connection; nil once closed. Guarded by `statementLock` (one statement at a time).
    private var conn: OpaquePointer?
    private let cancelHandle: OpaquePointer?
    private let statementLock = NSLock()
    private let cancelRequested = Locked(false)

    private init(conn: OpaquePointer, url: PostgresURL, options: ConnectionOptions, secrets: [String]) {
        self.conn = conn
        self.options = options
        self.secrets = secrets
        displayName = url.redacted
        serverVersion = Int(PQserverVersion(conn))
        user = PQuser(conn).map { String(cString: $0) } ?? "?"
        cancelHandle = PQgetCancel(conn)
    }

    deinit {
        if let conn { PQfinish(conn) }
        if let cancelHandle { PQfreeCancel(cancelHandle) }
    }

    static func open(_ url: PostgresURL, options: ConnectionOptions) throws(DatabaseFailure) -> PostgresConnection {
        var secrets = [url.password, options.environment["PGPASSWORD"]].compactMap { $0 }
        var keywords: [String] = [], values: [String] = []
        // The check's environment, as libpq keywords; the URL comes after them and wins.
        // Only the first 'dbname' is expanded as a URL, so PGDATABASE goes after it, and only when the URL names
        // no database.
        for (variable, keyword) in PostgresURL.environmentKeywords where keyword != "dbname" {
            if let value = options.environment[variable], !value.isEmpty { keywords.append(keyword); values.append(value) }
        }
        keywords += ["dbname", "fallback_application_name", "client_encoding"]
        values += [url.libpqText, options.applicationName, "UTF8"]
        if let database = options.database ?? (url.database == nil ? options.environment["PGDATABASE"] : nil), !database.isEmpty {
            keywords.append("dbname")
            values.append(database)
        }
        let conn = try connect(keywords, values, url: url, options: options, secrets: secrets)
        if let pass = PQpass(conn).map({ String(cString: $0) }), !pass.isEmpty { secrets.append(pass) }
        let connection = PostgresConnection(conn: conn, url: url, options: options, secrets: secrets)
        var setup = ["SET statement_timeout = \(max(1, options.statementTimeout.milliseconds))", "SET DateStyle = 'ISO, YMD'",
                     "SET TimeZone = 'UTC'", "SET bytea_output = 'hex'", "SET extra_float_digits = 3"]
        if options.readOnly { setup.insert("SET default_transaction_read_only = on", at: 0) }
        do throws(DatabaseFailure) {
            try connection.execute(setup.joined(separator: "; "))
        } catch {
            connection.close()
            throw error
        }
        return connection
    }

    /// PQconnectStartParams and PQconnectPoll, waiting in slices until `connectTimeout`.
    private static func connect(_ keywords: [String], _ values: [String], url: PostgresURL, options: ConnectionOptions,
                                secrets: [String]) throws(DatabaseFailure) -> OpaquePointer {
        let k = keywords.map { strdup($0) } + [nil], v = values.map { strdup($0) } + [nil]
        defer { (k + v).forEach { free($0) } }
        let started: OpaquePointer? = k.map { UnsafePointer($0) }.withUnsafeBufferPointer { kp in
            v.map { UnsafePointer($0) }.withUnsafeBufferPointer { vp in PQconnectStartParams(kp.baseAddress, vp.baseAddress, 1) }
        }
        guard let conn = started else { throw DatabaseFailure(.cannotConnect, "cannot connect to '\(url.redacted)': out of memory") }
        let deadline = ContinuousClock.now + options.connectTimeout
        var status = PGRES_POLLING_WRITING
        while PQstatus(conn) != CONNECTION_BAD {
            if status == PGRES_POLLING_OK { return conn }
            if status == PGRES_POLLING_FAILED { break }
            guard ContinuousClock.now < deadline else {
                PQfinish(conn)
                throw DatabaseFailure(.cannotConnect, "cannot connect to '\(url.redacted)': no answer within "
                    + "\(DurationParsing.format(options.connectTimeout)); check the host and port (URL, PGHOST, PGPORT) and "
                    + "that a firewall lets the connection through")
            }
            _ = PostgresWait.socket(PQsocket(conn), forWriting: status == PGRES_POLLING_WRITING, milliseconds: 100)
            status = PQconnectPoll(conn)
        }
        let detail = PQerrorMessage(conn).map { String(cString: $0) } ?? "unknown error"
        PQfinish(conn)
        throw PostgresErrors.connectFailure(detail, url: url, secrets: secrets, environment: options.environment)
    }

    func cancel() {
        cancelRequested.withLock { $0 = true }
    }

    func close() {
        statementLock.lock()
        defer { statementLock.unlock() }
        closeHoldingLock()
    }

    /// Closes the socket; the statement lock is held by the caller.
    func closeHoldingLock() {
        if let conn { PQfinish(conn) }
        conn = nil
    }

    func query(_ sql: String, _ arguments: [SQLValue], _ body: (DatabaseRow) -> Bool) throws(DatabaseFailure) {
        statementLock.lock()
        defer { statementLock.unlock() }
        try run(sql, arguments, body)
    }

    func execute(_ sql: String) throws(DatabaseFailure) {
        try query(sql, []) { _ in true }
    }

    /// A connection-level failure (the server went away, the socket broke): the connection is unusable.
    func lost(_ what: String) -> DatabaseFailure {
        let detail = conn.flatMap { PQerrorMessage($0) }.map { String(cString: $0) } ?? ""
        return DatabaseFailure(.cannotConnect, Redaction.scrub("lost the connection to '\(displayName)' \(what): "
            + detail.trimmingCharacters(in: .whitespacesAndNewlines), secrets: secrets))
    }

    /// Sends the statement, switches to single-row mode and streams the results; called with the lock held.
    private func run(_ sql: String, _ arguments: [SQLValue], _ body: (DatabaseRow) -> Bool) throws(DatabaseFailure) {
        guard let conn else { throw DatabaseFailure(.query, "the connection to '\(displayName)' is closed") }
        defer { cancelRequested.withLock { $0 = false } }
        let sent: Int32
        if arguments.isEmpty {
            // The simple protocol: several statements separated by ';' may run in one call (session setup).
            sent = PQsendQuery(conn, sql)
        } else {
            let params: [UnsafeMutablePointer<CChar>?] = arguments.map { PostgresValues.parameter($0).map { strdup($0) } }
            defer { params.forEach { free($0) } }
            sent = params.map { UnsafePointer($0) }.withUnsafeBufferPointer { p in
                PQsendQueryParams(conn, Placeholders.numbered(sql), Int32(params.count), nil, p.baseAddress, nil, nil, 0)
            }
        }
        guard sent == 1 else { throw lost("while sending a statement") }
        _ = PQsetSingleRowMode(conn)
        var failure: DatabaseFailure?
        var wanted = true
        var columns: ColumnNames?
        var waiter = PostgresWait(conn: conn, cancel: cancelHandle, requested: cancelRequested,
                                  timeout: options.statementTimeout)
        while true {
            try waiter.untilReady(self)
            guard let result = PQgetResult(conn) else { break }
            defer { PQclear(result) }
            switch PQresultStatus(result) {
            case PGRES_SINGLE_TUPLE:
                guard wanted, failure == nil else { continue }
                let names = columns ?? PostgresValues.columnNames(result)
                columns = names
                wanted = body(DatabaseRow(columns: names, values: PostgresValues.row(result, 0)))
            case PGRES_TUPLES_OK, PGRES_COMMAND_OK, PGRES_EMPTY_QUERY:
                continue
            default:
                if failure == nil {
                    failure = PostgresErrors.statementFailure(result, connection: self, sql: sql, cancelled: waiter.cancelSent,
                                                              clientTimeout: waiter.timedOut)
                }
            }
        }
        if let failure { throw failure }
    }

    func resolveTable(_ name: TableName) throws(DatabaseFailure) -> TableName? {
        // An exact name first, then the name folded to lower case, as an unquoted identifier would be.
        for candidate in Array(Set([name.name, name.name.lowercased()])).sorted(by: { $0 == name.name && $1 != name.name }) {
            let row = try first("""
                SELECT n.nspname, c.relname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
                WHERE c.relname = ? AND c.relkind IN ('r', 'p', 'v', 'm', 'f')
                  AND (CASE WHEN ?::text IS NULL THEN pg_catalog.pg_table_is_visible(c.oid) ELSE n.nspname = ? END)
                ORDER BY n.nspname LIMIT 1
                """, [.text(candidate), name.schema.map { .text($0) } ?? .null, name.schema.map { .text($0) } ?? .null])
            if let row, let schema = row[0].text, let table = row[1].text { return TableName(table, schema: schema) }
        }
        return nil
    }

    func columns(of table: TableName) throws(DatabaseFailure) -> [String] {
        try rows("SELECT attname FROM pg_catalog.pg_attribute WHERE attrelid = ?::regclass AND attnum > 0 AND NOT attisdropped "
            + "ORDER BY attnum", [.text(table.quoted)]).compactMap { $0[0].text }
    }
}
