import Foundation
import GateCore
import GateDatabase

/// The database mode's database, read through gate's shared read-only layer: a SQLite file (opened
/// `SQLITE_OPEN_READONLY` with `query_only`) or a PostgreSQL database (`default_transaction_read_only`).
/// Every query runs on a worker thread, and cancelling the check cancels the running statement.
struct LayerTenantDatabase: TenantDatabase {
    let connection: any DatabaseConnection
    var dialect: SQLDialect { connection.engine == .postgres ? .postgres : .sqlite }

    /// Opens `location` for the check; failures become `DatabaseProblem` with the layer's message.
    static func open(_ options: DatabaseOptions, context: CheckContext) throws -> LayerTenantDatabase {
        var o = ConnectionOptions(statementTimeout: options.statementTimeout, busyTimeout: .seconds(10),
                                  environment: context.environment, root: context.root)
        o.applicationName = "gate tenant-isolation"
        do {
            let resolved = try options.location.resolved(environment: context.environment)
            let c = try resolved.open(o)
            // Prisma's ?schema= and Atlas's ?search_path= name the application's schema.
            if case .postgres(let url) = resolved, let path = url.toolParameters["search_path"] ?? url.toolParameters["schema"], !path.isEmpty {
                try c.execute("SET search_path = " + path.split(separator: ",").map {
                    TableName.quote($0.trimmingCharacters(in: .whitespaces))
                }.joined(separator: ", "))
            }
            return LayerTenantDatabase(connection: c)
        } catch {
            throw DatabaseProblem(error.message)
        }
    }

    func tables() async throws -> [TableSchema] {
        try await connection.perform { c throws(DatabaseFailure) in
            c.engine == .postgres ? try PostgresSchema.tables(c) : try SQLiteSchema.tables(c)
        }
    }

    func integers(_ query: SQLQuery) async throws -> [Int] {
        try await connection.perform { c throws(DatabaseFailure) in
            guard let row = try c.first(query.sql, query.arguments.map { .text($0) }) else { return [] }
            return row.values.map { Int($0.int ?? Int64($0.text.flatMap { Double($0) } ?? 0)) }
        }
    }

    func rows(_ query: SQLQuery, limit: Int) async throws -> [[String]] {
        try await connection.perform { c throws(DatabaseFailure) in
            try c.rows(query.sql, query.arguments.map { .text($0) }, limit: limit).map { $0.values.map(\.display) }
        }
    }
}

/// The database cannot be read as configured. The message names the database and the fix.
struct DatabaseProblem: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
