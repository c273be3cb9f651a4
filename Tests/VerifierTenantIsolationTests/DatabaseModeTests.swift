import Foundation
import GateCore
import GateTestSupport
import Testing

/// Every database rule on a real SQLite file built by the test.
@Suite struct DatabaseModeTests {
    static let base = """
        CREATE TABLE tenants (id INTEGER PRIMARY KEY, slug TEXT);
        CREATE TABLE folders (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id), name TEXT);
        CREATE TABLE documents (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id),
                                folder_id INTEGER REFERENCES folders(id), storage_key TEXT);
        INSERT INTO tenants VALUES (1, 'acme'), (2, 'globex');
        INSERT INTO folders VALUES (10, 1, 'a'), (20, 2, 'g');
        INSERT INTO documents VALUES (1, 1, 10, 'tenants/acme/1.pdf'), (2, 2, 20, 'tenants/globex/2.pdf');

        """

    func run(_ sql: String, with extra: String = "") async throws -> CheckOutcome {
        let db = try SQLiteFixture(sql)
        defer { db.dir.remove() }
        let result = try await check("database: app.db\n" + extra, root: db.dir.path)
        return try #require(result.outcome, "\(result.message ?? "")")
    }

    func dbStats(_ o: CheckOutcome) -> [String: JSONValue] {
        if case .object(let s)? = o.stats["database"] { return s }
        return [:]
    }

    @Test func cleanDatabasePasses() async throws {
        let o = try await run(Self.base)
        #expect(o.findings.isEmpty, "\(summary(o.findings))")
        let s = dbStats(o)
        #expect(s["tables"] == 3 && s["tenantScoped"] == 2 && s["rows"] == 4)
        // documents.folder_id → folders.id; the tenant_id → tenants.id links hold by definition.
        #expect(s["referencesChecked"] == 1 && s["referencesEnforcedBySchema"] == 0)
        #expect(o.summary == "database: 2 tenant tables, 4 rows, 1 references, no leaks")
        #expect(o.rules == TenantIsolationRules.database)
    }

    @Test func mismatchedReferenceIsReportedWithExamples() async throws {
        let o = try await run(Self.base + "INSERT INTO documents VALUES (3, 1, 20, NULL), (5, 2, 10, NULL), (6, 2, 20, NULL);")
        #expect(summary(o.findings) == [
            "tenant-isolation/cross-tenant-reference | 2 rows of 'documents' reference a 'folders' row of another tenant "
                + "(documents.folder_id → folders.id) | rows=2 | id=3 (tenant 1, 'folders' tenant 2); id=5 (tenant 2, 'folders' tenant 1)",
        ])
        let f = try #require(o.findings.first)
        #expect(f.path == "app.db" && f.severity == .error && f.evidence?["declared"] == "yes")
    }

    @Test func examplesAreCappedByMaxExamples() async throws {
        let rows = (100..<120).map { "(\($0), 1, 20, NULL)" }.joined(separator: ", ")
        let o = try await run(Self.base + "INSERT INTO documents VALUES \(rows);", with: "max-examples: 2")
        let f = try #require(o.findings.first)
        #expect(f.evidence?["rows"] == "20")
        #expect(f.evidence?["examples"] == "id=100 (tenant 1, 'folders' tenant 2); id=101 (tenant 1, 'folders' tenant 2)")
    }

    @Test func nullEmptyAndUnknownTenants() async throws {
        let o = try await run(Self.base + """
            INSERT INTO documents VALUES (3, NULL, 10, NULL), (4, '', 10, NULL), (5, '  ', 10, NULL), (6, 99, NULL, NULL);
            INSERT INTO folders VALUES (30, NULL, 'orphan');
            """)
        #expect(summary(o.findings) == [
            "tenant-isolation/null-tenant | 1 row of 'documents' name a tenant that is not in 'tenants' | rows=1 | id=6 (tenant 99)",
            "tenant-isolation/null-tenant | 1 row of 'folders' have no tenant: 'tenant_id' is NULL or empty | rows=1 | id=30",
            "tenant-isolation/null-tenant | 3 rows of 'documents' have no tenant: 'tenant_id' is NULL or empty | rows=3 | id=3; id=4; id=5",
        ])
    }

    @Test func tableWithoutTenantColumnLinkedToScopedData() async throws {
        let o = try await run(Self.base + """
            CREATE TABLE comments (id INTEGER PRIMARY KEY, document_id INTEGER REFERENCES documents(id), body TEXT);
            CREATE TABLE countries (code TEXT PRIMARY KEY);
            CREATE TABLE addresses (id INTEGER PRIMARY KEY, tenant_id INTEGER, country TEXT REFERENCES countries(code));
            CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT);
            """, with: "global-tables: [countries]")
        // countries is global and settings is linked to nothing: neither is reported.
        #expect(summary(o.findings) == [
            "tenant-isolation/missing-tenant-column | table 'comments' has no 'tenant_id' column but is linked to the "
                + "tenant-scoped table 'documents'",
        ])
        #expect(dbStats(o)["global"] == 1 && dbStats(o)["withoutTenantColumn"] == 2)
    }

    @Test func joinTableLinkingTwoTenants() async throws {
        let o = try await run(Self.base + """
            CREATE TABLE tags (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id), name TEXT);
            CREATE TABLE document_tags (document_id INTEGER REFERENCES documents(id), tag_id INTEGER REFERENCES tags(id),
                                        PRIMARY KEY (document_id, tag_id)) WITHOUT ROWID;
            INSERT INTO tags VALUES (100, 1, 'x'), (200, 2, 'y');
            INSERT INTO document_tags VALUES (1, 100), (1, 200), (2, 200);
            """)
        #expect(summary(o.findings) == [
            "tenant-isolation/cross-tenant-reference | 1 row of the join table 'document_tags' link a 'documents' row and "
                + "a 'tags' row of different tenants (document_tags.document_id → documents.id and document_tags.tag_id → tags.id)"
                + " | rows=1 | (document_id, tag_id)=(1, 200) ('documents' tenant 1, 'tags' tenant 2)",
            "tenant-isolation/missing-tenant-column | table 'document_tags' has no 'tenant_id' column but is linked to the "
                + "tenant-scoped tables 'documents', 'tags'",
        ])
    }

    @Test func mismatchOneLevelUpThroughTenantLessTable() async throws {
        let o = try await run(Self.base + """
            CREATE TABLE invoices (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id));
            CREATE TABLE invoice_lines (id INTEGER PRIMARY KEY, invoice_id INTEGER REFERENCES invoices(id));
            CREATE TABLE attachments (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id),
                                      line_id INTEGER REFERENCES invoice_lines(id));
            INSERT INTO invoices VALUES (1, 1), (2, 2);
            INSERT INTO invoice_lines VALUES (11, 1), (22, 2);
            INSERT INTO attachments VALUES (7, 1, 11), (8, 2, 11), (9, 2, 22);
            """)
        #expect(summary(o.findings) == [
            "tenant-isolation/cross-tenant-reference | 1 row of 'attachments' reach a 'invoices' row of another tenant "
                + "through the tenant-less table 'invoice_lines' (attachments.line_id → invoice_lines.id, "
                + "invoice_lines.invoice_id → invoices.id) | rows=1 | id=8 (tenant 2, 'invoices' tenant 1)",
            "tenant-isolation/missing-tenant-column | table 'invoice_lines' has no 'tenant_id' column but is linked to the "
                + "tenant-scoped tables 'attachments', 'invoices'",
        ])
    }

    @Test func uniqueIndexesThatLeaveOutTheTenant() async throws {
        let o = try await run(Self.base + """
            CREATE TABLE users (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id), email TEXT UNIQUE,
                                login TEXT, handle TEXT, UNIQUE (tenant_id, login));
            CREATE UNIQUE INDEX users_handle ON users(handle) WHERE handle IS NOT NULL;
            CREATE TABLE profiles (id INTEGER PRIMARY KEY, tenant_id INTEGER, user_id INTEGER UNIQUE REFERENCES users(id));
            """)
        #expect(summary(o.findings) == [
            "tenant-isolation/unscoped-unique | unique index 'sqlite_autoindex_users_1' on 'users'(email) leaves out "
                + "'tenant_id': two tenants cannot hold the same value, and the uniqueness error tells one tenant that "
                + "another holds it",
            "tenant-isolation/unscoped-unique | unique index 'users_handle' on 'users'(handle) (partial) leaves out "
                + "'tenant_id': two tenants cannot hold the same value, and the uniqueness error tells one tenant that "
                + "another holds it",
        ])
        #expect(o.findings.allSatisfy { $0.severity == .warning })
    }

    @Test func storagePathsOutsideTheTenantPrefix() async throws {
        let o = try await run(Self.base + """
            INSERT INTO tenants VALUES (3, NULL);
            INSERT INTO documents VALUES (3, 1, 10, 'tenants/globex/x.pdf'), (4, 1, 10, 'tenants/acme/../globex/y.pdf'),
                (5, 1, 10, NULL), (6, 1, 10, 'tenants/acmecorp/z.pdf'), (7, 3, NULL, 'tenants/anything.pdf'),
                (8, 1, 10, 'tenants/acme/deep/ok.pdf');
            """, with: "storage-prefix: {column: documents.storage_key, template: 'tenants/{slug}/'}")
        #expect(summary(o.findings) == [
            "tenant-isolation/storage-prefix | 4 rows of 'documents' store a path in 'storage_key' outside their tenant's "
                + "prefix 'tenants/{slug}/' | rows=4 | id=3: 'tenants/globex/x.pdf' (expected prefix 'tenants/acme/'); "
                + "id=4: 'tenants/acme/../globex/y.pdf' (expected prefix 'tenants/acme/'); id=6: 'tenants/acmecorp/z.pdf' "
                + "(expected prefix 'tenants/acme/'); id=7: 'tenants/anything.pdf' (expected prefix 'NULL')",
        ])
        #expect(dbStats(o)["storageColumns"] == 1)
    }

    @Test func configuredRelationsAreCheckedLikeForeignKeys() async throws {
        let sql = Self.base + """
            CREATE TABLE audit (id INTEGER PRIMARY KEY, tenant_id INTEGER, doc_ref INTEGER);
            INSERT INTO audit VALUES (1, 1, 1), (2, 1, 2);
            """
        #expect(try await run(sql).findings.isEmpty)
        for relation in ["relations: ['audit.doc_ref -> documents.id']", "relations: [{from: audit.doc_ref, to: documents.id}]"] {
            let o = try await run(sql, with: relation)
            #expect(summary(o.findings) == [
                "tenant-isolation/cross-tenant-reference | 1 row of 'audit' reference a 'documents' row of another tenant "
                    + "(audit.doc_ref → documents.id) | rows=1 | id=2 (tenant 1, 'documents' tenant 2)",
            ])
            #expect(o.findings.first?.evidence?["declared"] == "no (from 'relations')")
        }
    }

    @Test func referenceCarryingTheTenantIsEnforcedBySchema() async throws {
        let o = try await run(Self.base + """
            CREATE UNIQUE INDEX folders_tenant_id ON folders(tenant_id, id);
            CREATE TABLE notes (id INTEGER PRIMARY KEY, tenant_id INTEGER, folder_id INTEGER,
                                FOREIGN KEY (tenant_id, folder_id) REFERENCES folders(tenant_id, id));
            INSERT INTO notes VALUES (1, 1, 10);
            """)
        #expect(o.findings.isEmpty, "\(summary(o.findings))")
        #expect(dbStats(o)["referencesEnforcedBySchema"] == 1 && dbStats(o)["referencesChecked"] == 1)
    }

    @Test func customTenantColumnAndTable() async throws {
        let o = try await run("""
            CREATE TABLE orgs (uid TEXT PRIMARY KEY);
            CREATE TABLE projects (id INTEGER PRIMARY KEY, org TEXT REFERENCES orgs(uid));
            CREATE TABLE tasks (id INTEGER PRIMARY KEY, org TEXT, project_id INTEGER REFERENCES projects(id));
            INSERT INTO orgs VALUES ('o1'), ('o2');
            INSERT INTO projects VALUES (1, 'o1'), (2, 'o2');
            INSERT INTO tasks VALUES (1, 'o1', 1), (2, 'o1', 2), (3, 'o3', 1);
            """, with: "tenant-column: org\ntenant-table: orgs")
        #expect(summary(o.findings) == [
            "tenant-isolation/cross-tenant-reference | 2 rows of 'tasks' reference a 'projects' row of another tenant "
                + "(tasks.project_id → projects.id) | rows=2 | id=2 (tenant o1, 'projects' tenant o2); "
                + "id=3 (tenant o3, 'projects' tenant o1)",
            "tenant-isolation/null-tenant | 1 row of 'tasks' name a tenant that is not in 'orgs' | rows=1 | id=3 (tenant o3)",
        ])
    }

    @Test func theDatabaseIsNeverWritten() async throws {
        let db = try SQLiteFixture(Self.base + "INSERT INTO documents VALUES (3, 1, 20, NULL);")
        defer { db.dir.remove() }
        let before = try Data(contentsOf: URL(fileURLWithPath: db.path))
        _ = try await check("database: app.db", root: db.dir.path)
        #expect(try Data(contentsOf: URL(fileURLWithPath: db.path)) == before)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: db.dir.path).filter { $0.hasPrefix("app.db-") }
        #expect(leftovers.isEmpty, "journal files appeared: \(leftovers)")
    }
}

enum TenantIsolationRules {
    static let database = ["tenant-isolation/null-tenant", "tenant-isolation/cross-tenant-reference",
                           "tenant-isolation/missing-tenant-column", "tenant-isolation/unscoped-unique",
                           "tenant-isolation/storage-prefix"]
}
