import GateCore
import GateDatabase

/// Row-level security on PostgreSQL, for the tenant-scoped tables the model found. Each rule is one
/// catalog query; the live probe (`+Probe`) then reads as the application would.
///
/// - `rls-disabled`: a tenant-scoped table without `relrowsecurity`: every role with SELECT sees every tenant.
/// - `rls-not-forced`: RLS on but not forced, and the application's role owns the table: owners bypass
///   RLS unless `FORCE ROW LEVEL SECURITY`.
/// - `rls-no-policy` (warning): RLS on and no policy: the table reads as empty, for every tenant.
/// - `rls-policy-unscoped`: a permissive policy for reads that applies to the application and whose
///   expression names neither the tenant column nor the tenant setting (`USING (true)` among them).
///   Permissive policies are OR-ed, so one such policy opens the table.
/// - `rls-view-bypass`: a view over a tenant table that runs with its owner's rights (not
///   `security_invoker` on PostgreSQL 15 and later, or owned by a role that bypasses RLS), or a
///   materialized view (a copy without RLS).
/// - `rls-definer-function`: a `SECURITY DEFINER` function that reads a tenant table and whose owner
///   bypasses RLS on it.
/// - `rls-bypass-role`: the application's role, or a role it inherits, is superuser or has BYPASSRLS.
struct RowLevelSecurityAudit {
    let connection: any DatabaseConnection
    let model: TenancyModel
    let options: DatabaseOptions
    let display: String
    let context: CheckContext
    var findings: [Finding] = []
    var policiesRead = 0
    var probe = ProbeCounts()

    struct ProbeCounts {
        var tenants = 0
        var queries = 0
        var tablesSkipped: [String] = []
    }

    static let rules = ["rls-disabled", "rls-not-forced", "rls-no-policy", "rls-policy-unscoped", "rls-view-bypass",
                        "rls-definer-function", "rls-bypass-role", "cross-tenant-read"].map { "tenant-isolation/" + $0 }

    func read<T: Sendable>(_ body: @escaping @Sendable (any DatabaseConnection) throws(DatabaseFailure) -> T) async throws -> T {
        try await connection.perform(body)
    }

    var scopedNames: [String] { model.scoped.map(\.name) }

    /// `'a', 'b'` as a SQL array literal of the scoped tables, bound as one text parameter.
    var scopedArray: SQLValue { .text("{" + scopedNames.map { "\"" + $0.replacingOccurrences(of: "\"", with: "\\\"") + "\"" }.joined(separator: ",") + "}") }

    mutating func run() async throws {
        try await checkRole()
        try await checkTables()
        try await checkPolicies()
        try await checkViews()
        try await checkDefinerFunctions()
        if options.appRole != nil { try await runProbe() }
    }

    func finding(_ rule: String, _ message: String, severity: Severity = .error, identity: String, evidence: [String: String],
                 help: String) -> Finding {
        Finding(rule: "tenant-isolation/" + rule, severity: severity, message: message, path: display, identity: identity,
                evidence: evidence, help: help)
    }

    // MARK: rls-bypass-role

    private mutating func checkRole() async throws {
        guard let role = options.appRole else { return }
        let exists = try await read { c throws(DatabaseFailure) in
            try c.first("SELECT 1 FROM pg_catalog.pg_roles WHERE rolname = ?", [.text(role)]) != nil
        }
        guard exists else {
            throw DatabaseProblem("'app-role' names '\(role)', which is not a role of '\(display)'; give the role the application "
                + "connects as")
        }
        let rows = try await read { c throws(DatabaseFailure) in
            try c.rows("""
                SELECT r.rolname, r.rolsuper, r.rolbypassrls, r.rolname = ? FROM pg_catalog.pg_roles r
                WHERE pg_catalog.pg_has_role(?, r.oid, 'MEMBER') ORDER BY r.rolname = ? DESC, r.rolname
                """, [.text(role), .text(role), .text(role)])
        }
        for r in rows where r[1].bool == true || r[2].bool == true {
            let name = r[0].text ?? "?", what = r[1].bool == true ? "is a superuser" : "has BYPASSRLS"
            // Role attributes are not inherited, but a member may SET ROLE to the role that has them.
            let via = name == role ? "'\(role)' \(what): row-level security does not apply to the application at all"
                : "'\(role)' is a member of '\(name)', which \(what): the application can SET ROLE '\(name)' and read past every policy"
            findings.append(finding(
                "rls-bypass-role", via,
                identity: "bypass:\(role):\(name)", evidence: ["role": role, "grantedBy": name],
                help: "Connect the application as a role without SUPERUSER or BYPASSRLS (ALTER ROLE \(name) NOBYPASSRLS), "
                    + "and keep such roles for migrations and administration."))
        }
    }

    // MARK: rls-disabled, rls-not-forced, rls-no-policy

    private mutating func checkTables() async throws {
        let role = options.appRole
        let array = scopedArray
        let rows = try await read { c throws(DatabaseFailure) in
            try c.rows(PostgresSchema.visible + """
                 SELECT c.relname, c.relrowsecurity, c.relforcerowsecurity, pg_catalog.pg_get_userbyid(c.relowner),
                  (SELECT count(*) FROM pg_catalog.pg_policy p WHERE p.polrelid = c.oid),
                  CASE WHEN ?::text IS NULL THEN false ELSE pg_catalog.pg_has_role(?::text, c.relowner, 'USAGE') END
                FROM visible v JOIN pg_catalog.pg_class c ON c.oid = v.oid WHERE c.relname = ANY(?::text[]) ORDER BY c.relname
                """, [role.map { .text($0) } ?? .null, role.map { .text($0) } ?? .null, array])
        }
        for r in rows {
            let table = r[0].text ?? "?", owner = r[3].text ?? "?"
            guard r[1].bool == true else {
                findings.append(finding(
                    "rls-disabled", "table '\(table)' holds tenant data ('\(model.tenantColumn)') but row-level security is off: "
                        + "every role that may SELECT it reads every tenant's rows",
                    identity: "rls-disabled:\(table)", evidence: ["table": table, "owner": owner],
                    help: "ALTER TABLE \(table) ENABLE ROW LEVEL SECURITY, with a policy such as USING (\(model.tenantColumn) = "
                        + "current_setting('\(options.tenantSetting)')::…)."))
                continue
            }
            if r[2].bool != true, r[5].bool == true, let role {
                findings.append(finding(
                    "rls-not-forced", "table '\(table)' has row-level security, but the application's role '\(role)' owns it "
                        + "(owner '\(owner)') and it is not forced: owners bypass the policies",
                    identity: "rls-not-forced:\(table)", evidence: ["table": table, "owner": owner, "role": role],
                    help: "ALTER TABLE \(table) FORCE ROW LEVEL SECURITY, or let another role own the table."))
            }
            if (r[4].int ?? 0) == 0 {
                findings.append(finding(
                    "rls-no-policy", "table '\(table)' has row-level security but no policy: it reads as empty for "
                        + "every role that does not bypass RLS", severity: .warning,
                    identity: "rls-no-policy:\(table)", evidence: ["table": table],
                    help: "Add a policy on '\(model.tenantColumn)', or disable RLS if the table is not read by the application."))
            }
        }
    }
}
