import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierMigrations

/// Formats × scenarios: three migrations (10, 20, 30) applied by the tool, then one thing changed. Each
/// expected verdict is what the tool itself does, and the comment above it names the tool's file and
/// function that decide it. `strict-*` rules are gate's deliberate extras, and their message says what
/// the tool would do. Expectations list every finding as "rule:severity", sorted.
@Suite struct ScenarioMatrixTests {
    struct Cell: CustomTestStringConvertible, Sendable {
        var format: String
        var scenario: String
        var expect: [String]
        var change: @Sendable (inout MatrixSetup) -> Void = { _ in }
        var expectFormat: String?
        var testDescription: String { "\(format) × \(scenario)" }
    }

    static func cell(_ format: String, _ scenario: Scenario, _ expect: [String], expectFormat: String? = nil,
                     _ change: @escaping @Sendable (inout MatrixSetup) -> Void = { _ in }) -> Cell {
        Cell(format: format, scenario: scenario.rawValue, expect: expect, change: { s in scenario.apply(&s); change(&s) },
             expectFormat: expectFormat)
    }

    static let cells: [Cell] = native + sqlx + flyway + prisma + golangMigrate + atlas

    // gate's own format (docs/migrations.md): gate's rules are its runner's contract.
    static let native: [Cell] = [
        cell("native", .clean, []),
        cell("native", .edited, ["modified:error"]),
        // A row newer than every file: applied elsewhere, or deleted last; gate's own rule says warning.
        cell("native", .deletedLast, ["unknown-applied:warning"]),
        cell("native", .deletedMiddle, ["missing-file:error"]),
        cell("native", .failed, ["failed:error"]),
        cell("native", .outOfOrder, ["out-of-order:error"]),
        cell("native", .pending, ["pending:note"]),
        // The checksum is sha256sum of the exact bytes: a CRLF conversion is an edit of every file.
        cell("native", .crlf, ["modified:error", "modified:error", "modified:error"]),
        // NativeFormat: a row's name must agree with the file its id names.
        cell("native", .renamed, ["renamed:error"]),
        // Runners that write the whole file name into `name` ('0020_b.sql') are read the same way.
        cell("native", .toolConfig, []) { s in
            s.editHistory = { $0.replacingOccurrences(of: "'0020', 'b'", with: "'0020', '0020_b.sql'") }
        },
        // The issue's case: row id 20 named '0030_c.sql' names another file; no edit of 0020 is reported.
        Cell(format: "native", scenario: "row names another version", expect: ["renamed:error"], change: { s in
            s.editHistory = { $0.replacingOccurrences(of: "'0020', 'b'", with: "'0020', '0030_c.sql'") }
        }),
    ]

    static let sqlx: [Cell] = [
        cell("sqlx", .clean, []),
        // sqlx-core migrate/migrator.rs Migrator::run_direct: MigrateError::VersionMismatch.
        cell("sqlx", .edited, ["modified:error"]),
        // migrator.rs validate_applied_migrations: MigrateError::VersionMissing for any applied version.
        cell("sqlx", .deletedLast, ["missing-file:error"]),
        cell("sqlx", .deletedMiddle, ["missing-file:error"]),
        // sqlx-sqlite migrate.rs dirty_version (success = false), then MigrateError::Dirty.
        cell("sqlx", .failed, ["failed:error"]),
        // migrator.rs run_direct applies every unapplied version: gate's strict rule.
        cell("sqlx", .outOfOrder, ["strict-out-of-order:error"]),
        cell("sqlx", .pending, ["pending:note"]),
        // migration.rs checksum: SHA-384 of the exact text, so CRLF is VersionMismatch.
        cell("sqlx", .crlf, ["modified:error", "modified:error", "modified:error"]),
        // sqlx stores the description but compares only version and checksum (run_direct).
        cell("sqlx", .renamed, ["renamed:note"]),
        // migrate/source.rs checksum_with drops sqlx.toml's ignored-chars before hashing.
        cell("sqlx", .toolConfig, []) { s in
            s.ignoredChars = [" ", "\t", "\r", "\n", "\u{FEFF}"]
            s.crlf = true
            s.rootFiles = ["sqlx.toml": "[migrate]\nignored-chars = [\" \", \"\\t\", \"\\r\", \"\\n\", \"\\uFEFF\"]\n"]
        },
        Cell(format: "sqlx", scenario: "ignored-chars, LF files", expect: [], change: { s in
            s.ignoredChars = ["\r"]
            s.rootFiles = ["sqlx.toml": "[migrate]\nignored-chars = [\"\\r\"]\n"]
        }),
        // source.rs resolve_blocking_with_config: the version exists while its .down.sql does.
        Cell(format: "sqlx", scenario: "only the down file left", expect: [], change: { s in
            s.onDisk.removeLast()
            s.rootFiles = ["migrations/30_c.down.sql": "DROP TABLE c;\n"]
        }),
    ]

    static let flyway: [Cell] = [
        cell("flyway", .clean, []),
        // flyway-core internal/info/MigrationInfoImpl.validate(): CHECKSUM_MISMATCH.
        cell("flyway", .edited, ["modified:error"]),
        // MigrationInfoImpl.validate() skips FUTURE_SUCCESS: FlywayModel.defaults() ignoreMigrationPatterns "*:future".
        cell("flyway", .deletedLast, ["unknown-applied:warning"]),
        // validate(): APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED (MISSING_SUCCESS).
        cell("flyway", .deletedMiddle, ["missing-file:error"]),
        // validate(): FAILED_VERSIONED_MIGRATION.
        cell("flyway", .failed, ["failed:error"]),
        // ResolvedMigration.getState() IGNORED, refused by validate(): RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED.
        cell("flyway", .outOfOrder, ["out-of-order:error"]),
        cell("flyway", .pending, ["pending:note"]),
        // resolver/ChecksumCalculator: CR and LF are not part of the CRC.
        cell("flyway", .crlf, []),
        // validate(): DESCRIPTION_MISMATCH.
        cell("flyway", .renamed, ["renamed:error"]),
        // ValidatePattern.matchesMigration: "*:missing" makes validate() skip MISSING_SUCCESS.
        cell("flyway", .toolConfig, ["strict-missing-file:error"]) { s in
            s.onDisk.remove(at: 1)
            s.rootFiles = ["flyway.conf": "flyway.url=jdbc:sqlite:history.sqlite\nflyway.ignoreMigrationPatterns=*:future,*:missing\n"]
        },
        // ResolvedMigration.getState(): with outOfOrder the file is PENDING and migrate applies it.
        Cell(format: "flyway", scenario: "outOfOrder = true", expect: ["strict-out-of-order:error"], change: { s in
            Scenario.outOfOrder.apply(&s)
            s.rootFiles = ["flyway.toml": "[flyway]\noutOfOrder = true\n"]
        }),
        // Without "*:future" a FUTURE_SUCCESS row is APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED.
        Cell(format: "flyway", scenario: "future not ignored", expect: ["missing-file:error"], change: { s in
            s.onDisk.removeLast()
            s.rootFiles = ["flyway.toml": "[flyway]\nignoreMigrationPatterns = [\"*:missing\"]\n"]
        }),
        // resolver/sql/SqlMigrationResolver.addMigrations skips a name ResourceNameParser marks invalid.
        Cell(format: "flyway", scenario: "a name Flyway cannot read", expect: ["invalid-name:note"], change: { s in
            s.rootFiles = ["migrations/V1.x__bad.sql": "SELECT 1;\n"]
        }),
        // With validateMigrationNaming (FlywayModel default false) Flyway refuses the folder instead.
        Cell(format: "flyway", scenario: "validateMigrationNaming", expect: ["invalid-name:error"], change: { s in
            s.rootFiles = ["migrations/V1.x__bad.sql": "SELECT 1;\n", "flyway.conf": "flyway.validateMigrationNaming=true\n"]
        }),
        // Several locations: gate reads the first and says so (a setting it cannot honour is a note).
        Cell(format: "flyway", scenario: "two locations", expect: ["tool-config:note"], change: { s in
            s.rootFiles = ["flyway.toml": "[flyway]\nlocations = [\"filesystem:migrations\", \"filesystem:more\"]\n"]
        }),
        // FlywayModel: locations and table from flyway.toml, read where Flyway reads them.
        Cell(format: "flyway", scenario: "locations and table", expect: [], change: { s in
            s.directory = "sql"
            s.historyTable = "schema_history"
            s.rootFiles = ["flyway.toml": "[flyway]\nlocations = [\"filesystem:sql\"]\ntable = \"schema_history\"\n"]
        }),
    ]

    static let prisma: [Cell] = [
        cell("prisma", .clean, []),
        // schema-engine diagnose_migration_history lists it as edited (migrate dev), but MigrateStatus.ts
        // ignores edits and apply_migrations.rs (migrate deploy) never compares checksums: strict.
        cell("prisma", .edited, ["strict-modified:error"]),
        // diagnose_migration_history: migrationsDirectoryIsBehind, which MigrateStatus.ts lets pass.
        cell("prisma", .deletedLast, ["unknown-applied:warning"]),
        // Same diagnostic from the middle; deploy and status pass: strict.
        cell("prisma", .deletedMiddle, ["strict-missing-file:error"]),
        // apply_migrations.rs detect_failed_migrations: P3009.
        cell("prisma", .failed, ["failed:error"]),
        // apply_migrations.rs applies every folder without a row, wherever it sorts: strict.
        cell("prisma", .outOfOrder, ["strict-out-of-order:error"]),
        cell("prisma", .pending, ["pending:note"]),
        // schema-connector checksum.rs script_matches_checksum tries CRLF→LF and LF→CRLF.
        cell("prisma", .crlf, []),
        // A renamed folder is a new migration to apply_migrations.rs; MigrateStatus.ts: histories diverge.
        cell("prisma", .renamed, ["renamed:error"]),
        // internals cli/directoryConfig.ts inferDirectoryConfig: migrations beside schema.prisma.
        cell("prisma", .toolConfig, []) { s in
            s.directory = "prisma/migrations"
            s.rootFiles = ["prisma/schema.prisma": "datasource db {\n  provider = \"sqlite\"\n  url = \"file:./dev.db\"\n}\n"]
        },
        // checksum.rs script_matches_checksum compares strings exactly: upper-case hex is an edit.
        Cell(format: "prisma", scenario: "upper-case stored checksum", expect: ["strict-modified:error"], change: { s in
            let lower = Checksums.sha256Hex(Array(ToolHistories.base[1].sql.utf8))
            s.editHistory = { $0.replacingOccurrences(of: lower, with: lower.uppercased()) }
        }),
    ]

    static let golangMigrate: [Cell] = [
        cell("golang-migrate", .clean, []),
        // golang-migrate keeps no checksum (database/sqlite3 SetVersion stores version and dirty only).
        cell("golang-migrate", .edited, []),
        // migrate.go readUp → versionExists: "no migration found for version 30".
        cell("golang-migrate", .deletedLast, ["missing-file:error"]),
        // readUp starts from the current version; older versions are never looked up.
        cell("golang-migrate", .deletedMiddle, []),
        // migrate.go Up: ErrDirty.
        cell("golang-migrate", .failed, ["failed:error"]),
        // readUp reads Next(current) only: an older file is never run, and no table says it was not.
        cell("golang-migrate", .outOfOrder, []),
        cell("golang-migrate", .pending, ["pending:note"]),
        cell("golang-migrate", .crlf, []),
        cell("golang-migrate", .renamed, []),
        // go.mod requiring golang-migrate settles .up.sql files that sqlx could also own.
        cell("golang-migrate", .toolConfig, [], expectFormat: "golang-migrate") { s in
            s.format = "auto"
            s.withDatabase = false
            s.downFiles = false
            s.rootFiles = ["go.mod": "module example.com/app\n\nrequire github.com/golang-migrate/migrate/v4 v4.18.1\n"]
            s.editHistory = { $0 }
        },
    ]

    static let atlas: [Cell] = [
        cell("atlas", .clean, []),
        // sql/migrate/migrate.go Executor.Pending never re-reads applied files, and atlas.sum was re-hashed
        // (dir.go Validate passes): strict. The later file's chained hash covers the edit: a note.
        cell("atlas", .edited, ["strict-modified:error", "unverifiable:note"]),
        // Pending finds nothing above the last revision.
        cell("atlas", .deletedLast, ["unknown-applied:warning"]),
        // Re-hashed without the file: Pending and Validate pass; strict, and 30 can no longer be verified.
        cell("atlas", .deletedMiddle, ["strict-missing-file:error", "unverifiable:note"]),
        // cmd/atlas cmdlog MigrateStatus: "Last migration attempt had errors".
        cell("atlas", .failed, ["failed:error"]),
        // Pending with ExecOrderLinear: HistoryNonLinearError. The applied files' chain is untouched.
        cell("atlas", .outOfOrder, ["out-of-order:error"]),
        cell("atlas", .pending, ["pending:note"]),
        // dir.go NewHashFile hashes raw bytes: converted files fail Validate (checksum mismatch).
        cell("atlas", .crlf, ["modified:error", "sum-mismatch:error", "unverifiable:note", "unverifiable:note"]) { s in
            s.rehash = false
            s.sumCRLF = true
        },
        // Revisions are matched by version (Pending); the description is informational.
        cell("atlas", .renamed, ["renamed:note"]),
        // cmdapi/project.go Migration.ExecOrder LINEAR_SKIP: Pending drops the file; dir from atlas.hcl.
        cell("atlas", .toolConfig, ["strict-out-of-order:error"]) { s in
            Scenario.outOfOrder.apply(&s)
            s.directory = "db/migrations"
            s.rootFiles = ["atlas.hcl": """
                env "prod" {
                  url = "sqlite://prod.db"
                  migration {
                    dir = "file://db/migrations"
                    exec_order = LINEAR_SKIP
                  }
                }

                """]
        },
        // Executor.Pending with ExecOrderNonLinear ran 15 after 30: each revision's hash covers only the files
        // applied before it, so nothing here is edited.
        Cell(format: "atlas", scenario: "applied out of order (NON_LINEAR)", expect: [], change: { s in
            Scenario.outOfOrder.apply(&s)
            s.rootFiles = ["atlas.hcl": "env \"prod\" {\n  migration {\n    dir = \"file://migrations\"\n    exec_order = NON_LINEAR\n  }\n}\n"]
            let hash = AtlasSum.compute([("10_a.sql", Array(ToolHistories.base[0].sql.utf8)),
                                         ("15_d.sql", Array(ToolHistories.extra.utf8))]).lines[1].hash
            s.editHistory = {
                $0 + "INSERT INTO atlas_schema_revisions VALUES ('15', 'd', 2, 1, 1, '2026-01-02 09:00:00.5+00:00', 1200, NULL, NULL, "
                    + "'\(hash)', NULL, 'Atlas CLI v0.30.0');\n"
            }
        }),
        // dir.go HashFile.UnmarshalText reads lines with bufio.Scanner, which drops the CR.
        Cell(format: "atlas", scenario: "atlas.sum alone in CRLF", expect: [], change: { s in s.sumCRLF = true }),
        // dir.go Validate without re-hashing: checksum mismatch; the revision names the one edited file.
        Cell(format: "atlas", scenario: "edited, not re-hashed", expect: ["modified:error", "sum-mismatch:error", "unverifiable:note"],
             change: { s in
                 Scenario.edited.apply(&s)
                 s.rehash = false
             }),
        // dir.go LocalFile.Version: both files are version 1; testdata/migrate holds exactly this pair.
        Cell(format: "atlas", scenario: "up and down of one version", expect: [], change: { s in
            s.withDatabase = false
            s.onDisk = [Applied(version: 1, name: "initial.up", sql: "CREATE TABLE t(c int);"),
                        Applied(version: 1, name: "initial.down", sql: "DROP TABLE IF EXISTS t;")]
        }),
    ]

    @Test(arguments: cells)
    func verdict(_ cell: Cell) async throws {
        var setup = MatrixSetup(cell.format)
        cell.change(&setup)
        let w = try setup.build()
        defer { w.remove() }
        let outcome = try await Check.run(setup.yaml, root: w.path)
        let found = outcome.findings.map { "\($0.rule.replacingOccurrences(of: "migrations/", with: "")):\($0.severity.rawValue)" }.sorted()
        #expect(found == cell.expect.sorted(), "\(cell.testDescription): \(outcome.findings.map { "\($0.rule): \($0.message)" })")
        if let expectFormat = cell.expectFormat {
            #expect(outcome.stats["format"] == .string(expectFormat))
        }
    }

    /// Every format has every standard scenario.
    @Test func everyFormatHasEveryScenario() {
        for format in FormatName.concrete.map(\.rawValue) {
            for scenario in Scenario.allCases {
                #expect(Self.cells.contains { $0.format == format && $0.scenario == scenario.rawValue }, "\(format) × \(scenario)")
            }
        }
    }

    /// With 'strict: false' the strict rules stay, as warnings, and the check passes.
    @Test func strictFalseKeepsStrictFindingsAsWarnings() async throws {
        var setup = MatrixSetup("prisma")
        Scenario.deletedMiddle.apply(&setup)
        setup.with = "strict: false"
        let w = try setup.build()
        defer { w.remove() }
        let outcome = try await Check.run(setup.yaml, root: w.path)
        let f = try #require(outcome.findings("migrations/strict-missing-file").first)
        #expect(f.severity == .warning)
        #expect(f.message.contains("Prisma will not notice"))
        #expect(!outcome.failed)
    }
}
