import Foundation
import GateTestSupport
import Testing
@testable import VerifierMigrations

/// The table, row by row, on the built `gate` binary: exit code and rules as a user sees them.
@Suite struct GateBinaryParityTests {
    struct Run {
        var code: Int32
        var output: String
        var findings: [(rule: String, severity: String, message: String)]
        var summary: String
        func rules(_ severity: String? = nil) -> [String] {
            findings.filter { severity == nil || $0.severity == severity }.map(\.rule).sorted()
        }
    }

    func gate(_ setup: MatrixSetup, _ extra: [String] = []) async throws -> Run {
        let w = try setup.build()
        defer { w.remove() }
        var args = ["check", "migrations", ".", "--json", "r.json"]
        for line in setup.yaml.split(separator: "\n") {
            let parts = line.split(separator: ":", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            args += ["--set", "\(parts[0])=\(parts[1])"]
        }
        let r = try await Exec.gate(args + extra, cwd: w.path)
        let data = try Data(contentsOf: URL(fileURLWithPath: w.file("r.json")))
        let json = try JSONSerialization.jsonObject(with: data) as? [String: Any]
        let check = (json?["checks"] as? [[String: Any]])?.first ?? [:]
        let findings = ((check["findings"] as? [[String: Any]]) ?? []).map {
            (($0["rule"] as? String ?? "").replacingOccurrences(of: "migrations/", with: ""), $0["severity"] as? String ?? "",
             $0["message"] as? String ?? "")
        }
        return Run(code: r.code, output: r.stdout + r.stderr, findings: findings, summary: check["summary"] as? String ?? "")
    }

    @Test func golangMigrateLatestAppliedVersionDeleted() async throws {
        var s = MatrixSetup("golang-migrate")
        Scenario.deletedLast.apply(&s)
        let r = try await gate(s)
        // migrate.go readUp → versionExists.
        #expect(r.code == 1, "\(r.output)")
        #expect(r.rules("error") == ["missing-file"])
        #expect(r.findings.first?.message.contains("no migration found for version 30") == true)
    }

    @Test func sqlxLatestAppliedFileDeleted() async throws {
        var s = MatrixSetup("sqlx")
        Scenario.deletedLast.apply(&s)
        let r = try await gate(s)
        // sqlx-core migrator.rs validate_applied_migrations: VersionMissing.
        #expect(r.code == 1, "\(r.output)")
        #expect(r.rules() == ["missing-file"])
        #expect(r.findings.first?.message.contains("previously applied but is missing") == true)
    }

    @Test func flywayRenamedDescription() async throws {
        var s = MatrixSetup("flyway")
        Scenario.renamed.apply(&s)
        let r = try await gate(s)
        // MigrationInfoImpl.validate(): DESCRIPTION_MISMATCH.
        #expect(r.code == 1, "\(r.output)")
        #expect(r.rules() == ["renamed"])
        #expect(r.findings.first?.message.contains("description mismatch") == true)
    }

    @Test func atlasSumWithCRLFIsAccepted() async throws {
        var s = MatrixSetup("atlas")
        s.sumCRLF = true
        s.withDatabase = false
        let r = try await gate(s)
        // dir.go HashFile.UnmarshalText: bufio.Scanner drops the CR.
        #expect(r.code == 0, "\(r.output)")
        #expect(r.rules().isEmpty)
    }

    @Test func atlasUpAndDownOfOneVersionAreValid() async throws {
        var s = MatrixSetup("atlas")
        s.withDatabase = false
        s.onDisk = [Applied(version: 1, name: "initial.down", sql: "DROP TABLE IF EXISTS t;"),
                    Applied(version: 1, name: "initial.up", sql: "CREATE TABLE t(c int);")]
        let r = try await gate(s)
        #expect(r.code == 0, "\(r.output)")
        #expect(!r.rules().contains("duplicate-version"))
    }

    @Test func atlasInsertedOrDeletedFileDoesNotMakeLaterFilesEdited() async throws {
        var inserted = MatrixSetup("atlas")
        Scenario.outOfOrder.apply(&inserted)
        let a = try await gate(inserted)
        // Executor.Pending: HistoryNonLinearError; the applied files are untouched.
        #expect(a.rules() == ["out-of-order"], "\(a.output)")
        var deleted = MatrixSetup("atlas")
        Scenario.deletedMiddle.apply(&deleted)
        let b = try await gate(deleted)
        #expect(b.rules() == ["strict-missing-file", "unverifiable"], "\(b.output)")
        #expect(!b.rules().contains("modified") && !b.rules().contains("strict-modified"))
    }

    @Test func atlasOneEditedFileIsOneEditedFile() async throws {
        var s = MatrixSetup("atlas")
        Scenario.edited.apply(&s)
        s.rehash = false
        let r = try await gate(s)
        let edited = r.findings.filter { $0.rule == "modified" || $0.rule == "strict-modified" }
        #expect(edited.count == 1, "\(r.output)")
        #expect(edited.first?.message.contains("20_b.sql") == true)
        #expect(r.rules("note") == ["unverifiable"])
    }

    @Test func sqlxIgnoredCharsAccepted() async throws {
        var s = MatrixSetup("sqlx")
        s.ignoredChars = ["\r", " "]
        s.rootFiles = ["sqlx.toml": "[migrate]\nignored-chars = [\"\\r\", \" \"]\n"]
        let r = try await gate(s)
        // sqlx-core migrate/source.rs checksum_with.
        #expect(r.code == 0, "\(r.output)")
        #expect(r.rules().isEmpty)
        #expect(r.summary.contains("settings from sqlx.toml"))
    }

    @Test func prismaUpperCaseChecksumIsRefused() async throws {
        var s = MatrixSetup("prisma")
        let lower = Checksums.sha256Hex(Array(ToolHistories.base[0].sql.utf8))
        s.editHistory = { $0.replacingOccurrences(of: lower, with: lower.uppercased()) }
        let r = try await gate(s)
        // checksum.rs script_matches_checksum: exact string compare.
        #expect(r.code == 1, "\(r.output)")
        #expect(r.rules() == ["strict-modified"])
    }

    @Test func prismaMiddleDeletedIsAStrictFinding() async throws {
        var s = MatrixSetup("prisma")
        Scenario.deletedMiddle.apply(&s)
        let strict = try await gate(s)
        #expect(strict.code == 1, "\(strict.output)")
        #expect(strict.rules() == ["strict-missing-file"])
        #expect(strict.findings.first?.message.contains("Prisma will not notice") == true)
        s.with = "strict: false"
        let lenient = try await gate(s)
        // deploy (apply_migrations.rs) and status (MigrateStatus.ts) pass: so does gate without strict.
        #expect(lenient.code == 0, "\(lenient.output)")
        #expect(lenient.rules("warning") == ["strict-missing-file"])
    }

    @Test func sqlxOlderUnappliedFileIsAStrictFinding() async throws {
        var s = MatrixSetup("sqlx")
        Scenario.outOfOrder.apply(&s)
        let r = try await gate(s)
        #expect(r.code == 1, "\(r.output)")
        #expect(r.rules() == ["strict-out-of-order"])
        #expect(r.findings.first?.message.contains("'sqlx migrate run' applies it") == true)
        s.with = "strict: false"
        #expect(try await gate(s).code == 0)
    }

    @Test func autoDetectionSaysWhatItWasBasedOn() async throws {
        var s = MatrixSetup("sqlx")
        s.format = "auto"
        s.withDatabase = false
        s.rootFiles = ["Cargo.toml": "[package]\nname = \"app\"\n\n[dependencies]\nsqlx = { version = \"0.8\", features = [\"sqlite\"] }\n"]
        let r = try await gate(s)
        #expect(r.code == 0, "\(r.output)")
        #expect(r.summary.contains("sqlx: 3 migrations"), "\(r.summary)")
        #expect(r.summary.contains("detected from Cargo.toml, which depends on sqlx"), "\(r.summary)")
    }

    @Test func dryRunNamesTheDialectAndTheLogAgreesWithTheSummary() async throws {
        var s = MatrixSetup("native")
        s.onDisk.append(Applied(version: 40, name: "counters", sql: """
            CREATE TABLE counters (id SERIAL PRIMARY KEY, n INT);
            CREATE FUNCTION bump() RETURNS trigger AS $$ BEGIN NEW.n := NEW.n + 1; RETURN NEW; END $$ LANGUAGE plpgsql;

            """))
        s.with = "dry-run: true"
        let r = try await gate(s, ["-v"])
        #expect(r.code == 1, "\(r.output)")
        let f = try #require(r.findings.first { $0.rule == "dry-run-failed" })
        #expect(f.message.contains("fails on a SQLite copy of 'history.sqlite'"), "\(f.message)")
        #expect(f.message.contains("written for PostgreSQL"), "\(f.message)")
        #expect(f.message.contains("may be a dialect difference"), "\(f.message)")
        #expect(r.summary.contains("1 pending"), "\(r.summary)")
        #expect(!r.output.contains("nothing pending"), "\(r.output)")
        #expect(r.output.contains("dry run: 1 migration to apply"), "\(r.output)")
    }
}
