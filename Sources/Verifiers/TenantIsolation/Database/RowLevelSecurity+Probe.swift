import GateCore
import GateDatabase

/// The live probe: as the application's role, with each tenant's setting in turn, count the rows of every
/// tenant table that belong to another tenant. Any such row is a `cross-tenant-read`: whatever the catalog
/// says, the policies as written let the application see it. Read-only, inside a transaction that is
/// rolled back (`SET LOCAL ROLE`, `set_config(…, true)`), one count per table and tenant, examples capped.
extension RowLevelSecurityAudit {
    /// The tenants to probe: the first `probe-tenants` keys of the tenant table, else of the first scoped table.
    func probeTenantValues() async throws -> [String] {
        let d = SQLDialect.postgres, limit = options.probeTenants
        let sql: String
        if let tt = model.tenantTable, let key = model.tenantKey {
            sql = "SELECT \(d.identifier(key))::text FROM \(d.identifier(tt.name)) WHERE \(d.identifier(key)) IS NOT NULL ORDER BY 1 LIMIT \(limit)"
        } else {
            let t = model.scoped[0], c = t.column(named: model.tenantColumn)!
            sql = "SELECT DISTINCT \(d.identifier(c))::text FROM \(d.identifier(t.name)) WHERE \(d.identifier(c)) IS NOT NULL ORDER BY 1 "
                + "LIMIT \(limit)"
        }
        return try await read { c throws(DatabaseFailure) in try c.rows(sql).compactMap { $0[0].text } }
    }

    mutating func runProbe() async throws {
        guard let role = options.appRole else { return }
        let d = SQLDialect.postgres
        let tenants = try await probeTenantValues()
        probe.tenants = tenants.count
        // Tables the role may not SELECT are not the policies' business; they are listed in the stats.
        let array = scopedArray
        let readable = try await read { c throws(DatabaseFailure) in
            try c.rows("SELECT t FROM unnest(?::text[]) AS t WHERE pg_catalog.has_table_privilege(?, pg_catalog.quote_ident(t), 'SELECT')",
                       [array, .text(role)]).compactMap { $0[0].text }
        }
        probe.tablesSkipped = scopedNames.filter { !readable.contains($0) }
        let tables = model.scoped.filter { readable.contains($0.name) }
        guard !tenants.isEmpty, !tables.isEmpty else { return }
        let setting = options.tenantSetting, maxExamples = options.maxExamples
        for tenant in tenants {
            try context.checkCancellation()
            context.progress("row-level security: reading as '\(role)' with \(setting) = '\(tenant)'")
            for table in tables {
                let column = d.identifier(table.column(named: model.tenantColumn)!)
                let keys = model.keyColumns(table, d).joined(separator: ", ")
                let other = "FROM \(d.identifier(table.name)) WHERE \(column) IS NULL OR \(column)::text <> ?"
                probe.queries += 1
                let (count, examples) = try await read { c throws(DatabaseFailure) in
                    try Self.asTenant(c, role: role, setting: setting, tenant: tenant) { c throws(DatabaseFailure) in
                        let n = try c.first("SELECT count(*) \(other)", [.text(tenant)])?[0].int ?? 0
                        let ex = n == 0 || maxExamples == 0 ? [] : try c.rows("SELECT \(keys), \(column)::text \(other) ORDER BY \(keys)",
                                                                              [.text(tenant)], limit: maxExamples).map { $0.values.map(\.display) }
                        return (Int(n), ex)
                    }
                }
                guard count > 0 else { continue }
                let names = model.keyNames(table, d)
                findings.append(finding(
                    "cross-tenant-read", "as '\(role)' with \(setting) = '\(tenant)', \(count == 1 ? "1 row" : "\(count) rows") of "
                        + "'\(table.name)' belonging to another tenant (or none) are visible",
                    identity: "probe:\(table.name):\(tenant)",
                    evidence: ["table": table.name, "tenant": tenant, "rows": String(count),
                               "examples": context.redactor.redact(examples.map { row in
                                   "\(row.prefix(names.count).joined(separator: ", ")) (tenant \(row.last ?? "NULL"))"
                               }.joined(separator: "; "))].filter { !$0.value.isEmpty },
                    help: "Fix the policies on '\(table.name)' so that they compare '\(model.tenantColumn)' with "
                        + "current_setting('\(setting)'), and check the rls-* findings above."))
            }
        }
    }

    /// Runs `body` inside `BEGIN READ ONLY; SET LOCAL ROLE; set_config(setting, tenant, true)`, always rolled back.
    static func asTenant<T>(_ c: any DatabaseConnection, role: String, setting: String, tenant: String,
                            _ body: (any DatabaseConnection) throws(DatabaseFailure) -> T) throws(DatabaseFailure) -> T {
        try c.execute("BEGIN READ ONLY")
        do throws(DatabaseFailure) {
            do throws(DatabaseFailure) {
                try c.execute("SET LOCAL ROLE \(TableName.quote(role))")
            } catch where error.kind == .permission {
                throw DatabaseFailure(.permission, "gate may not act as the application's role '\(role)' on '\(c.displayName)' "
                    + "(\(error.message)); grant '\(role)' to the user gate connects as, or drop 'app-role' to skip the live probe")
            }
            _ = try c.first("SELECT pg_catalog.set_config(?, ?, true)", [.text(setting), .text(tenant)])
            let result = try body(c)
            try c.execute("ROLLBACK")
            return result
        } catch {
            try? c.execute("ROLLBACK")
            throw error
        }
    }
}
