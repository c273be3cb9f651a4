import GateCore

/// cross-tenant-reference: a row whose tenant differs from the tenant of a row it references. Checked on
/// every declared foreign key and configured relation between tenant-scoped tables (and the tenant table),
/// and through tenant-less tables: the two parents of a join table must share a tenant, and a scoped row
/// that references a tenant-less row must share the tenant of that row's scoped parent (one level up).
extension DatabaseAudit {
    mutating func checkReferences() async throws {
        let direct = model.references.filter { r in
            !model.isTenantLink(r) && model.tenantExpression(r.table, alias: "c", d) != nil
                && model.tenantExpression(r.parentTable, alias: "p", d) != nil
                && !(r.table == model.tenantTable?.name && r.parentTable == model.tenantTable?.name)
        }
        var step = 0
        let through = model.tenantLess.map { u in
            (u, model.references.filter { $0.table == u.name && model.tenantExpression($0.parentTable, alias: "p", d) != nil },
             model.references.filter { $0.parentTable == u.name && model.tenantExpression($0.table, alias: "c", d) != nil })
        }
        let total = direct.count + through.reduce(0) { $0 + pairs($1.1).count + $1.1.count * $1.2.count }
        for r in direct {
            step += 1
            try context.checkCancellation()
            context.progress("references: \(r.display) (\(step) / \(total))")
            try await checkDirect(r)
        }
        for (u, parents, children) in through {
            for (a, b) in pairs(parents) {
                step += 1
                try context.checkCancellation()
                context.progress("references through '\(u.name)' (\(step) / \(total))")
                try await checkJoin(u, a, b)
            }
            for child in children {
                for parent in parents {
                    step += 1
                    try context.checkCancellation()
                    context.progress("references through '\(u.name)' (\(step) / \(total))")
                    try await checkLevelUp(child, u, parent)
                }
            }
        }
    }

    /// Two tenants differ, and neither is missing (rows without a tenant are null-tenant's to report).
    private func differ(_ a: String, _ b: String) -> String {
        "\(a) <> \(b) AND NOT \(d.isBlank(a)) AND NOT \(d.isBlank(b))"
    }

    private func pairs(_ refs: [ForeignKey]) -> [(ForeignKey, ForeignKey)] {
        var out: [(ForeignKey, ForeignKey)] = []
        for i in refs.indices { for j in refs.indices where j > i { out.append((refs[i], refs[j])) } }
        return out
    }

    private func on(_ r: ForeignKey, child: String, parent: String) -> String {
        zip(r.columns, r.parentColumns).map { "\(child).\(d.identifier($0)) = \(parent).\(d.identifier($1))" }
            .joined(separator: " AND ")
    }

    /// True when the reference carries the tenant column into the parent's tenant column, so that the
    /// database itself keeps both rows in one tenant.
    private func enforcedBySchema(_ r: ForeignKey) -> Bool {
        zip(r.columns, r.parentColumns).contains { c, p in
            c.caseInsensitiveCompare(model.tenantColumn) == .orderedSame
                && (p.caseInsensitiveCompare(model.tenantColumn) == .orderedSame
                    || (r.parentTable == model.tenantTable?.name && p == model.tenantKey))
        }
    }

    private mutating func checkDirect(_ r: ForeignKey) async throws {
        if enforcedBySchema(r) { referencesEnforcedBySchema += 1; return }
        referencesChecked += 1
        guard let child = model.table(r.table) else { return }
        let ce = model.tenantExpression(r.table, alias: "c", d)!, pe = model.tenantExpression(r.parentTable, alias: "p", d)!
        let from = "FROM \(d.identifier(r.table)) AS c JOIN \(d.identifier(r.parentTable)) AS p ON "
            + on(r, child: "c", parent: "p") + " WHERE " + differ(ce, pe)
        let n = try await count(SQLQuery("SELECT COUNT(*) " + from)).first ?? 0
        guard n > 0 else { return }
        let keys = model.keyColumns(child, d).map { "c." + $0 }.joined(separator: ", ")
        let names = model.keyNames(child, d)
        let ex = try await examples(SQLQuery("SELECT \(keys), \(ce), \(pe) \(from) ORDER BY \(keys)"))
        findings.append(Finding(
            rule: "tenant-isolation/cross-tenant-reference",
            message: "\(rowWord(n)) of '\(r.table)' reference a '\(r.parentTable)' row of another tenant (\(r.display))",
            path: display, identity: "direct:\(r.display)",
            evidence: evidence(count: n, examples: ex.map { row in
                "\(key(names, row)) (tenant \(row[row.count - 2]), '\(r.parentTable)' tenant \(row[row.count - 1]))"
            }, ["reference": r.display, "declared": r.configured ? "no (from 'relations')" : "yes"]),
            help: "Point each row at a '\(r.parentTable)' row of its own tenant; include '\(model.tenantColumn)' in the "
                + "foreign key so that the database enforces it."))
    }

    private mutating func checkJoin(_ u: TableSchema, _ a: ForeignKey, _ b: ForeignKey) async throws {
        referencesChecked += 1
        let ae = model.tenantExpression(a.parentTable, alias: "a", d)!, be = model.tenantExpression(b.parentTable, alias: "b", d)!
        let from = "FROM \(d.identifier(u.name)) AS u JOIN \(d.identifier(a.parentTable)) AS a ON "
            + on(a, child: "u", parent: "a") + " JOIN \(d.identifier(b.parentTable)) AS b ON "
            + on(b, child: "u", parent: "b") + " WHERE " + differ(ae, be)
        let n = try await count(SQLQuery("SELECT COUNT(*) " + from)).first ?? 0
        guard n > 0 else { return }
        let keys = model.keyColumns(u, d).map { "u." + $0 }.joined(separator: ", ")
        let names = model.keyNames(u, d)
        let ex = try await examples(SQLQuery("SELECT \(keys), \(ae), \(be) \(from) ORDER BY \(keys)"))
        let via = "\(a.display) and \(b.display)"
        findings.append(Finding(
            rule: "tenant-isolation/cross-tenant-reference",
            message: "\(rowWord(n)) of the join table '\(u.name)' link a '\(a.parentTable)' row and a '\(b.parentTable)' "
                + "row of different tenants (\(via))",
            path: display, identity: "join:\(u.name):\(a.display):\(b.display)",
            evidence: evidence(count: n, examples: ex.map { row in
                "\(key(names, row)) ('\(a.parentTable)' tenant \(row[row.count - 2]), '\(b.parentTable)' tenant \(row[row.count - 1]))"
            }, ["table": u.name, "references": via]),
            help: "Remove the links between tenants; add '\(model.tenantColumn)' to '\(u.name)' and include it in both "
                + "foreign keys so that the database enforces it."))
    }

    private mutating func checkLevelUp(_ c: ForeignKey, _ u: TableSchema, _ p: ForeignKey) async throws {
        referencesChecked += 1
        guard let child = model.table(c.table) else { return }
        let ce = model.tenantExpression(c.table, alias: "c", d)!, pe = model.tenantExpression(p.parentTable, alias: "p", d)!
        let from = "FROM \(d.identifier(c.table)) AS c JOIN \(d.identifier(u.name)) AS u ON "
            + on(c, child: "c", parent: "u") + " JOIN \(d.identifier(p.parentTable)) AS p ON "
            + on(p, child: "u", parent: "p") + " WHERE " + differ(ce, pe)
        let n = try await count(SQLQuery("SELECT COUNT(*) " + from)).first ?? 0
        guard n > 0 else { return }
        let keys = model.keyColumns(child, d).map { "c." + $0 }.joined(separator: ", ")
        let names = model.keyNames(child, d)
        let ex = try await examples(SQLQuery("SELECT \(keys), \(ce), \(pe) \(from) ORDER BY \(keys)"))
        let path = "\(c.display), \(p.display)"
        findings.append(Finding(
            rule: "tenant-isolation/cross-tenant-reference",
            message: "\(rowWord(n)) of '\(c.table)' reach a '\(p.parentTable)' row of another tenant through the "
                + "tenant-less table '\(u.name)' (\(path))",
            path: display, identity: "levelup:\(c.display):\(p.display)",
            evidence: evidence(count: n, examples: ex.map { row in
                "\(key(names, row)) (tenant \(row[row.count - 2]), '\(p.parentTable)' tenant \(row[row.count - 1]))"
            }, ["through": u.name, "references": path]),
            help: "Point each row at a '\(u.name)' row that belongs to its own tenant; add '\(model.tenantColumn)' to "
                + "'\(u.name)' so that the link can be enforced."))
    }
}
