import Foundation
import GRDB

/// A SQLite database opened read-only through GRDB over the system SQLite. The checks never write, and
/// SQLite enforces it: the connection is opened with SQLITE_OPEN_READONLY and `query_only` is on.
/// Every query runs in its own read; cancelling the task interrupts the running statement.
struct SQLiteTenantDatabase: TenantDatabase {
    let queue: DatabaseQueue
    let dialect = SQLDialect.sqlite

    /// Opens `path` read-only. Throws a message that names the file and how to fix it.
    init(path: String, display: String) throws {
        guard FileManager.default.fileExists(atPath: path) else {
            throw DatabaseProblem("the database '\(display)' does not exist; fix 'database' or create the file first")
        }
        var config = Configuration()
        config.readonly = true
        config.busyMode = .timeout(10)
        config.label = "tenant-isolation"
        config.prepareDatabase { db in try db.execute(sql: "PRAGMA query_only = 1") }
        do {
            queue = try DatabaseQueue(path: path, configuration: config)
            // A file that is not SQLite opens fine and fails on first use: fail now, with the file's name.
            _ = try queue.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_schema") }
        } catch let error as DatabaseError {
            throw DatabaseProblem("cannot read the database '\(display)': \(error.message ?? "\(error.resultCode)")"
                + " (SQLite \(error.resultCode)); check that 'database' names a SQLite file")
        }
    }

    func tables() async throws -> [TableSchema] {
        try await queue.read { db in
            // table_list separates ordinary tables from views, virtual tables and their shadow tables.
            let names = try String.fetchAll(db, sql: """
                SELECT name FROM pragma_table_list
                WHERE schema = 'main' AND type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\'
                ORDER BY name
                """)
            return try names.map { try Self.describe($0, db) }
        }
    }

    private static func describe(_ table: String, _ db: Database) throws -> TableSchema {
        let cols = try Row.fetchAll(db, sql: "SELECT name, pk FROM pragma_table_info(?) ORDER BY cid", arguments: [table])
        let columns: [String] = cols.map { $0["name"] }
        let primaryKey = cols.filter { ($0["pk"] as Int) > 0 }.sorted { ($0["pk"] as Int) < ($1["pk"] as Int) }
            .map { $0["name"] as String }

        var foreignKeys: [ForeignKey] = []
        let fkRows = try Row.fetchAll(db, sql: """
            SELECT id, "table" AS parent, "from" AS child, "to" AS target FROM pragma_foreign_key_list(?) ORDER BY id, seq
            """, arguments: [table])
        // SQLite numbers foreign keys from the last declared; descending ids give declaration order.
        for (_, group) in Dictionary(grouping: fkRows, by: { $0["id"] as Int }).sorted(by: { $0.key > $1.key }) {
            let parent: String = group[0]["parent"]
            var targets = group.map { $0["target"] as String? }
            if targets.contains(where: { $0 == nil }) {
                // REFERENCES parent without columns means the parent's primary key.
                let pk = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
                                             arguments: [parent])
                targets = pk.count == group.count ? pk : targets
            }
            guard targets.allSatisfy({ $0 != nil }) else { continue }
            foreignKeys.append(ForeignKey(table: table, columns: group.map { $0["child"] }, parentTable: parent,
                                          parentColumns: targets.map { $0! }))
        }

        var unique: [UniqueIndex] = []
        let indexes = try Row.fetchAll(db, sql: """
            SELECT name, origin, partial FROM pragma_index_list(?) WHERE "unique" = 1 ORDER BY name
            """, arguments: [table])
        for index in indexes where (index["origin"] as String) != "pk" {
            let name: String = index["name"]
            let cols = try Row.fetchAll(db, sql: "SELECT name FROM pragma_index_info(?) ORDER BY seqno", arguments: [name])
                .map { ($0["name"] as String?) ?? "<expression>" }
            unique.append(UniqueIndex(name: name, columns: cols, partial: (index["partial"] as Int) != 0))
        }
        return TableSchema(name: table, columns: columns, primaryKey: primaryKey, foreignKeys: foreignKeys,
                           uniqueIndexes: unique)
    }

    func integers(_ query: SQLQuery) async throws -> [Int] {
        try await queue.read { db in
            guard let row = try Row.fetchOne(db, sql: query.sql, arguments: StatementArguments(query.arguments)) else {
                return []
            }
            return (0..<row.count).map { Int.fromDatabaseValue(row[$0]) ?? 0 }
        }
    }

    func rows(_ query: SQLQuery, limit: Int) async throws -> [[String]] {
        try await queue.read { db in
            var out: [[String]] = []
            let cursor = try Row.fetchCursor(db, sql: query.sql, arguments: StatementArguments(query.arguments))
            while out.count < limit, let row = try cursor.next() {
                out.append((0..<row.count).map { Self.text(row[$0]) })
            }
            return out
        }
    }

    private static func text(_ value: DatabaseValue) -> String {
        switch value.storage {
        case .null: "NULL"
        case .int64(let i): String(i)
        case .double(let d): String(d)
        case .string(let s): s
        case .blob(let data): "x'" + data.prefix(16).map { String(format: "%02x", $0) }.joined() + (data.count > 16 ? "…'" : "'")
        }
    }
}

/// The database cannot be read as configured. The message names the file and the fix.
struct DatabaseProblem: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}
