import GateCore

/// storage-prefix: a stored object path (an S3 key, a file path) must lie under its tenant's prefix, such
/// as `tenants/{slug}/`. A path that climbs out with `..` counts as outside even when its text starts with
/// the prefix. NULL paths are not checked; rows without a tenant are null-tenant's business.
extension DatabaseAudit {
    mutating func checkStoragePrefix(_ sp: DatabaseOptions.StoragePrefix) async throws {
        let where_ = "'storage-prefix' column '\(sp.column.text)'"
        guard let table = model.tables.first(where: { $0.name.caseInsensitiveCompare(sp.column.table) == .orderedSame })
        else {
            throw DatabaseProblem("the \(where_) names the table '\(sp.column.table)', which is not in '\(display)'"
                + TenancyModel.suggestion(sp.column.table, model.tables.map(\.name)))
        }
        guard let column = table.column(named: sp.column.column) else {
            throw DatabaseProblem("the \(where_) names a column that '\(table.name)' does not have"
                + TenancyModel.suggestion(sp.column.column, table.columns))
        }
        guard model.isScoped(table.name), let tc = table.column(named: model.tenantColumn) else {
            throw DatabaseProblem("the \(where_) is in '\(table.name)', which has no '\(model.tenantColumn)' column "
                + "(or is global), so its rows have no tenant to compare with")
        }
        guard let tt = model.tenantTable, let tenantKey = model.tenantKey else {
            throw DatabaseProblem("'storage-prefix' fills its template from the tenant table, and '\(options.tenantTable)' "
                + "is not in '\(display)' (or has no single-column key); set 'tenant-table'")
        }
        for c in sp.template.columns where tt.column(named: c) == nil {
            throw DatabaseProblem("the 'storage-prefix' template '\(sp.template)' names '{\(c)}', which is not a column of "
                + "the tenant table '\(tt.name)'" + TenancyModel.suggestion(c, tt.columns))
        }
        pathsChecked += 1
        context.progress("storage paths in \(table.name).\(column)")
        let prefix = sp.template.sql(alias: "t", columnName: { tt.column(named: $0)! }, d)
        let value = "c.\(d.identifier(column))"
        let outside = "\(value) IS NOT NULL AND (\(prefix.sql) IS NULL OR substr(\(value), 1, length(\(prefix.sql))) "
            + "<> \(prefix.sql) OR \(d.contains("'/' || \(value) || '/'", "'/../'")))"
        let from = "FROM \(d.identifier(table.name)) AS c JOIN \(d.identifier(tt.name)) AS t "
            + "ON c.\(d.identifier(tc)) = t.\(d.identifier(tenantKey)) WHERE \(outside)"
        let whereArgs = prefix.arguments + prefix.arguments + prefix.arguments
        let n = try await count(SQLQuery("SELECT COUNT(*) " + from, whereArgs)).first ?? 0
        guard n > 0 else { return }
        let keys = model.keyColumns(table, d).map { "c." + $0 }.joined(separator: ", ")
        let names = model.keyNames(table, d)
        let ex = try await examples(SQLQuery("SELECT \(keys), \(value), \(prefix.sql) \(from) ORDER BY \(keys)",
                                             prefix.arguments + whereArgs))
        findings.append(Finding(
            rule: "tenant-isolation/storage-prefix",
            message: "\(rowWord(n)) of '\(table.name)' store a path in '\(column)' outside their tenant's prefix "
                + "'\(sp.template)'",
            path: display, identity: "storage:\(table.name).\(column)",
            evidence: evidence(count: n, examples: ex.map { row in
                "\(key(names, row)): '\(Self.short(row[row.count - 2]))' (expected prefix '\(row[row.count - 1])')"
            }, ["column": "\(table.name).\(column)", "template": sp.template.description]),
            help: "Move the objects under their tenant's prefix and update '\(column)', or fix the code that builds "
                + "the paths."))
    }

    static func short(_ s: String) -> String { s.count > 120 ? String(s.prefix(117)) + "..." : s }
}
