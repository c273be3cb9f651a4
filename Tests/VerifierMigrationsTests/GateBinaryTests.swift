import Foundation
import GateTestSupport
import Testing

/// The built `gate` binary: exit codes, and reports that validate against their schemas.
@Suite struct GateBinaryTests {
    @Test func aBadParameterExitsTwoNamingTheKey() async throws {
        let w = try Workspace(files: ["migrations/0001_a.sql": "SELECT 1;\n"])
        defer { w.remove() }
        let r = try await Exec.gate(["check", "migrations", ".", "--set", "format=liquibase"], cwd: w.path)
        #expect(r.code == 2, "\(r.stdout)\(r.stderr)")
        #expect((r.stdout + r.stderr).contains("format"))
    }

    @Test func aMissingDatabaseIsAnErrorStatusExitingThree() async throws {
        let w = try Workspace(files: ["migrations/0001_a.sql": "SELECT 1;\n"])
        defer { w.remove() }
        let r = try await Exec.gate(["check", "migrations", ".", "--set", "database=prod.sqlite", "--json", "r.json"], cwd: w.path)
        #expect(r.code == 3, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("'prod.sqlite' does not exist"))
        #expect(!r.stdout.contains("Fatal error") && !r.stderr.contains("Fatal error"))
    }

    @Test func failingRunReportsValidateAgainstTheirSchemas() async throws {
        let users = "CREATE TABLE users (id INTEGER PRIMARY KEY);\n"
        let w = try Workspace(files: [
            "migrations/0001_users.sql": users + "-- edited\n",
            "migrations/0003_drop.sql": "DROP TABLE users;\n",
        ])
        defer { w.remove() }
        try w.database("""
            CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT, checksum TEXT NOT NULL, applied_at TEXT);
            \(users)
            INSERT INTO _migrations VALUES ('0001', 'users', '\(sha256(users))', '2026-01-01'),
                                           ('0002', 'gone', 'abc', '2026-01-02');
            """)
        let r = try await Exec.gate(
            ["check", "migrations", ".", "--set", "database=history.sqlite", "--set", "dry-run=true", "--reports", "out"],
            cwd: w.path)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: w.file("out/report.json")))) as? [String: Any]
        let check = try #require((json?["checks"] as? [[String: Any]])?.first)
        let rules = Set(((check["findings"] as? [[String: Any]]) ?? []).compactMap { $0["rule"] as? String })
        #expect(rules == ["migrations/modified", "migrations/missing-file", "migrations/pending", "migrations/destructive"])
        try await SchemaCheck.report(w.file("out/report.json"))
        try await SchemaCheck.sarif(w.file("out/report.sarif"))
        try await SchemaCheck.junit(w.file("out/junit.xml"))
    }
}
