import Dispatch
import Foundation
import GateCore
import GateDatabase

/// One history row: column name to value.
struct HistoryRow: Sendable {
    var values: [String: SQLValue]

    subscript(_ column: String) -> SQLValue { values[column] ?? .null }
}

/// The database that holds a tool's history table, read through the shared read-only layer
/// (`GateDatabase`): a SQLite file or a PostgreSQL database. The formats see only this type; what differs
/// between engines (where a tool puts its table, the catalog queries) is answered here or by the layer.
final class HistoryDatabase: Sendable {
    let connection: any DatabaseConnection
    /// The location as opened (an environment variable already read).
    let location: DatabaseLocation
    /// The URL's query parameters that tools read and libpq does not: Prisma's `schema`, Atlas's
    /// `search_path`, golang-migrate's `x-migrations-table`.
    let toolParameters: [String: String]

    var engine: DatabaseEngine { connection.engine }
    /// How messages name it: a relative path or a redacted URL.
    var displayName: String { connection.displayName }

    private init(connection: any DatabaseConnection, location: DatabaseLocation) {
        self.connection = connection
        self.location = location
        if case .postgres(let url) = location { toolParameters = url.toolParameters } else { toolParameters = [:] }
    }

    /// Opens `location` read-only; a database that cannot be opened is a `VerifierError` (the `error` status).
    static func open(_ location: DatabaseLocation, context: CheckContext, busyTimeout: Duration,
                     statementTimeout: Duration) throws(VerifierError) -> HistoryDatabase {
        var options = ConnectionOptions(statementTimeout: statementTimeout, busyTimeout: busyTimeout,
                                        environment: context.environment, root: context.root)
        options.applicationName = "gate migrations"
        do {
            let resolved = try location.resolved(environment: context.environment)
            return HistoryDatabase(connection: try resolved.open(options), location: resolved)
        } catch {
            throw VerifierError(error.message)
        }
    }

    func close() { connection.close() }

    /// The table as the engine resolves the name (PostgreSQL: along `search_path` without a schema); nil
    /// when it does not exist.
    func resolve(_ table: TableName) throws(VerifierError) -> TableName? {
        try read { c throws(DatabaseFailure) in try c.resolveTable(table) }
    }

    func columns(of table: TableName) throws(VerifierError) -> [String] {
        try read { c throws(DatabaseFailure) in try c.columns(of: table) }
    }

    /// Every row of `table` with the given columns, ordered by `orderBy` (ascending).
    func rows(of table: TableName, columns: [String], orderBy: [String]) throws(VerifierError) -> [HistoryRow] {
        let select = columns.map(TableName.quote).joined(separator: ", ")
        let order = orderBy.isEmpty ? "" : " ORDER BY " + orderBy.map(TableName.quote).joined(separator: ", ")
        var out: [HistoryRow] = []
        try read { c throws(DatabaseFailure) in
            try c.query("SELECT \(select) FROM \(table.quoted)\(order)", []) { row in
                var values: [String: SQLValue] = [:]
                for (i, name) in columns.enumerated() { values[name] = row[i] }
                out.append(HistoryRow(values: values))
                return true
            }
        }
        return out
    }

    /// Fails with a clear message when `table` lacks a column the format needs.
    func requireColumns(_ needed: [String], in table: TableName) throws(VerifierError) {
        let have = Set(try columns(of: table).map { $0.lowercased() })
        let missing = needed.filter { !have.contains($0.lowercased()) }
        guard missing.isEmpty else {
            throw VerifierError("the history table '\(table)' in '\(displayName)' has no column "
                + missing.map { "'\($0)'" }.joined(separator: ", ")
                + "; is 'format' right, or was the table made by another tool or version?")
        }
    }

    /// Schemas other than the searched ones that hold a table of this name, for the message when the
    /// history is not where the tool's settings say (PostgreSQL only).
    func elsewhere(_ name: String) throws(VerifierError) -> [String] {
        guard engine == .postgres else { return [] }
        return try read { c throws(DatabaseFailure) in
            try c.rows("SELECT n.nspname FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
                + "WHERE c.relname = ? AND c.relkind IN ('r', 'p', 'v') ORDER BY 1 LIMIT 5", [.text(name)]).compactMap { $0[0].text }
        }
    }

    private func read<T>(_ body: (any DatabaseConnection) throws(DatabaseFailure) -> T) throws(VerifierError) -> T {
        do {
            return try body(connection)
        } catch {
            throw VerifierError(error.message)
        }
    }

    /// Runs blocking database work on a worker thread, so the cooperative pool is never held by a query;
    /// cancelling the task cancels the running statement.
    func onWorker<T: Sendable>(_ body: @escaping @Sendable () throws(VerifierError) -> T) async throws -> T {
        let result: Result<T, VerifierError> = await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Result<T, VerifierError>, Never>) in
                DispatchQueue.global().async {
                    do throws(VerifierError) { done.resume(returning: .success(try body())) } catch { done.resume(returning: .failure(error)) }
                }
            }
        } onCancel: {
            self.connection.cancel()
        }
        if Task.isCancelled { throw CancellationError() }
        return try result.get()
    }
}
