import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierTenantIsolation

/// Tenant isolation on a real PostgreSQL server: the database invariants discovered from pg_catalog, and
/// each row-level security rule with a failing and a passing case.
@Suite struct PostgresRLSTests {
    static let schema = """
        CREATE TABLE tenants (id integer PRIMARY KEY, slug text NOT NULL);
        CREATE TABLE folders (id integer PRIMARY KEY, tenant_id integer REFERENCES tenants(id), name text);
        CREATE TABLE documents (id integer PRIMARY KEY, tenant_id integer REFERENCES tenants(id),
                                folder_id integer REFERENCES folders(id), title text);
        INSERT INTO tenants VALUES (1, 'acme'), (2, 'globex');
        INSERT INTO folders VALUES (10, 1, 'contracts'), (20, 2, 'contracts');
        INSERT INTO documents VALUES (1, 1, 10, 'nda'), (2, 2, 20, 'msa');

        """

    /// RLS as it should be: enabled, forced, one policy per table on the tenant setting, SELECT for the app.
    static func secure(_ role: String, tables: [String] = ["folders", "documents"]) -> String {
        "CREATE ROLE \(role) NOLOGIN; GRANT SELECT ON ALL TABLES IN SCHEMA public TO \(role);\n" + tables.map { t in
            "ALTER TABLE \(t) ENABLE ROW LEVEL SECURITY; ALTER TABLE \(t) FORCE ROW LEVEL SECURITY;\n"
                + "CREATE POLICY tenant_isolation ON \(t) USING (tenant_id = current_setting('app.tenant_id')::integer);\n"
        }.joined()
    }

    struct Case {
        var outcome: CheckOutcome?
        var error: String?
        func rules(_ prefix: String = "tenant-isolation/") -> [String] {
            (outcome?.findings ?? []).map { $0.rule.replacingOccurrences(of: prefix, with: "") + ":" + $0.severity.rawValue }.sorted()
        }
    }

    /// A database with `schema`, the secure RLS set-up and then `change`, checked as the app role.
    func run(_ change: (String) -> String = { _ in "" }, secureTables: [String] = ["folders", "documents"], with: String = "",
             appRole: Bool = true) async throws -> Case {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("rls")
        defer { pg.dropDatabase(db) }
        let role = "gt_app_\(UUID().uuidString.prefix(8).lowercased())"
        try await pg.psql(Self.schema + Self.secure(role, tables: secureTables) + change(role), database: db)
        let dir = try TempDir("rls")
        defer { dir.remove() }
        let yaml = "database: '\(pg.socketURL(database: db))'" + (appRole ? "\napp-role: \(role)" : "") + (with.isEmpty ? "" : "\n" + with)
        let r = try await check(yaml, root: dir.path)
        return Case(outcome: r.outcome, error: r.message)
    }

    @Test func secureSetUpPassesAndTheProbeRan() async throws {
        let c = try await run()
        #expect(c.error == nil, "\(c.error ?? "")")
        #expect(c.rules().isEmpty, "\(c.outcome?.findings.map(\.message) ?? [])")
        let rls = c.outcome?.stats["database"]?.objectValue?["rowLevelSecurity"]?.objectValue
        #expect(rls?["probeTenants"] == .int(2), "\(String(describing: rls))")
        #expect(rls?["probeQueries"] == .int(4))
        #expect(c.outcome?.summary.contains("RLS probed as") == true, "\(c.outcome?.summary ?? "")")
    }

    @Test func invariantsFromPgCatalog() async throws {
        let c = try await run({ _ in
            """
            INSERT INTO documents VALUES (12, 1, 20, 'misfiled'), (13, NULL, NULL, 'orphan');
            CREATE TABLE notes (id serial PRIMARY KEY, document_id integer REFERENCES documents(id), body text);
            CREATE UNIQUE INDEX documents_title ON documents (title) WHERE title <> '';
            """
        }, with: "storage-prefix: {column: documents.title, template: 'tenants/{slug}/'}")
        #expect(c.error == nil, "\(c.error ?? "")")
        let rules = c.rules()
        #expect(rules.contains("cross-tenant-reference:error"), "\(rules)")
        #expect(rules.contains("null-tenant:error"))
        #expect(rules.contains("missing-tenant-column:error"))
        #expect(rules.contains("unscoped-unique:warning"))
        #expect(rules.contains("storage-prefix:error"))
        // 'notes' is a tenant-less table: RLS rules are for scoped tables only.
        #expect(!rules.contains { $0.hasPrefix("rls-disabled") }, "\(rules)")
        let reference = c.outcome?.findings.first { $0.rule == "tenant-isolation/cross-tenant-reference" }
        #expect(reference?.evidence?["examples"]?.contains("id=12") == true, "\(reference?.evidence ?? [:])")
    }

    /// The passing case of every rule below is `secureSetUpPassesAndTheProbeRan`, plus the variants in each test.
    @Test func rlsDisabled() async throws {
        let c = try await run(secureTables: ["folders"])
        // The probe agrees: with RLS off, the app role sees the other tenant's documents, for each tenant set.
        #expect(c.rules() == ["cross-tenant-read:error", "cross-tenant-read:error", "rls-disabled:error"],
                "\(c.outcome?.findings.map(\.message) ?? [c.error ?? ""])")
        let one = try await run(secureTables: ["folders"], with: "probe-tenants: 1")
        #expect(one.rules() == ["cross-tenant-read:error", "rls-disabled:error"], "\(one.rules())")
    }

    @Test func rlsNotForcedWhenTheAppOwnsTheTable() async throws {
        let fail = try await run { role in "ALTER TABLE documents NO FORCE ROW LEVEL SECURITY; ALTER TABLE documents OWNER TO \(role);" }
        #expect(fail.rules().contains("rls-not-forced:error"), "\(fail.rules()) \(fail.error ?? "")")
        let pass = try await run { role in "ALTER TABLE documents OWNER TO \(role); ALTER TABLE documents FORCE ROW LEVEL SECURITY;" }
        #expect(pass.rules().isEmpty, "\(pass.rules())")
    }

    @Test func rlsWithoutAPolicy() async throws {
        let fail = try await run { _ in "DROP POLICY tenant_isolation ON folders;" }
        #expect(fail.rules() == ["rls-no-policy:warning"], "\(fail.rules())")
        #expect(fail.outcome.map { !$0.findings.contains { $0.severity == .error } } == true)
    }

    @Test func policyThatIgnoresTheTenant() async throws {
        let fail = try await run { _ in "CREATE POLICY everyone ON documents USING (true);" }
        #expect(fail.rules() == ["cross-tenant-read:error", "cross-tenant-read:error", "rls-policy-unscoped:error"], "\(fail.rules())")
        // A restrictive policy only narrows: not reported.
        let pass = try await run { _ in "CREATE POLICY published ON documents AS RESTRICTIVE USING (title IS NOT NULL);" }
        #expect(pass.rules().isEmpty, "\(pass.rules())")
    }

    @Test func liveProbeFindsWhatTheCatalogCannot() async throws {
        // Names the tenant column, so the catalog rule passes it; the probe reads through it.
        let fail = try await run { _ in
            "DROP POLICY tenant_isolation ON documents; CREATE POLICY sloppy ON documents USING (tenant_id IS NOT NULL);"
        }
        #expect(fail.rules() == ["cross-tenant-read:error", "cross-tenant-read:error"], "\(fail.rules())")
        let f = fail.outcome?.findings.first
        #expect(f?.message.contains("with app.tenant_id = '1', 1 row of 'documents'") == true, "\(f?.message ?? "")")
        #expect(f?.evidence?["examples"] == "2 (tenant 2)", "\(f?.evidence ?? [:])")
        // Without an app role there is no probe, and the policy passes the catalog rules.
        let catalogOnly = try await run({ _ in
            "DROP POLICY tenant_isolation ON documents; CREATE POLICY sloppy ON documents USING (tenant_id IS NOT NULL);"
        }, appRole: false)
        #expect(catalogOnly.rules().isEmpty, "\(catalogOnly.rules())")
        #expect(catalogOnly.outcome?.summary.contains("no 'app-role' to probe as") == true)
    }

    @Test func viewsThatBypassRLS() async throws {
        let fail = try await run { role in "CREATE VIEW document_titles AS SELECT id, title FROM documents; GRANT SELECT ON document_titles TO \(role);" }
        #expect(fail.rules() == ["rls-view-bypass:error"], "\(fail.rules())")
        let mat = try await run { _ in "CREATE MATERIALIZED VIEW document_copy AS SELECT * FROM documents;" }
        #expect(mat.rules() == ["rls-view-bypass:error"], "\(mat.rules())")
        let pass = try await run { role in
            "CREATE VIEW document_titles WITH (security_invoker = true) AS SELECT id, title FROM documents; "
                + "GRANT SELECT ON document_titles TO \(role);"
        }
        #expect(pass.rules().isEmpty, "\(pass.rules())")
    }

    @Test func securityDefinerFunctionsReadingTenantTables() async throws {
        let fail = try await run { _ in
            "CREATE FUNCTION all_titles() RETURNS SETOF text LANGUAGE sql SECURITY DEFINER AS $$ SELECT title FROM documents $$;"
        }
        #expect(fail.rules() == ["rls-definer-function:error"], "\(fail.rules())")
        let pass = try await run { _ in
            "CREATE FUNCTION all_titles() RETURNS SETOF text LANGUAGE sql SECURITY INVOKER AS $$ SELECT title FROM documents $$;"
        }
        #expect(pass.rules().isEmpty, "\(pass.rules())")
    }

    @Test func appRoleThatBypassesRLS() async throws {
        let fail = try await run { role in "ALTER ROLE \(role) BYPASSRLS;" }
        #expect(fail.rules().contains("rls-bypass-role:error"), "\(fail.rules())")
        #expect(fail.rules().filter { $0.hasPrefix("cross-tenant-read") }.count == 4, "the probe reads everything: \(fail.rules())")
        let inherited = try await run { role in "CREATE ROLE \(role)_admin BYPASSRLS; GRANT \(role)_admin TO \(role);" }
        #expect(inherited.rules() == ["rls-bypass-role:error"], "\(inherited.rules())")
        #expect(inherited.outcome?.findings.first?.message.contains("can SET ROLE") == true)
        let pass = try await run { role in "ALTER ROLE \(role) NOBYPASSRLS;" }
        #expect(pass.rules().isEmpty)
    }

    @Test func badInput() async throws {
        let pg = try await PostgresCluster.require()
        let db = try await pg.createDatabase("rlsbad")
        defer { pg.dropDatabase(db) }
        try await pg.psql(Self.schema, database: db)
        let dir = try TempDir("rls-bad")
        defer { dir.remove() }
        let missingRole = try await check("database: '\(pg.socketURL(database: db))'\napp-role: no_such_role_4711", root: dir.path)
        #expect(missingRole.message?.contains("'no_such_role_4711', which is not a role") == true, "\(missingRole.message ?? "")")
        // SQLite has no row-level security: its parameters are a configuration error.
        #expect(configError("database: app.db\napp-role: app")?.description.contains("only PostgreSQL has") == true)
    }
}

extension JSONValue {
    var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
}
