import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierMigrations

/// The dry run on PostgreSQL: a scratch database by default (TEMPLATE, else pg_dump), or one rolled-back
/// transaction on the target when asked; statement times and lock warnings; nothing left behind.
/// Serialized: several cases count the cluster's scratch databases.
@Suite(.serialized) struct PostgresDryRunTests {
    /// The rules these cases see reported (FixtureTests checks that every rule has a case somewhere).
    static let rulesReported: Set<String> = ["migrations/lock", "migrations/not-dry-run"]

    /// A native-format project: `applied` ran on the database (and is in its history), `pending` has not.
    func project(_ pg: PostgresCluster, applied: [String], pending: [String], setup: String = "") async throws -> (Workspace, String) {
        let w = try Workspace("pg-dry-run")
        let db = try await pg.createDatabase("dryrun")
        var history = "CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ);\n"
        for (i, sql) in (applied + pending).enumerated() {
            let id = String(format: "%04d", i + 1)
            try w.write(["migrations/\(id)_step.sql": sql])
            if i < applied.count {
                history += sql + "\nINSERT INTO _migrations VALUES ('\(id)', 'step', '\(sha256(sql))', now());\n"
            }
        }
        try await pg.psql(history + setup, database: db)
        return (w, db)
    }

    func check(_ pg: PostgresCluster, _ db: String, _ w: Workspace, _ with: String = "dry-run: true") async throws -> CheckOutcome {
        try await Check.run("format: native\ndatabase: '\(pg.socketURL(database: db))'\n\(with)", root: w.path)
    }

    func scratchDatabases(_ pg: PostgresCluster) async throws -> Int {
        Int(try await pg.psql("SELECT count(*) FROM pg_database WHERE datname LIKE 'gate\\_dry\\_run\\_%'")
            .trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
    }

    @Test func scratchFromTheTargetRunsPostgresSQLAndIsDropped() async throws {
        let pg = try await PostgresCluster.require()
        let (w, db) = try await project(pg, applied: ["CREATE TABLE accounts (id SERIAL PRIMARY KEY, profile JSONB NOT NULL);"], pending: [
            "ALTER TABLE accounts ADD COLUMN email TEXT;\nCREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n  RETURN NEW;\nEND;\n$$;",
        ])
        defer { w.remove(); pg.dropDatabase(db) }
        let o = try await check(pg, db, w)
        #expect(o.rulesFound == ["migrations/pending"], "\(o.findings.map(\.message))")
        #expect(o.summary.contains("dry run applied 1 of 1 in ") && o.summary.contains("on a scratch PostgreSQL database made with "
            + "CREATE DATABASE … TEMPLATE"), "\(o.summary)")
        #expect(o.log?.contains("line 2:") == true, "per-statement times: \(o.log ?? "")")
        #expect(try await scratchDatabases(pg) == 0)
        let column = try await pg.psql("SELECT count(*) FROM information_schema.columns WHERE table_name = 'accounts' AND column_name = 'email'",
                                       database: db)
        #expect(column.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "the target was not touched")
    }

    @Test func templateRefusedFallsBackToASchemaDump() async throws {
        let pg = try await PostgresCluster.require()
        let (w, db) = try await project(pg, applied: ["CREATE TABLE items (id bigint PRIMARY KEY, name text);"],
                                        pending: ["CREATE INDEX items_name ON items (name);"])
        defer { w.remove(); pg.dropDatabase(db) }
        // The application stays connected: PostgreSQL refuses a template that others are using.
        let marker = Int.random(in: 100_000...999_999)
        // A thread of its own, not Dispatch's pool, which the other tests' blocking waits can exhaust.
        let app = DispatchGroup()
        app.enter()
        Thread { _ = try? pg.psqlNow("SELECT pg_sleep(120.\(marker))", database: db); app.leave() }.start()
        defer {
            _ = try? pg.psqlNow("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE '%120.\(marker)%' AND pid <> pg_backend_pid()")
            app.wait()
        }
        // Wait until that session is really there (a loaded machine can take many seconds to start psql):
        // without it the template is allowed and the test would prove nothing.
        var connected = false
        for _ in 0..<1200 {
            let n = try await pg.psql("SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%120.\(marker)%' AND pid <> pg_backend_pid()")
            if n.trimmingCharacters(in: .whitespacesAndNewlines) != "0" { connected = true; break }
            try await Task.sleep(for: .milliseconds(100))
        }
        try #require(connected, "the application's session never connected")
        let o = try await check(pg, db, w)
        #expect(o.rulesFound == ["migrations/pending"], "\(o.findings.map(\.message))")
        #expect(o.summary.contains("made with pg_dump --schema-only"), "\(o.summary)")
        #expect(try await scratchDatabases(pg) == 0)
    }

    @Test func aFailureIsPostgresMessageWithoutADialectHint() async throws {
        let pg = try await PostgresCluster.require()
        let (w, db) = try await project(pg, applied: ["CREATE TABLE a (id int);"], pending: ["ALTER TABLE no_such_table ADD COLUMN x int;"])
        defer { w.remove(); pg.dropDatabase(db) }
        let o = try await check(pg, db, w)
        let f = try #require(o.findings("migrations/dry-run-failed").first)
        #expect(f.message.contains("relation \"no_such_table\" does not exist"), "\(f.message)")
        #expect(!f.message.contains("dialect"), "\(f.message)")
        #expect(try await scratchDatabases(pg) == 0)
    }

    @Test func accessExclusiveOnALargeTableIsAWarningWithTheEstimate() async throws {
        let pg = try await PostgresCluster.require()
        let (w, db) = try await project(pg, applied: ["CREATE TABLE big (id bigint PRIMARY KEY, v int);"], pending: [
            "CREATE INDEX big_v ON big (v);\nALTER TABLE big ADD COLUMN flag boolean NOT NULL DEFAULT false;",
        ], setup: "INSERT INTO big SELECT g, g % 97 FROM generate_series(1, 150000) g; ANALYZE big;")
        defer { w.remove(); pg.dropDatabase(db) }
        let o = try await check(pg, db, w)
        let lock = try #require(o.findings("migrations/lock").first, "\(o.findings.map(\.message))")
        #expect(lock.severity == .warning)
        #expect(lock.line == 2)
        #expect(lock.message.contains("ACCESS EXCLUSIVE lock on 'public.big' (about 150,000 rows"), "\(lock.message)")
        #expect(o.log?.contains("locks 'public.big' SHARE") == true, "CREATE INDEX's lock is in the log: \(o.log ?? "")")
        let quiet = try await check(pg, db, w, "dry-run: true\nlarge-table: 1000000")
        #expect(quiet.findings("migrations/lock").isEmpty)
    }

    @Test func transactionModeRollsBackAndSaysWhatItCouldNotRun() async throws {
        let pg = try await PostgresCluster.require()
        let (w, db) = try await project(pg, applied: ["CREATE TABLE t (id int, v int);"], pending: [
            "CREATE TABLE t2 (id int);\nCREATE INDEX CONCURRENTLY t_v ON t (v);\nCOMMIT;\nINSERT INTO t2 VALUES (1);",
        ])
        defer { w.remove(); pg.dropDatabase(db) }
        let o = try await check(pg, db, w, "dry-run: transaction")
        #expect(o.findings("migrations/dry-run-failed").isEmpty, "\(o.findings.map(\.message))")
        let skipped = o.findings("migrations/not-dry-run")
        #expect(skipped.map(\.line) == [2, 3], "\(skipped.map(\.message))")
        #expect(skipped.first?.message.contains("CREATE INDEX CONCURRENTLY cannot run inside a transaction block") == true)
        #expect(o.summary.contains("on a transaction on"), "\(o.summary)")
        let left = try await pg.psql("SELECT count(*) FROM pg_tables WHERE tablename = 't2'", database: db)
        #expect(left.trimmingCharacters(in: .whitespacesAndNewlines) == "0", "rolled back")
    }

    @Test func maxDurationStopsASlowMigration() async throws {
        let pg = try await PostgresCluster.require()
        let (w, db) = try await project(pg, applied: ["CREATE TABLE a (id int);"], pending: ["SELECT pg_sleep(300);"])
        defer { w.remove(); pg.dropDatabase(db) }
        let o = try await check(pg, db, w, "dry-run: true\nmax-duration: 1s")
        let f = try #require(o.findings("migrations/too-slow").first, "\(o.findings.map(\.message))")
        #expect(f.message.contains("was stopped"), "\(f.message)")
        #expect(try await scratchDatabases(pg) == 0)
    }

    @Test func cancellingTheCheckDropsTheScratchDatabase() async throws {
        let pg = try await PostgresCluster.require()
        let (w, db) = try await project(pg, applied: ["CREATE TABLE a (id int);"], pending: ["SELECT pg_sleep(300);"])
        defer { w.remove(); pg.dropDatabase(db) }
        let task = Task { try await check(pg, db, w, "dry-run: true\nmax-duration: 10m") }
        for _ in 0..<600 where try await scratchDatabases(pg) == 0 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await scratchDatabases(pg) == 1)
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: CancellationError.self) { _ = try await task.value }
        #expect(try await scratchDatabases(pg) == 0)
    }

    /// Ctrl-C on the built binary while a pending migration runs in the scratch database: gate exits 130,
    /// the scratch database is dropped and the statement's backend is gone.
    @Test func ctrlCOnTheBinaryDropsTheScratchDatabase() async throws {
        let pg = try await PostgresCluster.require()
        let sleep = "pg_sleep(300.\(Int.random(in: 1000...9999)))"  // unique, to find this backend only
        let (w, db) = try await project(pg, applied: ["CREATE TABLE a (id int);"], pending: ["SELECT \(sleep);"])
        defer { w.remove(); pg.dropDatabase(db) }
        try w.write(["suite.yaml": """
            checks:
              - id: history
                uses: migrations
                with: {format: native, database: '\(pg.socketURL(database: db))', dry-run: true, max-duration: 10m}

            """])
        let running = "SELECT count(*) FROM pg_stat_activity WHERE query LIKE '%\(sleep)%' AND pid <> pg_backend_pid()"
        func count(_ sql: String) async throws -> Int {
            Int(try await pg.psql(sql).trimmingCharacters(in: .whitespacesAndNewlines)) ?? -1
        }
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Repo.gateBinary)
        p.arguments = ["run", "suite.yaml", "--no-cache", "--reports", "out"]
        p.currentDirectoryURL = URL(fileURLWithPath: w.path)
        p.environment = ProcessInfo.processInfo.environment.merging(["NO_COLOR": "1", "GITHUB_ACTIONS": ""]) { _, b in b }
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        defer { if p.isRunning { kill(p.processIdentifier, SIGKILL) } }
        for _ in 0..<600 where try await count(running) == 0 { try await Task.sleep(for: .milliseconds(100)) }
        #expect(try await count(running) == 1, "the pending migration never started")
        #expect(try await scratchDatabases(pg) == 1)
        kill(p.processIdentifier, SIGINT)
        for _ in 0..<600 where p.isRunning { try await Task.sleep(for: .milliseconds(100)) }
        #expect(!p.isRunning && p.terminationStatus == 130, "exit \(p.isRunning ? -1 : p.terminationStatus)")
        #expect(try await scratchDatabases(pg) == 0)
        #expect(try await count(running) == 0)
    }

    @Test func aReplicaInRecoveryIsReadButNotDryRun() async throws {
        let pg = try await PostgresCluster.require()
        let (w, db) = try await project(pg, applied: ["CREATE TABLE a (id int);"], pending: ["CREATE TABLE b (id int);"])
        defer { w.remove(); pg.dropDatabase(db) }
        let port = try await pg.startReplica()
        let url = "postgresql://postgres@/\(db)?host=\(pg.socketDirectory)&port=\(port)"
        let read = try await Check.run("format: native\ndatabase: '\(url)'", root: w.path)
        #expect(read.stats["applied"] == .int(1) && read.stats["pending"] == .int(1), "\(read.summary)")
        let message = try await Check.error("format: native\ndatabase: '\(url)'\ndry-run: true", root: w.path)
        #expect(message?.contains("is a replica in recovery") == true, "\(message ?? "no error")")
    }
}
