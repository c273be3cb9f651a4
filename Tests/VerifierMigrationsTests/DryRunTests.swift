import Foundation
import GateCore
import GateTestSupport
import GRDB
import Testing
@testable import VerifierMigrations

@Suite struct DryRunTests {
    static let users = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"

    /// A workspace whose 0001 is applied (schema and history row) and whose other files are pending.
    func workspace(_ pending: [String: String]) throws -> Workspace {
        var files = ["migrations/0001_users.sql": Self.users]
        for (k, v) in pending { files["migrations/" + k] = v }
        let w = try Workspace("dry-run", files: files)
        try w.database("""
            CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT, checksum TEXT NOT NULL, applied_at TEXT);
            \(Self.users)
            INSERT INTO users VALUES (1, 'ada');
            INSERT INTO _migrations VALUES ('0001', 'users', '\(sha256(Self.users))', '2026-01-01');
            """)
        return w
    }

    @Test func leavesTheOriginalDatabaseByteForByte() async throws {
        let w = try workspace([
            "0002_email.sql": "ALTER TABLE users ADD COLUMN email TEXT;\nUPDATE users SET email = 'a@example.invalid';\n",
            "0003_bad.sql": "INSERT INTO nowhere VALUES (1);\n",
        ])
        defer { w.remove() }
        let before = try SQLiteFile.bytes(w.file("history.sqlite"))
        let mtime = try FileManager.default.attributesOfItem(atPath: w.file("history.sqlite"))[.modificationDate] as? Date
        let outcome = try await Check.run("database: history.sqlite\ndry-run: true", root: w.path)
        #expect(outcome.findings("migrations/dry-run-failed").count == 1)
        #expect(try SQLiteFile.bytes(w.file("history.sqlite")) == before)
        #expect(try FileManager.default.attributesOfItem(atPath: w.file("history.sqlite"))[.modificationDate] as? Date == mtime)
        #expect(!FileManager.default.fileExists(atPath: w.file("history.sqlite-journal")))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: w.file(".gate/tmp"))
        #expect(leftovers.isEmpty, "scratch copies must be removed: \(leftovers)")
    }

    @Test func reportsSQLitesMessageTheStatementAndItsLine() async throws {
        let w = try workspace(["0002_bad.sql": "-- adds a column\nALTER TABLE users ADD COLUMN email TEXT;\n\nCREATE INDEX i ON users(nope);\n"])
        defer { w.remove() }
        let outcome = try await Check.run("database: history.sqlite\ndry-run: true", root: w.path)
        let f = try #require(outcome.findings("migrations/dry-run-failed").first)
        #expect(f.line == 4)
        #expect(f.path == "migrations/0002_bad.sql")
        #expect(f.message.contains("no such column: nope"))
        #expect(f.message.contains("statement: CREATE INDEX i ON users(nope);"))
        #expect(f.evidence?["sqlite"] == "no such column: nope")
    }

    @Test func eachMigrationIsItsOwnTransactionAndAFailureStopsTheRun() async throws {
        let w = try workspace([
            "0002_ok.sql": "CREATE TABLE a (x INT);\n",
            "0003_half.sql": "CREATE TABLE b (x INT);\nINSERT INTO missing VALUES (1);\n",
            "0004_after.sql": "CREATE TABLE c (x INT);\n",
        ])
        defer { w.remove() }
        let outcome = try await Check.run("database: history.sqlite\ndry-run: true", root: w.path)
        #expect(outcome.stats["dryRunApplied"] == .int(1))
        #expect(outcome.stats["dryRunNotTried"] == .int(1))
        #expect(outcome.log?.contains("'migrations/0004_after.sql' not tried") == true)
        #expect(outcome.findings("migrations/dry-run-failed").map(\.path) == ["migrations/0003_half.sql"])
    }

    @Test func scriptsWithTheirOwnTransactionRun() async throws {
        let w = try workspace(["0002_tx.sql": "BEGIN;\nCREATE TABLE a (x INT);\nCOMMIT;\n"])
        defer { w.remove() }
        let outcome = try await Check.run("database: history.sqlite\ndry-run: true", root: w.path)
        #expect(!outcome.failed, "\(outcome.findings.map(\.message))")
        #expect(outcome.stats["dryRunApplied"] == .int(1))
    }

    @Test func stopsAMigrationAtMaxDuration() async throws {
        let slow = "CREATE TABLE n AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 5000000000) SELECT i FROM r;\n"
        let w = try workspace(["0002_slow.sql": slow, "0003_next.sql": "SELECT 1;\n"])
        defer { w.remove() }
        let outcome = try await Check.run("database: history.sqlite\ndry-run: true\nmax-duration: 200ms", root: w.path)
        let f = try #require(outcome.findings("migrations/too-slow").first)
        #expect(f.message.contains("did not finish within max-duration 200ms"))
        #expect(outcome.stats["dryRunNotTried"] == .int(1))
        #expect(outcome.findings("migrations/dry-run-failed").isEmpty)
    }

    @Test func withoutADatabaseItAppliesEveryFileToAnEmptyOne() async throws {
        let w = try Workspace("dry-run-empty", files: [
            "migrations/0001_users.sql": Self.users,
            "migrations/0002_email.sql": "ALTER TABLE users ADD COLUMN email TEXT;\n",
        ])
        defer { w.remove() }
        let outcome = try await Check.run("dry-run: true", root: w.path)
        #expect(outcome.stats["dryRunApplied"] == .int(2))
        #expect(!outcome.failed)
        #expect(outcome.summary.contains("no database"))
    }

    @Test func honoursSqlxNoTransaction() async throws {
        let w = try Workspace("dry-run-sqlx", files: ["migrations/1_vacuum.sql": "-- no-transaction\nVACUUM;\n"])
        defer { w.remove() }
        let outcome = try await Check.run("format: sqlx\ndry-run: true", root: w.path)
        #expect(!outcome.failed, "VACUUM cannot run in a transaction: \(outcome.findings.map(\.message))")
        let wrapped = try Workspace("dry-run-sqlx", files: ["migrations/1_vacuum.sql": "VACUUM;\n"])
        defer { wrapped.remove() }
        #expect(try await Check.run("format: sqlx\ndry-run: true", root: wrapped.path).failed)
    }

    @Test func neverWritesOutsideTheCopy() async throws {
        let w = try workspace(["0002_attach.sql": "ATTACH DATABASE 'elsewhere.sqlite' AS other;\nCREATE TABLE other.t (x INT);\n"])
        defer { w.remove() }
        let outcome = try await Check.run("database: history.sqlite\ndry-run: true", root: w.path)
        #expect(outcome.findings("migrations/dry-run-failed").first?.message.contains("does not run ATTACH") == true)
        #expect(!FileManager.default.fileExists(atPath: w.file("elsewhere.sqlite")))
    }

    @Test func honoursAtlasTxModeNone() async throws {
        let w = try Workspace("dry-run-atlas", files: ["migrations/1_vacuum.sql": "-- atlas:txmode none\nVACUUM;\n"])
        defer { w.remove() }
        let outcome = try await Check.run("format: atlas\ndry-run: true", root: w.path)
        #expect(outcome.findings("migrations/dry-run-failed").isEmpty, "\(outcome.findings.map(\.message))")
        #expect(outcome.stats["dryRunApplied"] == .int(1))
    }

    @Test func cancellationStopsTheRunningStatement() async throws {
        let slow = "CREATE TABLE n AS WITH RECURSIVE r(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM r WHERE i < 5000000000) SELECT i FROM r;\n"
        let w = try workspace(["0002_slow.sql": slow])
        defer { w.remove() }
        let task = Task { try await Check.run("database: history.sqlite\ndry-run: true\nmax-duration: 10m", root: w.path) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        await #expect(throws: CancellationError.self) { try await task.value }
    }
}
