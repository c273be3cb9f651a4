import Foundation
import GateCore
import GateTestSupport
import GRDB
import Testing
@testable import GateDatabase

/// The SQLite backend on real files.
@Suite struct SQLiteConnectionTests {
    func make(_ sql: String) throws -> (TempDir, String) {
        let dir = try TempDir("sqlite-layer")
        let path = dir.file("app.sqlite")
        let r = try SQLiteFixture.sqlite(path, sql)
        #expect(r, "sqlite3 could not build the fixture")
        return (dir, path)
    }

    func open(_ path: String, timeout: Duration = .seconds(30)) throws(DatabaseFailure) -> any DatabaseConnection {
        try DatabaseLocation.sqlite(path: path).open(ConnectionOptions(statementTimeout: timeout, root: PathUtil.dirname(path)))
    }

    @Test func readsTypedValuesWithBoundParameters() throws {
        let (dir, path) = try make("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB);"
            + "INSERT INTO t VALUES (1, 'a', 1.5, x'00ff'), (2, 'it''s', NULL, NULL);")
        defer { dir.remove() }
        let c = try open(path)
        defer { c.close() }
        #expect(c.engine == .sqlite)
        #expect(c.displayName == "app.sqlite")
        let rows = try c.rows("SELECT id, name, score, data FROM t WHERE name = ? OR id = ? ORDER BY id", [.text("it's"), .integer(1)])
        #expect(rows.map(\.values) == [[.integer(1), .text("a"), .real(1.5), .blob([0, 255])], [.integer(2), .text("it's"), .null, .null]])
        #expect(rows[0]["NAME"] == .text("a"))
        #expect(try c.resolveTable(TableName("T")) == TableName("t"))
        #expect(try c.resolveTable(TableName("t", schema: "other")) == nil)
        #expect(try c.columns(of: TableName("t")) == ["id", "name", "score", "data"])
    }

    @Test func writesAreRefusedAndTheFileIsUntouched() throws {
        let (dir, path) = try make("CREATE TABLE t (id INTEGER);")
        defer { dir.remove() }
        let before = try Data(contentsOf: URL(fileURLWithPath: path))
        let c = try open(path)
        defer { c.close() }
        #expect(throws: DatabaseFailure.self) { try c.execute("INSERT INTO t VALUES (1)") }
        #expect(throws: DatabaseFailure.self) { try c.execute("CREATE TABLE u (x)") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == before)
    }

    @Test func streamsAndStopsEarly() throws {
        let (dir, path) = try make("CREATE TABLE t (id INTEGER);")
        defer { dir.remove() }
        let c = try open(path)
        defer { c.close() }
        var n = 0
        try c.query("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s WHERE i < 1000000) SELECT i FROM s", []) { _ in
            n += 1
            return n < 10
        }
        #expect(n == 10)
    }

    @Test func statementTimeoutInterrupts() throws {
        let (dir, path) = try make("CREATE TABLE t (id INTEGER);")
        defer { dir.remove() }
        let c = try open(path, timeout: .milliseconds(300))
        defer { c.close() }
        do {
            _ = try c.rows("WITH RECURSIVE s(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM s) SELECT count(*) FROM s")
            Issue.record("an endless query finished")
        } catch {
            #expect(error.kind == .timeout, "\(error)")
        }
    }

    @Test func badFiles() throws {
        let dir = try TempDir("sqlite-bad")
        defer { dir.remove() }
        try dir.write(["text.sqlite": String(repeating: "not a database\n", count: 200)])
        for (path, kind) in [(dir.file("missing.sqlite"), DatabaseFailure.Kind.notFound), (dir.path, .notADatabase),
                             (dir.file("text.sqlite"), .notADatabase)] {
            do {
                _ = try open(path)
                Issue.record("opened \(path)")
            } catch {
                #expect(error.kind == kind, "\(path): \(error)")
            }
        }
    }
}

/// Builds SQLite fixtures (the layer itself cannot write, by design).
enum SQLiteFixture {
    static func sqlite(_ path: String, _ sql: String) throws -> Bool {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
        return true
    }
}
