import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierMigrations

/// Behaviour the fixtures do not show on their own: detection, Flyway's row types, repeatables,
/// Prisma's retried migrations, determinism.
@Suite struct FormatBehaviourTests {
    static let users = "CREATE TABLE users (id INTEGER PRIMARY KEY);\n"

    @Test func autoDetectsFromTheHistoryTable() async throws {
        let w = try Workspace(files: ["migrations/1_users.sql": Self.users])
        defer { w.remove() }
        try w.database("""
            CREATE TABLE _sqlx_migrations (version BIGINT PRIMARY KEY, description TEXT NOT NULL, installed_on TIMESTAMP,
              success BOOLEAN NOT NULL, checksum BLOB NOT NULL, execution_time BIGINT NOT NULL);
            INSERT INTO _sqlx_migrations VALUES (1, 'users', NULL, 1, X'\(ContentHashHex.sha384(Self.users))', 1);
            """)
        let outcome = try await Check.run("database: history.sqlite", root: w.path)
        #expect(outcome.stats["format"] == .string("sqlx"))
        #expect(outcome.summary.contains("detected from the '_sqlx_migrations' table"))
        #expect(!outcome.failed)
    }

    @Test func autoRefusesToGuessBetweenTwoHistories() async throws {
        let w = try Workspace(files: ["migrations/1_users.sql": Self.users])
        defer { w.remove() }
        try w.database("""
            CREATE TABLE _migrations (id TEXT, name TEXT, checksum TEXT, applied_at TEXT);
            CREATE TABLE schema_migrations (version INTEGER, dirty BOOLEAN);
            """)
        let message = try #require(try await Check.error("database: history.sqlite", root: w.path))
        #expect(message.contains("history tables of several tools"))
        #expect(message.contains("'schema_migrations' (golang-migrate)"))
    }

    @Test func autoDetectsFromTheLayout() async throws {
        let cases: [([String: String], String)] = [
            (["migrations/atlas.sum": "h1:x\n", "migrations/1_a.sql": "SELECT 1;"], "atlas"),
            (["migrations/20260101_init/migration.sql": "SELECT 1;"], "prisma"),
            (["migrations/V1__init.sql": "SELECT 1;"], "flyway"),
            (["migrations/0001_init.sql": "SELECT 1;"], "native"),
        ]
        for (files, expected) in cases {
            let w = try Workspace(files: files)
            defer { w.remove() }
            let outcome = try await Check.run("format: auto", root: w.path)
            #expect(outcome.stats["format"] == .string(expected))
        }
        let ambiguous = try Workspace(files: ["migrations/1_a.up.sql": "SELECT 1;"])
        defer { ambiguous.remove() }
        #expect(try await Check.error("{}", root: ambiguous.path)?.contains("set 'format' to 'sqlx' or 'golang-migrate'") == true)
        let unknown = try Workspace(files: ["migrations/readme.txt": "hi"])
        defer { unknown.remove() }
        #expect(try await Check.error("{}", root: unknown.path)?.contains("cannot tell the migration format") == true)
    }

    @Test func flywayRowTypes() async throws {
        let v1 = Self.users, v2 = "CREATE TABLE b (x INT);\n", view = "CREATE VIEW v AS SELECT 1;\n"
        let w = try Workspace(files: ["migrations/V1__Users.sql": v1, "migrations/V3__C.sql": "SELECT 3;\n",
                                      "migrations/R__View.sql": view])
        defer { w.remove() }
        let crc = { (s: String) in FlywayFormat.checksum(Array(s.utf8)) }
        try w.database("""
            CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version TEXT, description TEXT, type TEXT,
              script TEXT, checksum INT, installed_by TEXT, installed_on TEXT, execution_time INT, success BOOLEAN);
            INSERT INTO flyway_schema_history VALUES
              (1, NULL, '<< Flyway Schema Creation >>', 'SCHEMA', 'main', NULL, 'u', '', 0, 1),
              (2, '1', 'Users', 'SQL', 'V1__Users.sql', \(crc(v1)), 'u', '', 0, 1),
              (3, '2', 'B', 'SQL', 'V2__B.sql', \(crc(v2)), 'u', '', 0, 1),
              (4, '2', 'B', 'DELETE', 'V2__B.sql', \(crc(v2)), 'u', '', 0, 1),
              (5, '2.5', 'Java', 'JDBC', 'db.migration.V2_5__Java', NULL, 'u', '', 0, 1),
              (6, NULL, 'View', 'SQL', 'R__View.sql', \(crc("old view")), 'u', '', 0, 1);
            """)
        let outcome = try await Check.run("format: flyway\ndatabase: history.sqlite", root: w.path)
        // V2 was deleted by 'flyway repair' (no missing-file); the Java migration has no script to compare;
        // V3 is newer than everything applied (pending, not out-of-order); the view changed, so it re-applies.
        #expect(outcome.rulesFound == ["migrations/pending"], "\(outcome.findings.map(\.message))")
        #expect(outcome.findings.compactMap(\.path).sorted() == ["migrations/R__View.sql", "migrations/V3__C.sql"])
        #expect(outcome.findings.contains { $0.message.contains("changed since it was last applied and will be re-applied") })
    }

    @Test func prismaRetriedMigrationCountsOnce() async throws {
        let w = try Workspace(files: ["migrations/20260101_init/migration.sql": Self.users])
        defer { w.remove() }
        try w.database("""
            CREATE TABLE _prisma_migrations (id TEXT PRIMARY KEY, checksum TEXT NOT NULL, finished_at DATETIME,
              migration_name TEXT NOT NULL, logs TEXT, rolled_back_at DATETIME, started_at DATETIME NOT NULL,
              applied_steps_count INTEGER NOT NULL DEFAULT 0);
            INSERT INTO _prisma_migrations VALUES ('a', '\(sha256(Self.users))', NULL, '20260101_init', 'boom', 1767225600100, 1767225600000, 0);
            INSERT INTO _prisma_migrations VALUES ('b', '\(sha256(Self.users))', 1767225700100, '20260101_init', NULL, NULL, 1767225700000, 1);
            """)
        let outcome = try await Check.run("database: history.sqlite", root: w.path)
        #expect(outcome.findings.isEmpty, "\(outcome.findings.map(\.message))")
        #expect(outcome.stats["applied"] == .int(1))
    }

    @Test func prismaFailureShowsWhenItStarted() async throws {
        let w = try Workspace(files: ["migrations/20260101_init/migration.sql": Self.users])
        defer { w.remove() }
        try w.database("""
            CREATE TABLE _prisma_migrations (id TEXT PRIMARY KEY, checksum TEXT NOT NULL, finished_at DATETIME,
              migration_name TEXT NOT NULL, logs TEXT, rolled_back_at DATETIME, started_at DATETIME NOT NULL,
              applied_steps_count INTEGER NOT NULL DEFAULT 0);
            INSERT INTO _prisma_migrations VALUES ('a', '\(sha256(Self.users))', NULL, '20260101_init', 'P3018 boom', NULL, 1767225600000, 0);
            """)
        let f = try #require(try await Check.run("database: history.sqlite", root: w.path).findings("migrations/failed").first)
        #expect(f.message.contains("started 2026-01-01T00:00:00Z, never finished, 0 steps applied: P3018 boom"))
        #expect(f.message.contains("prisma migrate resolve"))
    }

    @Test func modifiedGivesStoredAndComputedValuesAndTheFix() async throws {
        let w = try Workspace(files: ["migrations/V1__Users.sql": Self.users])
        defer { w.remove() }
        try w.database("""
            CREATE TABLE flyway_schema_history (installed_rank INT PRIMARY KEY, version TEXT, description TEXT, type TEXT,
              script TEXT, checksum INT, installed_by TEXT, installed_on TEXT, execution_time INT, success BOOLEAN);
            INSERT INTO flyway_schema_history VALUES (1, '1', 'Users', 'SQL', 'V1__Users.sql', 12345, 'u', '', 0, 1);
            """)
        let f = try #require(try await Check.run("database: history.sqlite", root: w.path).findings("migrations/modified").first)
        let computed = String(FlywayFormat.checksum(Array(Self.users.utf8)))
        #expect(f.message.contains("stores checksum '12345'"))
        #expect(f.message.contains("the file now gives '\(computed)'"))
        #expect(f.message.contains("flyway repair"))
        #expect(f.evidence == ["stored": "12345", "computed": computed])
    }

    @Test func atlasWithoutItsSumFile() async throws {
        let w = try Workspace(files: ["migrations/1_a.sql": "SELECT 1;\n"])
        defer { w.remove() }
        let outcome = try await Check.run("format: atlas", root: w.path)
        #expect(outcome.findings("migrations/sum-mismatch").first?.message.contains("is missing") == true)
    }

    @Test func evaluatedRulesFollowTheConfiguration() throws {
        let folderOnly = try Check.make("format: atlas", root: "/tmp")
        #expect(folderOnly.evaluatedRules == ["migrations/tool-config", "migrations/duplicate-version", "migrations/sum-mismatch"])
        let gm = try Check.make("format: golang-migrate\ndatabase: h.sqlite\ndestructive: off\ndry-run: true", root: "/tmp")
        #expect(!gm.evaluatedRules.contains("migrations/modified"))
        #expect(!gm.evaluatedRules.contains("migrations/out-of-order"))
        #expect(!gm.evaluatedRules.contains("migrations/destructive"))
        #expect(gm.evaluatedRules.contains("migrations/too-slow"))
    }

    @Test func sameInputsGiveTheSameFindings() async throws {
        let source = Repo.path("Fixtures/migrations/fail-flyway-out-of-order")
        let work = try TempDir("determinism")
        defer { work.remove() }
        try FileManager.default.copyItem(atPath: source, toPath: work.path + "/c")
        try SQLiteFile.make(work.path + "/c/history.sqlite", try String(contentsOfFile: source + "/history.sql", encoding: .utf8))
        let a = try await Check.run("format: flyway\ndatabase: history.sqlite", root: work.path + "/c")
        let b = try await Check.run("format: flyway\ndatabase: history.sqlite", root: work.path + "/c")
        #expect(a.findings == b.findings)
        #expect(a.summary == b.summary)
        #expect(a.findings.compactMap(\.path) == a.findings.compactMap(\.path).sorted())
    }
}

enum ContentHashHex {
    static func sha384(_ s: String) -> String { ContentHash.hash(Array(s.utf8), .sha384).hex }
}
