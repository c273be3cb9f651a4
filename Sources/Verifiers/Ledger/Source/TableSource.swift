import Foundation
import GateCore
import GateDatabase

/// A ledger kept in a database table (SQLite or PostgreSQL, through the shared GateDatabase layer), one
/// record per row in the order of `order-by`. Each row becomes a JSON line for the same checks as a file:
/// its columns as an object (integers as digits, reals as ECMAScript numbers, text as strings, blobs in
/// the digest encoding), or, with `json-column`, that column's JSON with the hash, chain, prev, sequence
/// and timestamp columns added as members after it (so `canonical: bytes` still hashes the column's text
/// exactly). Rows stream; nothing is held beyond one chunk.
final class TableSource: LedgerSource, @unchecked Sendable {
    let location: DatabaseLocation
    let table: String
    let orderBy: String?
    let jsonColumn: String?
    let fields: RecordFields
    let text: DigestText
    let options: ConnectionOptions
    let display: String
    /// The connection of the statement running now, for `cancel()`.
    private let running = Locked<(any DatabaseConnection)?>(nil)

    init(location: DatabaseLocation, table: String, orderBy: String?, jsonColumn: String?, fields: RecordFields,
         text: DigestText, root: String, environment: [String: String], timeout: Duration) {
        self.location = location
        self.table = table
        self.orderBy = orderBy
        self.jsonColumn = jsonColumn
        self.fields = fields
        self.text = text
        var options = ConnectionOptions(statementTimeout: timeout, environment: environment, root: root)
        options.applicationName = "gate ledger"
        self.options = options
        display = location.display(relativeTo: root)
    }

    var description: String { "table \(table) in \(display)" }
    var isTable: Bool { true }
    func partName(_ part: Int) -> String { display }
    func part(named name: String?, key: String?) -> Int? { key == nil ? nil : 0 }
    func reaches(part: Int, end: Int64) -> Bool { true }

    /// Stops the running statement (a check timeout, Ctrl-C).
    func cancel() { running.withLock { $0?.cancel() } }

    /// The table's layout, worked out once per connection.
    struct Layout {
        var table: TableName
        var columns: [String]
        /// The ordering expression and whether it is SQLite's rowid.
        var order: String
        var rowid: Bool
    }

    func layout(_ db: any DatabaseConnection) throws(VerifierError) -> Layout {
        let resolved: TableName?
        do {
            resolved = try db.resolveTable(TableName.parse(table))
        } catch {
            throw VerifierError(error.description)
        }
        guard let resolved else {
            throw VerifierError("the table '\(table)' does not exist in \(display); check 'table'")
        }
        let columns: [String]
        do {
            columns = try db.columns(of: resolved)
        } catch {
            throw VerifierError(error.description)
        }
        func has(_ c: String) -> String? { columns.first { $0.lowercased() == c.lowercased() } }
        if let jsonColumn, has(jsonColumn) == nil {
            throw VerifierError("the table '\(resolved)' has no column '\(jsonColumn)'; its columns: \(columns.joined(separator: ", "))")
        }
        if let orderBy {
            guard let c = has(orderBy) else {
                throw VerifierError("the table '\(resolved)' has no column '\(orderBy)' to order by; its columns: \(columns.joined(separator: ", "))")
            }
            return Layout(table: resolved, columns: columns, order: TableName.quote(c), rowid: false)
        }
        if let s = fields.sequence, let c = has(s) {
            return Layout(table: resolved, columns: columns, order: TableName.quote(c), rowid: false)
        }
        guard db.engine == .sqlite else {
            throw VerifierError("the rows of '\(resolved)' have no order of their own in PostgreSQL; set 'order-by' to the column that orders the ledger")
        }
        return Layout(table: resolved, columns: columns, order: "rowid", rowid: true)
    }

    private func open() throws(VerifierError) -> any DatabaseConnection {
        do {
            return try location.open(options)
        } catch {
            throw VerifierError(error.description)
        }
    }

    private func select(_ l: Layout, where condition: String?, descending: Bool = false, limit: Int? = nil) -> String {
        var sql = "SELECT \(l.order) AS gate_order_key, * FROM \(l.table.quoted)"
        if let condition { sql += " WHERE \(l.order) \(condition) ?" }
        sql += " ORDER BY \(l.order)\(descending ? " DESC" : "")"
        if let limit { sql += " LIMIT \(limit)" }
        return sql
    }

    static func keyValue(_ key: String) -> SQLValue { Int64(key).map { .integer($0) } ?? .text(key) }

    func read(from resume: ResumePoint?, chunkBytes: Int, maxRecordBytes: Int, batch: Int,
              _ body: ([LineChunk]) throws -> Bool) throws {
        let db = try open()
        defer { running.withLock { $0 = nil }; db.close() }
        running.withLock { $0 = db }
        let l = try layout(db)
        var pending: [LineChunk] = []
        var bytes: [UInt8] = []
        var keys: [String] = []
        var stopped = false
        var thrown: (any Error)?
        func flush() {
            guard !keys.isEmpty else { return }
            pending.append(LineChunk(body: .lines(bytes), part: 0, offset: 0, keys: keys))
            bytes = []
            keys = []
        }
        let arguments = resume?.key.map { [Self.keyValue($0)] } ?? []
        do {
            try db.query(select(l, where: resume?.key == nil ? nil : ">="), arguments) { row in
                keys.append(row[0].text ?? row[0].display)
                appendLine(row, layout: l, to: &bytes)
                if bytes.count >= chunkBytes { flush() }
                if pending.count >= batch {
                    do {
                        stopped = try !body(pending)
                    } catch {
                        thrown = error
                        return false
                    }
                    pending.removeAll(keepingCapacity: true)
                }
                return !stopped
            }
        } catch {
            throw VerifierError(error.description)
        }
        if let thrown { throw thrown }
        flush()
        if !stopped && !pending.isEmpty { _ = try body(pending) }
    }

    func window(part: Int, offset: Int64, key: String?, before: Int, after: Int, maxRecordBytes: Int) throws
        -> (lines: [(bytes: [UInt8], part: Int)], at: Int) {
        guard let key else { return ([], 0) }
        let db = try open()
        defer { db.close() }
        let l = try layout(db)
        func rows(_ sql: String) throws -> [[UInt8]] {
            var out: [[UInt8]] = []
            do {
                try db.query(sql, [Self.keyValue(key)]) { row in
                    var line: [UInt8] = []
                    appendLine(row, layout: l, to: &line)
                    line.removeLast()
                    out.append(line)
                    return true
                }
            } catch {
                throw VerifierError(error.description)
            }
            return out
        }
        let back = try rows(select(l, where: "<", descending: true, limit: before)).reversed()
        let ahead = try rows(select(l, where: ">=", limit: after + 1))
        return ((back + ahead).map { ($0, 0) }, back.count)
    }
}
