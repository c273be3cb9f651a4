import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import GateDatabase

/// The PostgreSQL backend against a real server the tests start (`PostgresCluster`).
@Suite struct PostgresConnectionTests {
    func open(_ url: String, timeout: Duration = .seconds(30), environment: [String: String] = [:]) throws -> any DatabaseConnection {
        var options = ConnectionOptions(statementTimeout: timeout, connectTimeout: .seconds(5), environment: environment)
        options.applicationName = "gate-test"
        return try DatabaseLocation.postgres(try PostgresURL(url)).open(options)
    }

    @Test func typedValuesAndBoundParameters() async throws {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("types")
        defer { pg.dropDatabase(db) }
        let c = try open(pg.socketURL(database: db))
        defer { c.close() }
        #expect(c.engine == .postgres)
        #expect(c.serverVersion >= 100_000)
        let row = try #require(try c.first("""
            SELECT true AS b, 42::int2 AS small, 9000000000::int8 AS big, 1.5::float8 AS f, '\\x00ff10'::bytea AS bytes,
                   TIMESTAMPTZ '2026-01-02 03:04:05.25+02' AS at, 12345678901234567890.5::numeric AS n, NULL::text AS nothing,
                   ?::text AS p1, ?::int AS p2, ?::text IS NULL AS p3, ?::bytea AS p4, ?::bool AS p5
            """, [.text("it's \"quoted\" ?"), .integer(-7), .null, .blob([1, 2, 255]), .bool(false)]))
        #expect(row["b"] == .bool(true))
        #expect(row["small"] == .integer(42))
        #expect(row["big"] == .integer(9_000_000_000))
        #expect(row["f"] == .real(1.5))
        #expect(row["bytes"] == .blob([0, 255, 16]))
        // ISO at UTC, which HistoryTime-style parsers read.
        #expect(row["at"] == .text("2026-01-02 01:04:05.25+00"))
        #expect(row["n"] == .text("12345678901234567890.5"))
        #expect(row["nothing"] == .null)
        #expect(row["p1"] == .text("it's \"quoted\" ?"))
        #expect(row["p2"] == .integer(-7))
        #expect(row["p3"] == .bool(true))
        #expect(row["p4"] == .blob([1, 2, 255]))
        #expect(row["p5"] == .bool(false))
    }

    @Test func rowsStreamAndStopEarly() async throws {
        let pg = try await PostgresCluster.require()
        let c = try open(pg.socketURL(database: "postgres"))
        defer { c.close() }
        var seen = 0
        try c.query("SELECT g, repeat('x', 100) FROM generate_series(1, 200000) AS g", []) { row in
            seen += 1
            return row[0].int! < 1000
        }
        #expect(seen == 1000)
        // The connection is usable afterwards: the rest of the result was drained.
        #expect(try c.first("SELECT 1 + 1")?[0] == .integer(2))
    }

    @Test func writesAreRefused() async throws {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("readonly")
        defer { pg.dropDatabase(db) }
        try await pg.psql("CREATE TABLE t (id int)", database: db)
        let c = try open(pg.socketURL(database: db))
        defer { c.close() }
        #expect(throws: DatabaseFailure.self) { try c.execute("INSERT INTO t VALUES (1)") }
        do {
            try c.execute("CREATE TABLE u (id int)")
            Issue.record("a write went through")
        } catch {
            #expect(error.kind == .readOnly, "\(error)")
        }
        #expect(try await pg.psql("SELECT count(*) FROM t", database: db).trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func statementTimeoutStopsALongQuery() async throws {
        let pg = try await PostgresCluster.require()
        let c = try open(pg.socketURL(database: "postgres"), timeout: .milliseconds(500))
        defer { c.close() }
        let start = ContinuousClock.now
        do {
            try c.execute("SELECT pg_sleep(300)")
            Issue.record("pg_sleep(300) finished under a 500 ms timeout")
        } catch {
            #expect(error.kind == .timeout, "\(error)")
            #expect(error.message.contains("statement timeout (500ms)"), "\(error)")
        }
        // Far from the 300 s the statement would take: the timeout ended it, not the sleep.
        #expect(ContinuousClock.now - start < .seconds(120))
        #expect(try c.first("SELECT 3")?[0] == .integer(3))
    }

    @Test func cancellingTheTaskCancelsTheStatement() async throws {
        let pg = try await PostgresCluster.require()
        let c = try open(pg.socketURL(database: "postgres"))
        defer { c.close() }
        let marker = "gate-cancel-\(UUID().uuidString.prefix(8))"
        let task = Task { try await c.perform { c throws(DatabaseFailure) in try c.execute("SELECT pg_sleep(300) /* \(marker) */") } }
        try await Task.sleep(for: .milliseconds(500))
        let start = ContinuousClock.now
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
        #expect(ContinuousClock.now - start < .seconds(120))
        // The server is no longer running it.
        try await Task.sleep(for: .milliseconds(300))
        let active = try await pg.psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%\(marker)%' AND pid <> pg_backend_pid() "
            + "AND state = 'active'")
        #expect(active.trimmingCharacters(in: .whitespacesAndNewlines) == "0")
    }

    @Test func catalogFollowsSearchPathAndSchemas() async throws {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("catalog")
        defer { pg.dropDatabase(db) }
        try await pg.psql("CREATE SCHEMA app; CREATE TABLE app.history (id int, name text, \"Mixed\" int); "
            + "CREATE TABLE public.history (x int); CREATE TABLE app.\"CamelTable\" (y int)", database: db)
        let plain = try open(pg.socketURL(database: db))
        defer { plain.close() }
        #expect(try plain.resolveTable(TableName("history")) == TableName("history", schema: "public"))
        #expect(try plain.resolveTable(TableName("history", schema: "app")) == TableName("history", schema: "app"))
        #expect(try plain.resolveTable(TableName("missing")) == nil)
        #expect(try plain.resolveTable(TableName("CamelTable", schema: "app")) == TableName("CamelTable", schema: "app"))
        #expect(try plain.columns(of: TableName("history", schema: "app")) == ["id", "name", "Mixed"])
        // search_path from the URL's options, as psql users set it.
        let scoped = try open(pg.socketURL(database: db, extra: "options=-csearch_path%3Dapp"))
        defer { scoped.close() }
        #expect(try scoped.resolveTable(TableName("HISTORY")) == TableName("history", schema: "app"))
    }

    @Test func permissionDeniedIsAClearFailure() async throws {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("perm")
        defer { pg.dropDatabase(db) }
        let role = "gt_reader_\(UUID().uuidString.prefix(6).lowercased())"
        try await pg.psql("CREATE ROLE \(role) LOGIN; CREATE SCHEMA locked; CREATE TABLE locked.t (id int); REVOKE ALL ON SCHEMA locked FROM PUBLIC",
                    database: db)
        let c = try open(pg.socketURL(database: db, user: role))
        defer { c.close() }
        do {
            _ = try c.rows("SELECT * FROM locked.t")
            Issue.record("read a schema without USAGE")
        } catch {
            #expect(error.kind == .permission, "\(error)")
            #expect(error.message.contains("'\(role)'") && error.message.contains("USAGE"), "\(error)")
            #expect(error.sqlState == "42501")
        }
    }

    /// A backend that stops answering (SIGSTOP): neither statement_timeout nor PQcancel can end the
    /// statement, so gate's own deadline gives up on the connection instead of hanging the run.
    @Test func aServerThatStopsAnsweringIsGivenUpOn() async throws {
        let pg = try await PostgresCluster.require()
        let c = try open(pg.socketURL(database: "postgres"), timeout: .milliseconds(300))
        defer { c.close() }
        let pid = try #require(try c.first("SELECT pg_backend_pid()")?[0].int)
        kill(pid_t(pid), SIGSTOP)
        defer { kill(pid_t(pid), SIGCONT) }
        let start = ContinuousClock.now
        do {
            try c.execute("SELECT 1")
            Issue.record("a stopped backend answered")
        } catch {
            #expect(error.kind == .timeout, "\(error)")
            #expect(error.message.contains("gave up on the connection"), "\(error)")
        }
        // It would otherwise wait forever.
        #expect(ContinuousClock.now - start < .seconds(120))
        #expect(throws: DatabaseFailure.self) { try c.execute("SELECT 1") }
    }
}
