import Foundation
import GateCore
import GateTestSupport
import Testing

/// Bad parameters are ConfigErrors naming the key (exit 2); a database or service that cannot be used as
/// configured is a VerifierError (the `error` status) whose message says what to fix.
@Suite struct BadInputTests {
    static let http = """
        base-url: http://127.0.0.1:9
        tenants: [{name: acme, token-env: A}, {name: globex, token-env: G}]
        resources: [{path: "/t/{tenant}/d/{id}", ids: {acme: [1]}}]

        """

    func message(_ yaml: String) -> String { configError(yaml)?.message ?? "(loaded)" }

    @Test func aModeIsRequired() {
        #expect(message("max-examples: 3") == "'max-examples': 'max-examples' belongs to the database mode; give 'database' as well")
        #expect(message("root: .") == "'with': give 'database' (a SQLite file or a PostgreSQL URL to check), 'base-url' (a running "
            + "service to probe), or both")
        #expect(message("database: a.db\nmethods: [GET]") == "'methods': 'methods' belongs to the HTTP mode; give 'base-url' as well")
    }

    @Test func malformedTemplatesAndRelations() {
        let prefix = "database: a.db\nstorage-prefix: "
        #expect(message(prefix + "{column: documents.key, template: 'tenants/{slug/'}")
            == "'storage-prefix.template': the template 'tenants/{slug/' opens '{' at character 9 and never closes it")
        #expect(message(prefix + "{column: documents.key, template: 'uploads/'}").contains("names no column of the tenant table"))
        #expect(message(prefix + "{column: documents.key, template: 'a}/{slug}'}").contains("has a '}' at character 2"))
        #expect(message(prefix + "{column: documents, template: '{slug}/'}") == "'column' must be 'table.column', got 'documents'")
        #expect(message(prefix + "{column: d.k, template: '{slug}', prefix: x}").hasPrefix("unknown key 'prefix' in 'storage-prefix'"))
        #expect(message("database: a.db\nrelations: ['a.b => c.d']") == "'relations' must be 'child.column -> parent.column', got 'a.b => c.d'")
        #expect(configError("database: a.db\nrelations: ['a.b -> c.d', {from: e.f, to: g.h}]") == nil)
    }

    @Test func badHTTPParameters() {
        #expect(configError(Self.http.replacingOccurrences(of: "http://127", with: "https://127")) == nil)
        #expect(message(Self.http.replacingOccurrences(of: "http://127", with: "ftp://127"))
            .hasPrefix("'base-url': 'ftp://127.0.0.1:9' is not an http:// or https:// URL"))
        #expect(message(Self.http + "\ninsecure: true\nca: ca.pem") == "'ca': 'ca' has no effect with 'insecure: true'; keep one")
        // Any name is the object placeholder (the API's own, as its OpenAPI document spells it); two are refused.
        #expect(configError(Self.http.replacingOccurrences(of: "{id}", with: "{book_title}")) == nil)
        #expect(message(Self.http.replacingOccurrences(of: "{id}", with: "{a}/{b}"))
            == "'path': the path '/t/{tenant}/d/{a}/{b}' has two object placeholders, '{a}' and '{b}'; keep one (the object's id) "
            + "and write the other's value into the path")
        #expect(message(Self.http.replacingOccurrences(of: "{id}", with: "{a b}"))
            .hasPrefix("'path': the path '/t/{tenant}/d/{a b}' has the placeholder '{a b}'; name it with letters"))
        #expect(message(Self.http.replacingOccurrences(of: "/d/{id}", with: "/d"))
            .hasPrefix("'path': the path '/t/{tenant}/d' has no object placeholder"))
        #expect(message(Self.http + "methods: [GET, DELETE]").contains("set 'allow-mutations: true'"))
        #expect(configError(Self.http + "methods: [GET, DELETE]\nallow-mutations: true") == nil)
        #expect(message(Self.http.replacingOccurrences(of: ", {name: globex, token-env: G}", with: ""))
            == "'tenants': give at least two tenants, each as {name: acme, token-env: ACME_TOKEN}")
        #expect(message(Self.http.replacingOccurrences(of: "ids: {acme: [1]}", with: "ids: {acne: [1]}"))
            .hasPrefix("unknown key 'acne' in 'ids' (a tenant name); did you mean 'acme'?"))
        #expect(message(Self.http.replacingOccurrences(of: "ids: {acme: [1]}", with: "ids-from: {path: /l, selector: 'documents[*]'}"))
            == "'ids-from': the selector 'documents[*]' must start with '$', as in $.documents[*].id")
        #expect(message(Self.http.replacingOccurrences(of: "ids: {acme: [1]}", with: "ids: {acme: [1]}, ids-from: /l"))
            .contains("needs exactly one of 'ids'"))
        #expect(message(Self.http.replacingOccurrences(of: "token-env: G", with: "token-env: 'G-1'"))
            == "'token-env' must be the name of an environment variable, got 'G-1'")
        #expect(message(Self.http + "concurrency: 0") == "'concurrency' must be an integer from 1 to 256, got '0'")
    }

    @Test func badLoginAndOpenAPIParameters() throws {
        let login = Self.http.replacingOccurrences(of: "token-env: G", with: "password-env: G")
        #expect(message(login).hasPrefix("'password-env': tenant 'globex' logs in with 'password-env', so the check needs 'login'"))
        #expect(configError(login + "login: {path: /login, token: $.token}") == nil)
        #expect(message(login + "login: {path: /login, token: $.token, tokn: x}").contains("'tokn'"))
        #expect(message(login + "login: {path: /login}").contains("'token'"))
        #expect(message(login + "login: {path: login, token: $.t}").hasPrefix("'path': the login path 'login' must start with '/'"))
        #expect(message(login + "login: {path: /login, token: t}").hasPrefix("'token': 't' is no capture: give a JSON path ($.token), header:NAME or cookie:NAME"))
        #expect(message(login + "login: {path: /login, token: $t}").hasPrefix("'token': '$t' "))
        #expect(message(Self.http.replacingOccurrences(of: "token-env: G", with: "token-env: G, password-env: P")
            + "login: {path: /login, token: $.t}").contains("has both 'token-env' and 'password-env'"))
        #expect(message(Self.http.replacingOccurrences(of: "ids: {acme: [1]}", with: "ids-from: {path: /d, owner: user}"))
            .contains("'owner'"))
        #expect(message(Self.http.replacingOccurrences(of: "ids: {acme: [1]}", with: "ids-from: {path: /d, owner-field: ''}"))
            .contains("'owner-field' must be a non-empty string"))
        #expect(message(Self.http.replacingOccurrences(of: "ids: {acme: [1]}",
                                                       with: "ids-from: {path: /d, selector: \"$.a[?(@.u)]\"}"))
            .contains("write it as [?(@.user == '{tenant}')]"))
        #expect(message(Self.http.replacingOccurrences(of: "ids: {acme: [1]}", with: "ids: {acme: [1]}, body: x"))
            .hasPrefix("'body' must be a JSON object or list"))
        #expect(message(Self.http.replacingOccurrences(of: "ids: {acme: [1]}", with: "ids: {acme: [1]}, methods: [PUT]"))
            .contains("set 'allow-mutations: true'"))
        #expect(message(Self.http.replacingOccurrences(of: "resources:", with: "rsrcs:")).hasPrefix("unknown key 'rsrcs'"))
        #expect(message(Self.http.replacingOccurrences(of: "resources:", with: "resources: []\nx:")
            .replacingOccurrences(of: "\nx: [", with: "\n#"))
            .contains("or 'openapi' (the service's OpenAPI document) to learn them"))
    }

    @Test func configErrorsNameFileAndLine() throws {
        let e = try #require(configError(Self.http + "methods: [GET, PATCH]"))
        #expect(e.location?.file == "suite.yaml" && e.location?.line == 4)
    }

    func runError(_ sql: String?, _ yaml: String) async throws -> String {
        let dir = try TempDir("tenant-bad")
        defer { dir.remove() }
        if let sql {
            let db = try SQLiteFixture(sql)
            try FileManager.default.copyItem(atPath: db.path, toPath: dir.file("app.db"))
            db.dir.remove()
        }
        return try await check(yaml, root: dir.path).message ?? "(no error)"
    }

    static let schema = """
        CREATE TABLE tenants (id INTEGER PRIMARY KEY, slug TEXT);
        CREATE TABLE documents (id INTEGER PRIMARY KEY, tenant_id INTEGER, path TEXT);
        CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
        """

    @Test func unusableDatabases() async throws {
        // The shared database layer's messages (GateDatabase), the same for every verifier.
        #expect(try await runError(nil, "database: app.db")
            == "the database 'app.db' does not exist; check the 'database' parameter (relative paths resolve against the check's root)")
        let dir = try TempDir("tenant-notdb")
        defer { dir.remove() }
        try dir.write(["app.db": String(repeating: "not a database\n", count: 100)])
        let notDB = try await check("database: app.db", root: dir.path).message ?? ""
        #expect(notDB.hasPrefix("'app.db' is not a SQLite database (SQLite says: file is not a database)"), "\(notDB)")
        #expect(try await runError(Self.schema, "database: app.db\ntenant-column: org_id")
            == "no table of 'app.db' has the tenant column 'org_id'; set 'tenant-column' to the column that holds the "
                + "tenant (tables: documents, notes, tenants)")
        #expect(try await runError(Self.schema, "database: app.db\nglobal-tables: [note]")
            == "'global-tables' names 'note', which is not a table of 'app.db'; did you mean 'notes'?")
        #expect(try await runError(Self.schema, "database: app.db\ntenant-table: orgs")
            == "the tenant table 'orgs' (from 'tenant-table') is not in 'app.db'")
        #expect(try await runError(Self.schema, "database: app.db\nrelations: ['notes.doc -> documents.id']")
            .hasPrefix("the relation 'notes.doc -> documents.id' names the column 'notes.doc', which does not exist"))
        #expect(try await runError(Self.schema, "database: app.db\nrelations: ['note.id -> documents.id']")
            == "the relation 'note.id -> documents.id' names the table 'note', which is not in 'app.db'; did you mean 'notes'?")
        #expect(try await runError(Self.schema, "database: app.db\nstorage-prefix: {column: documents.path, template: '{name}/'}")
            == "the 'storage-prefix' template '{name}/' names '{name}', which is not a column of the tenant table 'tenants'")
        #expect(try await runError(Self.schema, "database: app.db\nstorage-prefix: {column: notes.body, template: '{slug}/'}")
            .hasPrefix("the 'storage-prefix' column 'notes.body' is in 'notes', which has no 'tenant_id' column"))
    }
}
