import Foundation
import GateCore
import GateTestSupport
import Testing

/// The launch suite's `migrations` check on the bundled sample: its database is built by the sample's
/// own script (as the suite's `migrations-history` check does), in a copy of the sample.
@Suite struct SampleServiceTests {
    func copyOfSample() async throws -> (TempDir, String) {
        let work = try TempDir("sample")
        let root = work.path + "/sample-service"
        for part in ["migrations", "db", "scripts"] {
            try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
            try FileManager.default.copyItem(atPath: Repo.path("Fixtures/sample-service/" + part), toPath: root + "/" + part)
        }
        let r = try await Exec.run(["python3", root + "/scripts/build_history_db.py"], cwd: root)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        return (work, root)
    }

    static let with = "directory: migrations\ndatabase: build/history.sqlite\nformat: native\ndry-run: true\nmax-duration: 10s"

    @Test func passesWithTwoPendingMigrationsThatDryRunCleanly() async throws {
        let (work, root) = try await copyOfSample()
        defer { work.remove() }
        let before = try SQLiteFile.bytes(root + "/build/history.sqlite")
        let outcome = try await Check.run(Self.with, root: root)
        #expect(!outcome.failed, "\(outcome.findings.map(\.message))")
        #expect(outcome.stats["applied"] == .int(3))
        #expect(outcome.stats["pending"] == .int(2))
        #expect(outcome.stats["dryRunApplied"] == .int(2))
        let destructive = try #require(outcome.findings("migrations/destructive").first)
        #expect(destructive.severity == .note)
        #expect(destructive.path == "migrations/0005_drop_legacy_notes.sql")
        #expect(destructive.line == 3)
        #expect(destructive.evidence?["allowed"] == "notes were exported to the CRM and verified (ticket OPS-1432)")
        #expect(try SQLiteFile.bytes(root + "/build/history.sqlite") == before)
    }

    @Test func editingAnAppliedMigrationFailsIt() async throws {
        let (work, root) = try await copyOfSample()
        defer { work.remove() }
        let path = root + "/migrations/0002_create_invoices.sql"
        try (try String(contentsOfFile: path, encoding: .utf8) + "-- a harmless-looking comment\n")
            .write(toFile: path, atomically: true, encoding: .utf8)
        let outcome = try await Check.run(Self.with, root: root)
        #expect(outcome.failed)
        #expect(outcome.findings("migrations/modified").map(\.path) == ["migrations/0002_create_invoices.sql"])
    }

    @Test func removingTheAnnotationMakesTheDropAWarning() async throws {
        let (work, root) = try await copyOfSample()
        defer { work.remove() }
        try "DROP TABLE legacy_notes;\n".write(toFile: root + "/migrations/0005_drop_legacy_notes.sql", atomically: true, encoding: .utf8)
        let outcome = try await Check.run(Self.with, root: root)
        #expect(outcome.findings("migrations/destructive").map(\.severity) == [.warning])
        #expect(try await Check.run(Self.with + "\ndestructive: deny", root: root).failed)
    }
}
