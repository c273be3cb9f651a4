import GateCore
import GateDatabase

/// The policies, views and SECURITY DEFINER functions that decide what the application can read.
extension RowLevelSecurityAudit {
    // MARK: rls-policy-unscoped

    /// Permissive policies for reads (ALL or SELECT) that apply to the application (to PUBLIC, to its role or
    /// to a role it inherits; to everyone when 'app-role' is not given), on scoped tables with RLS on.
    mutating func checkPolicies() async throws {
        let role = options.appRole, array = scopedArray
        let rows = try await read { c throws(DatabaseFailure) in
            try c.rows(PostgresSchema.visible + """
                 SELECT c.relname, p.polname, pg_catalog.pg_get_expr(p.polqual, p.polrelid), p.polcmd
                FROM pg_catalog.pg_policy p JOIN visible v ON v.oid = p.polrelid JOIN pg_catalog.pg_class c ON c.oid = p.polrelid
                WHERE c.relrowsecurity AND p.polpermissive AND p.polcmd IN ('*', 'r') AND c.relname = ANY(?::text[])
                  AND (?::text IS NULL OR 0 = ANY(p.polroles)
                       OR EXISTS (SELECT 1 FROM unnest(p.polroles) AS r(oid) WHERE pg_catalog.pg_has_role(?::text, r.oid, 'USAGE')))
                ORDER BY c.relname, p.polname
                """, [array, role.map { .text($0) } ?? .null, role.map { .text($0) } ?? .null])
        }
        policiesRead = rows.count
        for r in rows {
            let table = r[0].text ?? "?", policy = r[1].text ?? "?", expression = r[2].text ?? "true"
            guard !mentionsTenant(expression) else { continue }
            findings.append(finding(
                "rls-policy-unscoped", "policy '\(policy)' on '\(table)' lets the application read rows without looking at the "
                    + "tenant: USING (\(Self.short(expression))) names neither '\(model.tenantColumn)' nor "
                    + "current_setting('\(options.tenantSetting)'); permissive policies are OR-ed, so it opens every tenant's rows",
                identity: "policy:\(table):\(policy)", evidence: ["table": table, "policy": policy, "using": Self.short(expression)],
                help: "Compare '\(model.tenantColumn)' with the tenant setting in the policy, or make it RESTRICTIVE if it only "
                    + "narrows another policy."))
        }
    }

    /// The expression compares rows by tenant: it names the tenant column (as a word, quoted or not) or reads
    /// the tenant setting. A policy that names it and still lets everything through is the probe's to find.
    func mentionsTenant(_ expression: String) -> Bool {
        let lower = expression.lowercased(), column = model.tenantColumn.lowercased()
        if lower.contains(options.tenantSetting.lowercased()) { return true }
        var search = lower.startIndex
        while let r = lower.range(of: column, range: search..<lower.endIndex) {
            let before = r.lowerBound == lower.startIndex ? " " : lower[lower.index(before: r.lowerBound)]
            let after = r.upperBound == lower.endIndex ? " " : lower[r.upperBound]
            func boundary(_ ch: Character) -> Bool { !(ch.isLetter || ch.isNumber || ch == "_") }
            if boundary(before), boundary(after) { return true }
            search = r.upperBound
        }
        return false
    }

    static func short(_ s: String) -> String {
        let flat = s.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return flat.count > 160 ? String(flat.prefix(157)) + "..." : flat
    }

    // MARK: rls-view-bypass

    mutating func checkViews() async throws {
        let array = scopedArray
        let rows = try await read { c throws(DatabaseFailure) in
            try c.rows("""
                SELECT DISTINCT vn.nspname || '.' || v.relname, v.relkind, t.relname, pg_catalog.pg_get_userbyid(v.relowner),
                  COALESCE(o.rolsuper OR o.rolbypassrls, false),
                  v.relowner = t.relowner AND NOT t.relforcerowsecurity,
                  COALESCE(lower(v.reloptions::text), '{}') ~ 'security_invoker=(1|true|yes|on)'
                FROM pg_catalog.pg_rewrite w JOIN pg_catalog.pg_class v ON v.oid = w.ev_class
                JOIN pg_catalog.pg_namespace vn ON vn.oid = v.relnamespace
                JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::regclass AND d.objid = w.oid
                JOIN pg_catalog.pg_class t ON t.oid = d.refobjid AND t.relkind IN ('r', 'p') AND t.oid <> v.oid
                LEFT JOIN pg_catalog.pg_roles o ON o.oid = v.relowner
                WHERE v.relkind IN ('v', 'm') AND vn.nspname NOT IN ('pg_catalog', 'information_schema')
                  AND pg_catalog.pg_table_is_visible(t.oid) AND t.relname = ANY(?::text[])
                ORDER BY 1, 3
                """, [array])
        }
        let invokerExists = connection.serverVersion >= 150000
        for r in rows {
            let view = r[0].text ?? "?", table = r[2].text ?? "?", owner = r[3].text ?? "?"
            let why: String
            if r[1].text == "m" {
                why = "is a materialized view, a copy of the rows that row-level security does not filter"
            } else if invokerExists && r[6].bool == true {
                continue  // security_invoker: the reader's rights and policies apply
            } else if r[4].bool == true {
                why = "runs with its owner's rights, and its owner '\(owner)' bypasses row-level security (superuser or BYPASSRLS)"
            } else if r[5].bool == true {
                why = "runs with its owner's rights, and its owner '\(owner)' owns '\(table)', whose RLS is not forced"
            } else if invokerExists {
                // splinter 0010_security_definer_view: on 15 and later, a view without security_invoker is an error.
                why = "runs with its owner's ('\(owner)') rights and policies rather than the reader's (security_invoker is off)"
            } else {
                continue
            }
            findings.append(finding(
                "rls-view-bypass", "view '\(view)' reads the tenant table '\(table)' and \(why)",
                identity: "view:\(view):\(table)", evidence: ["view": view, "table": table, "owner": owner],
                help: invokerExists
                    ? "ALTER VIEW \(view) SET (security_invoker = true), or drop it; a materialized view of tenant data needs "
                        + "its own tenant filter"
                    : "Give the view an owner subject to the policies (and FORCE ROW LEVEL SECURITY on the table), or filter by "
                        + "tenant in the view."))
        }
    }

    // MARK: rls-definer-function

    mutating func checkDefinerFunctions() async throws {
        let array = scopedArray
        let rows = try await read { c throws(DatabaseFailure) in
            try c.rows(PostgresSchema.visible + """
                 SELECT DISTINCT n.nspname || '.' || p.proname, t.relname, pg_catalog.pg_get_userbyid(p.proowner)
                FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace
                JOIN visible v ON true JOIN pg_catalog.pg_class t ON t.oid = v.oid
                LEFT JOIN pg_catalog.pg_roles o ON o.oid = p.proowner
                WHERE p.prosecdef AND n.nspname NOT IN ('pg_catalog', 'information_schema') AND t.relname = ANY(?::text[])
                  AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e WHERE e.classid = 'pg_catalog.pg_proc'::regclass
                                  AND e.objid = p.oid AND e.deptype = 'e')
                  AND p.prosrc ~* ('\\m' || regexp_replace(t.relname, '([^A-Za-z0-9_])', '\\\\\\1', 'g') || '\\M')
                  AND (COALESCE(o.rolsuper OR o.rolbypassrls, false) OR (p.proowner = t.relowner AND NOT t.relforcerowsecurity)
                       OR NOT t.relrowsecurity)
                ORDER BY 1, 2
                """, [array])
        }
        for r in rows {
            let function = r[0].text ?? "?", table = r[1].text ?? "?", owner = r[2].text ?? "?"
            findings.append(finding(
                "rls-definer-function", "SECURITY DEFINER function '\(function)' reads the tenant table '\(table)' as its owner "
                    + "'\(owner)', to whom row-level security on '\(table)' does not apply: whoever may call it reads every tenant",
                identity: "function:\(function):\(table)", evidence: ["function": function, "table": table, "owner": owner],
                help: "Make it SECURITY INVOKER, filter by current_setting('\(options.tenantSetting)') inside it, or give it an "
                    + "owner subject to the policies (with FORCE ROW LEVEL SECURITY)."))
        }
    }
}
