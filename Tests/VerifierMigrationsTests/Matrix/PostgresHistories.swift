import ContentHash
import Foundation
@testable import VerifierMigrations

/// History tables as each tool writes them on PostgreSQL: the tool's own DDL (the file named above each)
/// with its column types (`timestamptz`, `bigint`, `bytea`, `boolean`) and its schema. The rows carry the
/// same values as `ToolHistories` writes on SQLite, in the same textual shape, so that a scenario's edit
/// of the history applies on both engines.
enum PostgresHistories {
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

    // docs/migrations.md (gate's own format), with the time as a timestamptz as a PostgreSQL runner keeps it.
    static func native(_ applied: [Applied], failLast: Bool) -> String {
        "CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT NOT NULL, checksum TEXT NOT NULL, applied_at TIMESTAMPTZ);\n"
            + applied.enumerated().map { i, m in
                let at = failLast && i == applied.count - 1 ? "NULL" : "'2026-01-01T00:00:\(10 + i)Z'"
                return "INSERT INTO _migrations VALUES ('\(String(format: "%04d", m.version))', '\(m.name)', "
                    + "'\(Checksums.sha256Hex(Array(m.sql.utf8)))', \(at));\n"
            }.joined()
    }

    // sqlx-postgres/src/migrate.rs ensure_migrations_table and execute_migration: BIGINT version, TIMESTAMPTZ
    // installed_on, BOOLEAN success, the SHA-384 as BYTEA, execution_time BIGINT (-1 until updated).
    static func sqlx(_ applied: [Applied], failLast: Bool, ignoredChars: Set<Character>) -> String {
        """
        CREATE TABLE IF NOT EXISTS _sqlx_migrations (
            version BIGINT PRIMARY KEY,
            description TEXT NOT NULL,
            installed_on TIMESTAMPTZ NOT NULL DEFAULT now(),
            success BOOLEAN NOT NULL,
            checksum BYTEA NOT NULL,
            execution_time BIGINT NOT NULL
        );

        """ + applied.enumerated().map { i, m in
            let text = String(m.sql.filter { !ignoredChars.contains($0) })
            let digest = ContentHash.hash(Array(text.utf8), .sha384).hex
            let success = failLast && i == applied.count - 1 ? "FALSE" : "TRUE"
            return "INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES "
                + "(\(m.version), '\(m.name.replacingOccurrences(of: "_", with: " "))', \(success), '\\x\(digest)'::bytea, 1234567);\n"
        }.joined()
    }

    // flyway-database-postgresql PostgreSQLDatabase.getRawCreateScript: quoted names, INTEGER checksum,
    // TIMESTAMP installed_on, BOOLEAN success, the primary key on installed_rank and the index on success.
    static func flyway(_ applied: [Applied], failLast: Bool, table: String) -> String {
        """
        CREATE TABLE "public"."\(table)" (
            "installed_rank" INT NOT NULL,
            "version" VARCHAR(50),
            "description" VARCHAR(200) NOT NULL,
            "type" VARCHAR(20) NOT NULL,
            "script" VARCHAR(1000) NOT NULL,
            "checksum" INTEGER,
            "installed_by" VARCHAR(100) NOT NULL,
            "installed_on" TIMESTAMP NOT NULL DEFAULT now(),
            "execution_time" INTEGER NOT NULL,
            "success" BOOLEAN NOT NULL
        );
        ALTER TABLE "public"."\(table)" ADD CONSTRAINT "\(table)_pk" PRIMARY KEY ("installed_rank");
        CREATE INDEX "\(table)_s_idx" ON "public"."\(table)" ("success");

        """ + applied.enumerated().map { i, m in
            let success = failLast && i == applied.count - 1 ? "false" : "true"
            return "INSERT INTO \"\(table)\" (installed_rank, version, description, type, script, checksum, installed_by, "
                + "execution_time, success) VALUES (\(i + 1), '\(m.version)', '\(m.name.replacingOccurrences(of: "_", with: " "))', "
                + "'SQL', 'V\(m.version)__\(m.name).sql', \(FlywayFormat.checksum(Array(m.sql.utf8))), 'deploy', 12, \(success));\n"
        }.joined()
    }

    // schema-engine sql-schema-connector flavour/postgres.rs create_migrations_table: VARCHAR(36) id,
    // VARCHAR(64) checksum, TIMESTAMPTZ times, finished_at NULL for a failed migration.
    static func prisma(_ applied: [Applied], failLast: Bool, schema: String = "public") -> String {
        """
        CREATE SCHEMA IF NOT EXISTS "\(schema)";
        CREATE TABLE "\(schema)"."_prisma_migrations" (
            "id" VARCHAR(36) NOT NULL,
            "checksum" VARCHAR(64) NOT NULL,
            "finished_at" TIMESTAMPTZ,
            "migration_name" VARCHAR(255) NOT NULL,
            "logs" TEXT,
            "rolled_back_at" TIMESTAMPTZ,
            "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
            "applied_steps_count" INTEGER NOT NULL DEFAULT 0,
            CONSTRAINT "_prisma_migrations_pkey" PRIMARY KEY ("id")
        );

        """ + applied.enumerated().map { i, m in
            let started = "'2026-01-01 00:00:\(String(format: "%02d", i)).000+00'"
            let failed = failLast && i == applied.count - 1
            return "INSERT INTO \"\(schema)\"._prisma_migrations VALUES ('\(UUID().uuidString.lowercased())', "
                + "'\(Checksums.sha256Hex(Array(m.sql.utf8)))', \(failed ? "NULL" : "'2026-01-01 00:00:\(String(format: "%02d", i)).040+00'"), "
                + "'\(m.version)_\(m.name)', \(failed ? "'P3018 boom'" : "NULL"), NULL, \(started), \(failed ? 0 : 1));\n"
        }.joined()
    }

    // golang-migrate database/postgres/postgres.go ensureVersionTable and SetVersion: one row in
    // CURRENT_SCHEMA().schema_migrations(version bigint, dirty boolean).
    static func golangMigrate(_ applied: [Applied], failLast: Bool, table: String = "\"public\".\"schema_migrations\"") -> String {
        """
        CREATE TABLE IF NOT EXISTS \(table) (version bigint not null primary key, dirty boolean not null);
        INSERT INTO \(table) (version, dirty) VALUES (\(applied.last!.version), \(failLast ? "true" : "false"));

        """
    }

    // cmd/atlas/internal/migrate/ent/migrate/schema.go through ent's PostgreSQL dialect, in the schema
    // cmdapi/migrate.go revisionSchemaName picks for a URL bound to no schema: "atlas_schema_revisions".
    static func atlas(_ applied: [Applied], failLast: Bool, schema: String = "atlas_schema_revisions") -> String {
        let sum = AtlasSum.compute(applied.map { (ToolHistories.fileName("atlas", $0), Array($0.sql.utf8)) })
        return """
        CREATE SCHEMA IF NOT EXISTS "\(schema)";
        SET search_path = "\(schema)";
        CREATE TABLE "\(schema)"."atlas_schema_revisions" ("version" character varying NOT NULL,
          "description" character varying NOT NULL, "type" bigint NOT NULL DEFAULT 2, "applied" bigint NOT NULL DEFAULT 0,
          "total" bigint NOT NULL DEFAULT 0, "executed_at" timestamptz NOT NULL, "execution_time" bigint NOT NULL,
          "error" text NULL, "error_stmt" text NULL, "hash" character varying NOT NULL, "partial_hashes" jsonb NULL,
          "operator_version" character varying NOT NULL, PRIMARY KEY ("version"));

        """ + applied.enumerated().map { i, m in
            let failed = failLast && i == applied.count - 1
            return "INSERT INTO atlas_schema_revisions VALUES ('\(m.version)', '\(m.name)', 2, \(failed ? 0 : 1), 1, "
                + "'2026-01-01 00:00:\(10 + i).123456789+00:00', 1500000, \(failed ? "'near \"TABLE\": syntax error'" : "NULL"), "
                + "NULL, '\(sum.lines[i].hash)', NULL, 'Atlas CLI v0.30.0');\n"
        }.joined()
    }
}
