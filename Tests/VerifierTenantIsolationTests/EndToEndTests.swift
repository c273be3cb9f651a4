import Foundation
import GateCore
import GateTestSupport
import GRDB
import Testing

/// The built `gate` binary against the real fixture app and the sample service's tenant database:
/// exit codes, every report format valid, and no token anywhere in what gate writes.
@Suite struct TenantIsolationEndToEndTests {
    static func sets(_ server: FixtureServer) -> [String] {
        ["--set", "base-url=\(server.baseURL)",
         "--set", "tenants=[" + FixtureServer.tenants.map { "{name: \($0), token-env: TOKEN_\($0.uppercased())}" }
            .joined(separator: ", ") + "]",
         "--set", #"resources=[{path: "/tenants/{tenant}/documents/{id}", ids-from: {path: "/tenants/{tenant}/documents", selector: "$.documents[*].id"}}, {path: "/objects/invoices/{id}", ids-from: /mine/invoices}]"#,
         "--set", "methods=[GET]"]
    }

    @Test func idorFailsTheCheckWithValidReportsAndNoTokens() async throws {
        let server = try await FixtureServer(["--idor"])
        defer { server.stop() }
        let reports = server.dir.file("reports")
        let r = try await Exec.gate(["check", "tenant-isolation", server.dir.path, "--reports", reports, "-v"] + Self.sets(server),
                                    cwd: server.dir.path, env: server.tokens)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("cross-tenant-read"))

        let junit = try String(contentsOfFile: reports + "/junit.xml", encoding: .utf8)
        let cases = junit.components(separatedBy: "<testcase name=\"").dropFirst().map { String($0.prefix { $0 != "\"" }) }
        #expect(cases == ["/tenants/{tenant}/documents/{id}", "/objects/invoices/{id}"])
        #expect(junit.contains("<failure type=\"tenant-isolation/cross-tenant-read\" message=\"6 findings: "))
        #expect(junit.contains("<testcase name=\"/objects/invoices/{id}\" classname=\"check-tenant-isolation.tenant-isolation\"/>"))
        try await SchemaCheck.junit(reports + "/junit.xml")
        try await SchemaCheck.report(reports + "/report.json")
        try await SchemaCheck.sarif(reports + "/report.sarif")

        var everything = r.stdout + r.stderr
        for file in try FileManager.default.subpathsOfDirectory(atPath: reports) {
            everything += (try? String(contentsOfFile: reports + "/" + file, encoding: .utf8)) ?? ""
        }
        for token in server.tokens.values { #expect(!everything.contains(token), "a token leaked into gate's output") }
    }

    @Test func unsetTokenIsAnErrorAndBadParametersExitTwo() async throws {
        let server = try await FixtureServer([])
        defer { server.stop() }
        var env = server.tokens
        env["TOKEN_GLOBEX"] = ""
        let r = try await Exec.gate(["check", "tenant-isolation", server.dir.path, "--reports", server.dir.file("r")]
                                    + Self.sets(server), cwd: server.dir.path, env: env)
        #expect(r.code == 3, "\(r.stdout)\(r.stderr)")
        #expect((r.stdout + r.stderr).contains("'TOKEN_GLOBEX' (its 'token-env') is not set or is empty"))

        let bad = try await Exec.gate(["check", "tenant-isolation", server.dir.path, "--set", "base-url=ftp://127.0.0.1:1"]
                                      + Self.sets(server).dropFirst(2), cwd: server.dir.path, env: server.tokens)
        #expect(bad.code == 2)
        #expect(bad.stderr.contains("--set:1:") && bad.stderr.contains("'base-url': 'ftp://127.0.0.1:1' is not an http:// or https:// URL"))
    }

    /// The sample service's database, built by its own script: clean passes, one planted row fails.
    @Test func sampleDatabase() async throws {
        let dir = try TempDir("tenant-sample")
        defer { dir.remove() }
        let build = try await Exec.run(["python3", Repo.path("Fixtures/sample-service/tenancy/build_db.py"), dir.file("tenants.db")])
        #expect(build.code == 0, "\(build.stderr)")
        let args = ["check", "tenant-isolation", dir.path, "--reports", dir.file("r"), "-v",
                    "--set", "database=tenants.db", "--set", "global-tables=[plans]",
                    "--set", "relations=['audit_events.subject_invoice -> invoices.id']",
                    "--set", "storage-prefix={column: documents.storage_key, template: 'tenants/{slug}/'}"]
        let clean = try await Exec.gate(args, cwd: dir.path)
        #expect(clean.code == 0, "\(clean.stdout)\(clean.stderr)")
        #expect(clean.stdout.contains("database: 7 tenant tables, 176 rows, 6 references, no leaks"))

        // An audit event of tenant 1 about tenant 2's invoice: only the configured relation can see it.
        let queue = try DatabaseQueue(path: dir.file("tenants.db"))
        try await queue.write { try $0.execute(sql: "UPDATE audit_events SET subject_invoice = 9 WHERE id = 1") }
        try queue.close()
        let dirty = try await Exec.gate(args, cwd: dir.path)
        #expect(dirty.code == 1, "\(dirty.stdout)\(dirty.stderr)")
        #expect(dirty.stdout.contains("1 row of 'audit_events' reference a 'invoices' row of another tenant "
            + "(audit_events.subject_invoice → invoices.id)"))
    }
}
