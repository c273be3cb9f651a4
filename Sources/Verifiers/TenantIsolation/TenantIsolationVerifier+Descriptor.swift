import GateCore
import GRDB

extension TenantIsolationVerifier {
    public static let descriptor = VerifierDescriptor(
        id: "tenant-isolation",
        summary: "No data crosses tenants: database invariants, and an HTTP authorization matrix with no hard 500s.",
        discussion: """
            Database mode (`database`) opens a SQLite file or a PostgreSQL database read-only and discovers
            tables and foreign keys from the schema (PRAGMA foreign_key_list, pg_catalog). A table with the tenant column is tenant-scoped; the tenant
            table is the root; tables in `global-tables` are exempt. Each rule is one set-based query per
            table or reference that counts offending rows and fetches at most `max-examples` row keys, so
            memory does not grow with the data. References are checked directly, through join tables (both
            parents must share a tenant) and one level up (a scoped row that references a tenant-less row must
            share the tenant of that row's scoped parent). A reference that carries the tenant column into the
            parent's key is enforced by the database and skipped.

            On PostgreSQL, row-level security is checked too: tenant tables without RLS, RLS not forced for an
            owning application role, RLS without a policy, permissive read policies that ignore the tenant,
            views and SECURITY DEFINER functions that read tenant tables with rights RLS does not apply to,
            and an application role that bypasses RLS. With `app-role`, a live probe then reads every tenant
            table as that role with each of `probe-tenants` tenants set in `tenant-setting`, in a rolled-back
            read-only transaction: any row of another tenant is a `cross-tenant-read`.

            HTTP mode (`base-url`) reads each tenant's token from the environment variable its
            `token-env` names, or logs the tenant in with the password in its `password-env` (`login`,
            again after a 401 once the token had worked); passwords and tokens never appear in findings,
            logs or reports. With `openapi`, the service's OpenAPI 3.0 or 3.1 document says what to
            probe: operations with one path parameter and a security requirement, their methods and
            example bodies, the list at the parent path (its id and owner fields) and the login;
            `resources` and `login` override it. For every actor and owner (actor ≠ owner) and every
            resource, it requests the owner's objects with the actor's credentials twice: at the owner's
            path, and at the actor's own path carrying the owner's id (the classic IDOR, where the
            handler checks the path's tenant and then loads by id alone). Anything but a 2xx is
            enforcement. It also checks that each owner can read its own objects (else its cells prove
            nothing: `owner-denied`), that nothing answers 2xx without credentials, that a list holds no
            other owner's objects (`owner-field`), and that malformed ids (`../x`, very long,
            non-numeric, unicode, empty, quotes, SQL and template metacharacters, NUL, numbers past 64
            bits, encoded slashes) and duplicate creates never produce a 5xx. Only the host and port of
            `base-url` are contacted and redirects are never followed; GET and HEAD are the default
            methods, and mutating methods need `allow-mutations: true`. A method a resource answers only
            with 405 or 501 is not supported there: it is left out of that resource's judgement (the
            summary says so), and only a resource that supports none of `methods` is an error. Requests
            go through gate's shared libcurl client (GateHTTP): HTTP or HTTPS (with `ca`, or `insecure:
            true` as curl -k), HTTP/2 where the server offers it, proxies from the check's environment,
            kept-alive connections.

            The stats hold the matrix in AuthMatrix's style: `http.matrix[resource][actor][owner]` is
            `enforced`, `bypassed`, `error` or `untested` (`own` or `denied` on the diagonal). JUnit has one
            testcase per resource pattern, plus one per database rule. Peers: Burp's Autorize and AuthMatrix
            do the HTTP half by hand in a proxy; hand-written smoke scripts do both halves, once.
            """,
        parameters: [
            ParameterSpec("database", .any,
                          "Database mode: a SQLite file, a postgres:// URL (libpq's PG* variables and ~/.pgpass apply; the "
                          + "password is never shown) or {url-env: NAME}; opened read-only."),
            ParameterSpec("tenant-column", .string, default: "tenant_id", "The column that holds a row's tenant."),
            ParameterSpec("tenant-table", .string, default: "tenants",
                          "The root table of tenants; its key is what tenant columns hold."),
            ParameterSpec("global-tables", .stringList, "Tables shared by every tenant, exempt from every rule."),
            ParameterSpec("relations", .any,
                          "References the schema does not declare: 'child.column -> parent.column' or {from, to}, one or a list."),
            ParameterSpec("storage-prefix", .any,
                          "Columns holding storage paths: {column: documents.storage_key, template: \"tenants/{slug}/\"}, "
                          + "one or a list; {…} names a column of the tenant table."),
            ParameterSpec("max-examples", .int, default: "5", range: 0...1000, "Row keys shown per database finding."),
            ParameterSpec("statement-timeout", .duration, default: "60s", "The longest one database query may run."),
            ParameterSpec("app-role", .string,
                          "PostgreSQL: the role the application connects as. Enables the role checks and the live probe, "
                          + "which reads as this role (SET LOCAL ROLE, so gate's user must be a member) in a rolled-back "
                          + "read-only transaction."),
            ParameterSpec("tenant-setting", .string, default: "app.tenant_id",
                          "PostgreSQL: the setting the policies read the tenant from (current_setting('app.tenant_id'))."),
            ParameterSpec("probe-tenants", .int, default: "3", range: 1...100, "PostgreSQL: how many tenants the live probe sets in turn."),
            ParameterSpec("base-url", .string,
                          "HTTP mode: http(s)://host:port[/prefix] of the running service; loopback or an address you name. "
                          + "{port} is the port 'service' writes (default with 'service': http://127.0.0.1:{port})."),
            ParameterSpec("service", .any,
                          "HTTP mode: {run, port-file?, cwd?, env?, start-timeout?}: starts the service under test before the "
                          + "probes, in its own process group, waits until it writes its port to port-file, and stops it "
                          + "afterwards (as health's 'service')."),
            ParameterSpec("insecure", .bool, default: "false", "HTTP mode: skip certificate verification on https (curl -k)."),
            ParameterSpec("ca", .path, "HTTP mode: a PEM file of trusted CAs for https instead of the system's (curl --cacert)."),
            ParameterSpec("tenants", .mapList,
                          "At least two {name, token-env, slug?}: the token is read from the environment variable "
                          + "token-env (or from the file token-file, read when the check runs: a mounted secret, or a token "
                          + "the service writes as it starts); slug replaces {tenant} in paths (default: name). With 'login': {name, username?, "
                          + "password-env} instead, the password read from password-env and never shown."),
            ParameterSpec("openapi", .path,
                          "The service's OpenAPI 3.0 or 3.1 document (YAML or JSON): resources, methods, bodies, list "
                          + "operations with their id and owner fields, and the login are learned from it; 'resources' and "
                          + "'login' override what was learned."),
            ParameterSpec("login", .any,
                          "{path, method?, body?, token}: how tenants with 'password-env' log in (POST of "
                          + "{username, password} by default; 'token' selects the token in the answer, such as $.auth_token). "
                          + "Or a flow: a list of steps {path, method?, headers?, body?, capture?}, each capture ({nonce: "
                          + "$.nonce}) filling {nonce} in later steps, one capturing {token: ...}. Strings may hold {username}, "
                          + "{password} and {tenant}. A capture may read a header (header:Location) or a cookie "
                          + "(cookie:csrftoken); cookies the answers set are sent on the later steps, and a token captured as "
                          + "cookie:NAME is sent as that cookie on the probes. Run again for a tenant whose probes answer 401 "
                          + "after its token worked."),
            ParameterSpec("resources", .mapList,
                          "Each {path: /tenants/{tenant}/documents/{id}} with 'ids' (tenant name to ids) or 'ids-from' "
                          + "(a list path, or {path, selector, id-field, owner-field} such as $.documents[*].id or "
                          + "$.Books[?(@.user == '{tenant}')].book_title). The object placeholder may have any name. "
                          + "'methods' overrides the check's for this resource; 'body' is the JSON that POST, PUT and PATCH send."),
            ParameterSpec("methods", .stringList, default: "[GET, HEAD]", "Methods to probe with."),
            ParameterSpec("allow-mutations", .bool, default: "false",
                          "Allow POST, PUT, PATCH and DELETE in 'methods' (they run with other tenants' credentials)."),
            ParameterSpec("timeout", .duration, default: "10s", "Time limit of one probe; a probe that exceeds it is an error cell."),
            ParameterSpec("concurrency", .int, default: "4", range: 1...256, "Probes in flight at once."),
            ParameterSpec("max-ids", .int, default: "3", range: 1...1000, "Object ids probed per tenant and resource."),
            ParameterSpec("auth-header", .string, default: "Authorization", "The header that carries the token (Cookie, sending NAME=token, when the login captures the token as cookie:NAME)."),
            ParameterSpec("auth-scheme", .string, default: "Bearer", "Written before the token; empty sends the token alone."),
            ParameterSpec("csrf", .any,
                          "{cookie, header}: a double-submit CSRF check, such as {cookie: csrftoken, header: X-CSRFToken} "
                          + "(Django) or {cookie: XSRF-TOKEN, header: X-XSRF-TOKEN} (Laravel, Angular): each tenant's probes "
                          + "send back the cookie its login ended with, and its value in the header, so that writes are "
                          + "judged rather than refused by the CSRF check. Needs 'login'. The probes of a cookie login "
                          + "carry all its cookies in any case."),
            ParameterSpec("malformed-ids", .bool, default: "true", "Also probe malformed ids, which must never produce a 5xx."),
        ],
        rules: [
            RuleDescriptor("tenant-isolation/null-tenant", "Rows whose tenant is NULL or empty, or names no tenant.",
                           help: "Assign every row to its tenant and make the tenant column NOT NULL with a foreign key."),
            RuleDescriptor("tenant-isolation/cross-tenant-reference",
                           "A row references a row of another tenant (directly, through a join table, or one level up).",
                           help: "Repoint the rows; include the tenant column in foreign keys so that the database enforces it."),
            RuleDescriptor("tenant-isolation/missing-tenant-column",
                           "A table linked to tenant-scoped tables has no tenant column and is not global.",
                           help: "Add the tenant column, or list the table in 'global-tables' if every tenant shares it."),
            RuleDescriptor("tenant-isolation/unscoped-unique", "A unique index leaves out the tenant column.",
                           severity: .warning, help: "Make it unique per tenant: UNIQUE (tenant_id, ...)."),
            RuleDescriptor("tenant-isolation/storage-prefix", "A stored path lies outside its tenant's prefix.",
                           help: "Move the object under its tenant's prefix and fix the code that builds paths."),
            RuleDescriptor("tenant-isolation/cross-tenant-read",
                           "A tenant's credentials read another tenant's object (HTTP 2xx), or on PostgreSQL the application's "
                            + "role, with one tenant set, sees rows of another.",
                           help: "Load objects by id and tenant together, and answer 404 to other tenants; on PostgreSQL fix the policies."),
            RuleDescriptor("tenant-isolation/rls-disabled", "PostgreSQL: a tenant-scoped table without row-level security.",
                           help: "ENABLE ROW LEVEL SECURITY with a policy on the tenant column."),
            RuleDescriptor("tenant-isolation/rls-not-forced",
                           "PostgreSQL: the application's role owns a tenant table whose row-level security is not forced.",
                           help: "ALTER TABLE … FORCE ROW LEVEL SECURITY, or let another role own it."),
            RuleDescriptor("tenant-isolation/rls-no-policy",
                           "PostgreSQL: row-level security on, but no policy: the table reads as empty.", severity: .warning,
                           help: "Add a policy on the tenant column."),
            RuleDescriptor("tenant-isolation/rls-policy-unscoped",
                           "PostgreSQL: a permissive read policy for the application names neither the tenant column nor the "
                            + "tenant setting (USING (true) among them).",
                           help: "Compare the tenant column with current_setting(tenant-setting), or make the policy RESTRICTIVE."),
            RuleDescriptor("tenant-isolation/rls-view-bypass",
                           "PostgreSQL: a view over a tenant table runs with its owner's rights (security_invoker off, an owner "
                            + "that bypasses RLS), or a materialized view copies tenant rows.",
                           help: "ALTER VIEW … SET (security_invoker = true), or filter by tenant in the view."),
            RuleDescriptor("tenant-isolation/rls-definer-function",
                           "PostgreSQL: a SECURITY DEFINER function reads a tenant table as an owner RLS does not apply to.",
                           help: "Make it SECURITY INVOKER, or filter by the tenant setting inside it."),
            RuleDescriptor("tenant-isolation/rls-bypass-role",
                           "PostgreSQL: the application's role (or one it inherits) is superuser or has BYPASSRLS.",
                           help: "Connect the application as a role without SUPERUSER or BYPASSRLS."),
            RuleDescriptor("tenant-isolation/unauthenticated-read", "A request without credentials was answered 2xx.",
                           help: "Require credentials on every route of the resource; answer 401 without them."),
            RuleDescriptor("tenant-isolation/server-error", "A probe was answered with a 5xx (the no-hard-500 rule).",
                           help: "Validate ids and rights before loading, and answer 4xx."),
            RuleDescriptor("tenant-isolation/owner-denied",
                           "A tenant cannot read or list its own objects, so its matrix cells prove nothing.",
                           help: "Fix the tenant's token or ids; drop HEAD from 'methods' if the service does not answer it."),
            RuleDescriptor("tenant-isolation/cross-tenant-write",
                           "A tenant's credentials change or delete another tenant's object (POST, PUT, PATCH or DELETE answered 2xx).",
                           help: "Check that the caller's tenant owns the object before changing it, and answer 403 or 404."),
            RuleDescriptor("tenant-isolation/cross-tenant-list",
                           "A tenant's list endpoint returns objects whose owner field names another tenant.",
                           help: "Filter lists by the caller's tenant on the server, as the object routes do."),
            RuleDescriptor("tenant-isolation/ids-overlap",
                           "Two tenants' ids (given or listed) share ids, which are then not probed.", severity: .warning,
                           help: "Give 'ids-from' an 'owner-field' or a [?(@.owner == '{tenant}')] filter, or fix 'ids'."),
            RuleDescriptor("tenant-isolation/probe-failed", "A probe got no answer (timeout or connection error).",
                           help: "Raise 'timeout', lower 'concurrency', or find why the service hangs."),
        ],
        examples: [
            VerifierExample("A database where every reference stays inside its tenant", with: "database: app.db",
                            expect: .passed, prepare: { try ExampleDatabase.create($0, rows: ExampleDatabase.clean) },
                            prepareShell: ExampleDatabase.shell(rows: ExampleDatabase.clean)),
            VerifierExample("A document filed in another tenant's folder", with: "database: app.db",
                            expect: .failed, expectRules: ["tenant-isolation/cross-tenant-reference"],
                            prepare: { try ExampleDatabase.create($0, rows: ExampleDatabase.misfiled) },
                            prepareShell: ExampleDatabase.shell(rows: ExampleDatabase.misfiled)),
            VerifierExample("A document without a tenant", with: "database: app.db",
                            expect: .failed, expectRules: ["tenant-isolation/null-tenant"],
                            prepare: { try ExampleDatabase.create($0, rows: ExampleDatabase.orphan) },
                            prepareShell: ExampleDatabase.shell(rows: ExampleDatabase.orphan)),
            VerifierExample("A service where each tenant reaches only its own documents", with: ExampleService.check(),
                            files: ExampleService.files, expect: .passed),
            VerifierExample("An IDOR: the service checks the tenant in the path, then loads any document by its id",
                            with: ExampleService.check(flags: " --idor"), files: ExampleService.files, expect: .failed,
                            expectRules: ["tenant-isolation/cross-tenant-read"]),
        ])
}

/// The small service behind the HTTP examples: two tenants with two documents each, tokens made up at
/// start and written to `<tenant>.token` (read through `token-file`), the port written to `port`.
enum ExampleService {
    static let app = #"""
        import argparse, json, os, re, secrets
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
        p = argparse.ArgumentParser()
        p.add_argument("--port-file", required=True)
        p.add_argument("--idor", action="store_true")
        a = p.parse_args()
        docs = {1: "acme", 2: "acme", 3: "globex", 4: "globex"}
        tokens = {}
        for tenant in ("acme", "globex"):
            tokens[secrets.token_hex(16)] = tenant
        for token, tenant in tokens.items():
            with open(tenant + ".token", "w") as f:
                f.write(token)

        class H(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            def log_message(self, *args): pass
            def reply(self, code, body):
                data = json.dumps(body).encode()
                self.send_response(code)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
            def do_GET(self):
                auth = self.headers.get("Authorization", "")
                caller = tokens.get(auth[7:]) if auth.startswith("Bearer ") else None
                if caller is None:
                    return self.reply(401, {"error": "log in"})
                m = re.fullmatch(r"/tenants/(\w+)/documents(?:/([^/]*))?", self.path)
                if not m:
                    return self.reply(404, {"error": "not found"})
                if m[1] != caller:
                    return self.reply(403, {"error": "not your tenant"})
                if m[2] is None:
                    return self.reply(200, [{"id": i} for i, t in docs.items() if t == caller])
                doc = int(m[2]) if m[2].isdigit() else None
                if doc not in docs or (docs[doc] != caller and not a.idor):
                    return self.reply(404, {"error": "no such document"})
                self.reply(200, {"id": doc, "tenant": docs[doc]})
            do_HEAD = do_GET

        server = ThreadingHTTPServer(("127.0.0.1", 0), H)
        server.daemon_threads = True
        with open(a.port_file + ".tmp", "w") as f:
            f.write(str(server.server_address[1]))
        os.replace(a.port_file + ".tmp", a.port_file)
        server.serve_forever()
        """#

    static let files = ["api.py": app]

    static func check(flags: String = "") -> String {
        """
        service: {run: "python3 api.py --port-file port\(flags)", port-file: port}
        tenants:
          - {name: acme, token-file: acme.token}
          - {name: globex, token-file: globex.token}
        resources:
          - {path: "/tenants/{tenant}/documents/{id}", ids-from: "/tenants/{tenant}/documents"}
        """
    }
}

/// The small schema behind the examples: two tenants, their folders and documents.
enum ExampleDatabase {
    static let schema = """
        CREATE TABLE tenants (id INTEGER PRIMARY KEY, slug TEXT NOT NULL);
        CREATE TABLE folders (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id), name TEXT);
        CREATE TABLE documents (id INTEGER PRIMARY KEY, tenant_id INTEGER REFERENCES tenants(id),
                                folder_id INTEGER REFERENCES folders(id), title TEXT);
        """
    static let clean = """
        INSERT INTO tenants VALUES (1, 'acme'), (2, 'globex');
        INSERT INTO folders VALUES (10, 1, 'contracts'), (20, 2, 'contracts');
        INSERT INTO documents VALUES (1, 1, 10, 'nda'), (2, 2, 20, 'msa');
        """

    static let misfiled = clean + "INSERT INTO documents VALUES (12, 1, 20, 'misfiled');\n"
    static let orphan = clean + "INSERT INTO documents VALUES (13, NULL, NULL, 'orphan');\n"

    /// The same database made by the sqlite3 shell, as `gate explain` prints it.
    static func shell(rows: String) -> String { ExampleShell.sqlite("app.db", schema + "\n" + rows) }

    static func create(_ root: String, rows: String) throws {
        let queue = try DatabaseQueue(path: root + "/app.db")
        try queue.write { try $0.execute(sql: schema + rows) }
        try queue.close()
    }
}
