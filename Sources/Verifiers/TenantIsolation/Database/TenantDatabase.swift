import Foundation

/// What the database checks need from a database engine: the schema, and set-based queries that return a
/// count or a few rows. `LayerTenantDatabase` implements it for SQLite and PostgreSQL through the shared
/// layer; the checks build standard SQL through `SQLDialect`.
protocol TenantDatabase: Sendable {
    var dialect: SQLDialect { get }

    /// Every ordinary table (no views, virtual or internal tables), sorted by name.
    func tables() async throws -> [TableSchema]

    /// Runs a query returning one row of integers (counts and sums); NULL reads as 0.
    func integers(_ query: SQLQuery) async throws -> [Int]

    /// Runs a query and returns at most `limit` rows, each value rendered as text ("NULL" for NULL).
    func rows(_ query: SQLQuery, limit: Int) async throws -> [[String]]
}

/// SQL text with positional `?` parameters. An engine that numbers its parameters rewrites them.
struct SQLQuery: Sendable, Hashable {
    var sql: String
    var arguments: [String]

    init(_ sql: String, _ arguments: [String] = []) {
        self.sql = sql
        self.arguments = arguments
    }
}

/// The few places where the checks' SQL differs between engines.
struct SQLDialect: Sendable {
    /// `"name"`, with embedded quotes doubled.
    func identifier(_ name: String) -> String {
        "\"" + name.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }

    /// A boolean expression: `text` contains `needle` (both SQL expressions).
    var contains: @Sendable (_ text: String, _ needle: String) -> String

    /// The implicit row key of a table without a primary key, or nil when the engine has none.
    var rowKey: String?

    static let sqlite = SQLDialect(contains: { "instr(\($0), \($1)) > 0" }, rowKey: "rowid")
    /// `ctid` is a row's physical address: a key for examples of a table without a primary key, not a stable id.
    static let postgres = SQLDialect(contains: { "strpos(\($0), \($1)) > 0" }, rowKey: "ctid")

    /// `expr` is NULL or blank, compared as text so that it works for any column type.
    func isBlank(_ expr: String) -> String {
        "(\(expr) IS NULL OR TRIM(CAST(\(expr) AS TEXT)) = '')"
    }
}

/// A table as the checks see it. Names keep the schema's spelling; lookups ignore case, as SQL does.
struct TableSchema: Sendable, Hashable {
    var name: String
    var columns: [String]
    /// Primary key columns in key order; empty when the table has none (then `SQLDialect.rowKey` is used).
    var primaryKey: [String]
    var foreignKeys: [ForeignKey]
    var uniqueIndexes: [UniqueIndex]

    func column(named name: String) -> String? {
        columns.first { $0.caseInsensitiveCompare(name) == .orderedSame }
    }
}

/// A reference from columns of one table to columns of another, declared or configured.
struct ForeignKey: Sendable, Hashable {
    var table: String
    var columns: [String]
    var parentTable: String
    /// Resolved: an implicit reference to the parent's primary key names its columns here.
    var parentColumns: [String]
    /// True for a `relations` entry rather than a declared foreign key.
    var configured: Bool = false

    /// `invoices.customer_id → customers.id`.
    var display: String {
        func side(_ t: String, _ cs: [String]) -> String {
            cs.count == 1 ? "\(t).\(cs[0])" : "\(t).(\(cs.joined(separator: ", ")))"
        }
        return side(table, columns) + " → " + side(parentTable, parentColumns)
    }
}

/// A unique index or UNIQUE constraint. Expression columns appear as `<expression>`.
struct UniqueIndex: Sendable, Hashable {
    var name: String
    var columns: [String]
    var partial: Bool
}
