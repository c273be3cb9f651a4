import ContentHash
import Foundation
import GateCore
import GRDB
@testable import VerifierMigrations

/// One migration as it was when the tool applied it.
struct Applied {
    var version: Int
    var name: String
    var sql: String
}

/// Writes migration files and history tables the way each tool does: its file layout, its table's
/// column types, its time format and its checksum encoding. Each table definition is the tool's own
/// (the file named in each builder), so that gate reads what the tool would have left behind.
enum ToolHistories {
    static let base = [
        Applied(version: 10, name: "a", sql: "CREATE TABLE a (id INTEGER PRIMARY KEY);\n"),
        Applied(version: 20, name: "b", sql: "CREATE TABLE b (id INTEGER PRIMARY KEY);\n"),
        Applied(version: 30, name: "c", sql: "CREATE TABLE c (id INTEGER PRIMARY KEY);\n"),
    ]
    static let extra = "CREATE TABLE d (id INTEGER PRIMARY KEY);\n"

    /// The file (relative to the migrations folder) a tool keeps a migration in.
    static func fileName(_ format: String, _ m: Applied) -> String {
        switch format {
        case "native": String(format: "%04d_%@.sql", m.version, m.name)
        case "flyway": "V\(m.version)__\(m.name).sql"
        case "prisma": "\(m.version)_\(m.name)/migration.sql"
        case "golang-migrate": "\(m.version)_\(m.name).up.sql"
        default: "\(m.version)_\(m.name).sql"  // sqlx, atlas
        }
    }

    /// The history table for `applied`, the last one failed when `failLast` is set.
    static func history(_ format: String, _ applied: [Applied], failLast: Bool = false, ignoredChars: Set<Character> = [],
                        table: String? = nil) -> String {
        switch format {
        case "native": native(applied, failLast: failLast)
        case "sqlx": sqlx(applied, failLast: failLast, ignoredChars: ignoredChars)
        case "flyway": flyway(applied, failLast: failLast, table: table ?? "flyway_schema_history")
        case "prisma": prisma(applied, failLast: failLast)
        case "golang-migrate": golangMigrate(applied, failLast: failLast)
        default: atlas(applied, failLast: failLast)
        }
    }

    // docs/migrations.md (gate's own format): id TEXT, name, lowercase hex SHA-256, ISO 8601 applied_at.
    static func native(_ applied: [Applied], failLast: Bool) -> String {
        "CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TEXT);\n"
            + applied.enumerated().map { i, m in
                let at = failLast && i == applied.count - 1 ? "NULL" : "'2026-01-01T00:00:\(10 + i)Z'"
                return "INSERT INTO _migrations VALUES ('\(String(format: "%04d", m.version))', '\(m.name)', "
                    + "'\(Checksums.sha256Hex(Array(m.sql.utf8)))', \(at));\n"
            }.joined()
    }

    // sqlx-sqlite/src/migrate.rs ensure_migrations_table and execute_migration: BIGINT version,
    // description with underscores as spaces, success TRUE, SHA-384 as a 48-byte BLOB, installed_on
    // CURRENT_TIMESTAMP, execution_time in nanoseconds.
    static func sqlx(_ applied: [Applied], failLast: Bool, ignoredChars: Set<Character>) -> String {
        """
        CREATE TABLE _sqlx_migrations (
            version BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            installed_on TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,
            success BOOLEAN NOT NULL,
            checksum BLOB NOT NULL,
            execution_time BIGINT NOT NULL
        );

        """ + applied.enumerated().map { i, m in
            // sqlx-core migrate/source.rs checksum_with: the text with the ignored characters dropped.
            let text = String(m.sql.filter { !ignoredChars.contains($0) })
            let digest = ContentHash.hash(Array(text.utf8), .sha384).hex
            let success = failLast && i == applied.count - 1 ? "FALSE" : "TRUE"
            return "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES "
                + "(\(m.version), '\(m.name.replacingOccurrences(of: "_", with: " "))', \(success), X'\(digest)', 1234567);\n"
        }.joined()
    }

    // flyway-core database/sqlite/SQLiteDatabase.getRawCreateScript; the checksum is ChecksumCalculator's
    // CRC-32 as a signed INT; installed_on strftime('%Y-%m-%d %H:%M:%f').
    static func flyway(_ applied: [Applied], failLast: Bool, table: String) -> String {
        """
        CREATE TABLE "\(table)" (
            "installed_rank" INT NOT NULL PRIMARY KEY,
            "version" VARCHAR(50),
            "description" VARCHAR(200) NOT NULL,
            "type" VARCHAR(20) NOT NULL,
            "script" VARCHAR(1000) NOT NULL,
            "checksum" INT,
            "installed_by" VARCHAR(100) NOT NULL,
            "installed_on" TEXT NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f','now')),
            "execution_time" INT NOT NULL,
            "success" BOOLEAN NOT NULL
        );

        """ + applied.enumerated().map { i, m in
            let success = failLast && i == applied.count - 1 ? 0 : 1
            return "INSERT INTO \"\(table)\" (installed_rank, version, description, type, script, checksum, installed_by, "
                + "execution_time, success) VALUES (\(i + 1), '\(m.version)', '\(m.name.replacingOccurrences(of: "_", with: " "))', "
                + "'SQL', 'V\(m.version)__\(m.name).sql', \(FlywayFormat.checksum(Array(m.sql.utf8))), 'deploy', 12, \(success));\n"
        }.joined()
    }

    // prisma-engines sql-schema-connector sqlite migration persistence: TEXT id (a UUID), lowercase hex
    // SHA-256, DATETIME columns holding integer milliseconds, finished_at NULL for a failed migration.
    static func prisma(_ applied: [Applied], failLast: Bool) -> String {
        """
        CREATE TABLE "_prisma_migrations" (
            "id" TEXT PRIMARY KEY NOT NULL,
            "checksum" TEXT NOT NULL,
            "finished_at" DATETIME,
            "migration_name" TEXT NOT NULL,
            "logs" TEXT,
            "rolled_back_at" DATETIME,
            "started_at" DATETIME NOT NULL DEFAULT current_timestamp,
            "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0
        );

        """ + applied.enumerated().map { i, m in
            let started = 1_767_225_600_000 + i * 1000
            let failed = failLast && i == applied.count - 1
            return "INSERT INTO _prisma_migrations VALUES ('\(UUID().uuidString.lowercased())', "
                + "'\(Checksums.sha256Hex(Array(m.sql.utf8)))', \(failed ? "NULL" : String(started + 40)), '\(m.version)_\(m.name)', "
                + "\(failed ? "'P3018 boom'" : "NULL"), NULL, \(started), \(failed ? 0 : 1));\n"
        }.joined()
    }

    // golang-migrate database/sqlite3/sqlite3.go ensureVersionTable and SetVersion: one row, the current
    // version and its dirty flag.
    static func golangMigrate(_ applied: [Applied], failLast: Bool) -> String {
        """
        CREATE TABLE IF NOT EXISTS schema_migrations (version uint64,dirty bool);
        CREATE UNIQUE INDEX IF NOT EXISTS version_unique ON schema_migrations (version);
        INSERT INTO schema_migrations (version, dirty) VALUES (\(applied.last!.version), \(failLast ? 1 : 0));

        """
    }

    // cmd/atlas/internal/migrate/ent/schema/revision.go through ent on SQLite: version TEXT key, type 2
    // (executed), applied/total statement counts, executed_at as Go writes a time, hash = the file's
    // atlas.sum line when it ran (sql/migrate/migrate.go Executor.Execute).
    static func atlas(_ applied: [Applied], failLast: Bool) -> String {
        let sum = AtlasSum.compute(applied.map { (fileName("atlas", $0), Array($0.sql.utf8)) })
        return """
        CREATE TABLE `atlas_schema_revisions` (`version` text NOT NULL, `description` text NOT NULL,
          `type` integer NOT NULL DEFAULT 2, `applied` integer NOT NULL DEFAULT 0, `total` integer NOT NULL DEFAULT 0,
          `executed_at` datetime NOT NULL, `execution_time` integer NOT NULL, `error` text NULL, `error_stmt` text NULL,
          `hash` text NOT NULL, `partial_hashes` json NULL, `operator_version` text NOT NULL, PRIMARY KEY (`version`));

        """ + applied.enumerated().map { i, m in
            let failed = failLast && i == applied.count - 1
            return "INSERT INTO atlas_schema_revisions VALUES ('\(m.version)', '\(m.name)', 2, \(failed ? 0 : 1), 1, "
                + "'2026-01-01 00:00:\(10 + i).123456789+00:00', 1500000, \(failed ? "'near \"TABLE\": syntax error'" : "NULL"), "
                + "NULL, '\(sum.lines[i].hash)', NULL, 'Atlas CLI v0.30.0');\n"
        }.joined()
    }

    /// `atlas.sum` for these files, as 'atlas migrate hash' writes it.
    static func atlasSum(_ files: [(String, String)]) -> String {
        AtlasSum.compute(files.sorted { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }.map { ($0.0, Array($0.1.utf8)) }).rendered
    }
}
