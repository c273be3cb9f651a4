import Foundation
import GateCore

/// The schema sorted by tenancy: the tenant table, the tenant-scoped tables (those with the tenant
/// column), the global tables the user exempted, and the rest (tenant-less tables). Built once from the
/// schema and the options; every check reads it.
struct TenancyModel: Sendable {
    let tables: [TableSchema]
    let tenantColumn: String
    /// The root table of tenants, when the database has it.
    let tenantTable: TableSchema?
    /// The tenant table's key: the column that tenant columns hold.
    let tenantKey: String?
    let scoped: [TableSchema]
    let global: [TableSchema]
    let tenantLess: [TableSchema]
    /// Declared foreign keys and configured relations, in the schema's spelling.
    let references: [ForeignKey]

    init(tables: [TableSchema], options: DatabaseOptions, display: String) throws {
        func find(_ name: String) -> TableSchema? {
            tables.first { $0.name.caseInsensitiveCompare(name) == .orderedSame }
        }
        let names = tables.map(\.name)
        self.tables = tables
        tenantColumn = options.tenantColumn

        for g in options.globalTables where find(g) == nil {
            throw DatabaseProblem("'global-tables' names '\(g)', which is not a table of '\(display)'"
                + Self.suggestion(g, names))
        }
        let globalNames = Set(options.globalTables.compactMap { find($0)?.name })

        tenantTable = find(options.tenantTable)
        if tenantTable == nil, options.tenantTableIsExplicit {
            throw DatabaseProblem("the tenant table '\(options.tenantTable)' (from 'tenant-table') is not in '\(display)'"
                + Self.suggestion(options.tenantTable, names))
        }
        let tenantName = tenantTable?.name
        scoped = tables.filter { $0.column(named: options.tenantColumn) != nil && !globalNames.contains($0.name)
            && $0.name != tenantName }
        global = tables.filter { globalNames.contains($0.name) }
        tenantLess = tables.filter { $0.column(named: options.tenantColumn) == nil && !globalNames.contains($0.name)
            && $0.name != tenantName }
        guard !scoped.isEmpty else {
            let withTenant = tables.filter { $0.column(named: options.tenantColumn) != nil }.map(\.name)
            throw DatabaseProblem(withTenant.isEmpty
                ? "no table of '\(display)' has the tenant column '\(options.tenantColumn)'; set 'tenant-column' to the "
                    + "column that holds the tenant (tables: \(names.prefix(12).joined(separator: ", ")))"
                : "every table with '\(options.tenantColumn)' is listed in 'global-tables' (\(withTenant.joined(separator: ", "))); "
                    + "nothing is left to check")
        }

        var refs = tables.flatMap(\.foreignKeys).compactMap { fk -> ForeignKey? in
            guard let parent = find(fk.parentTable) else { return nil }  // a dangling declaration checks nothing
            var r = fk
            r.parentTable = parent.name
            r.parentColumns = fk.parentColumns.map { parent.column(named: $0) ?? $0 }
            return r
        }
        for rel in options.relations {
            guard let child = find(rel.from.table), let parent = find(rel.to.table) else {
                let missing = find(rel.from.table) == nil ? rel.from.table : rel.to.table
                throw DatabaseProblem("the relation '\(rel.text)' names the table '\(missing)', which is not in '\(display)'"
                    + Self.suggestion(missing, names))
            }
            for (t, c) in [(child, rel.from.column), (parent, rel.to.column)] where t.column(named: c) == nil {
                throw DatabaseProblem("the relation '\(rel.text)' names the column '\(t.name).\(c)', which does not exist"
                    + Self.suggestion(c, t.columns))
            }
            refs.append(ForeignKey(table: child.name, columns: [child.column(named: rel.from.column)!],
                                   parentTable: parent.name, parentColumns: [parent.column(named: rel.to.column)!],
                                   configured: true))
        }
        references = refs

        tenantKey = tenantTable.flatMap { tt in
            // Prefer what the schema declares: a tenant column that references the tenant table.
            let declared = refs.first { r in
                r.parentTable == tt.name && r.columns.count == 1
                    && r.columns[0].caseInsensitiveCompare(options.tenantColumn) == .orderedSame
            }
            if let d = declared { return d.parentColumns[0] }
            return tt.primaryKey.count == 1 ? tt.primaryKey[0] : nil
        }
    }

    func table(_ name: String) -> TableSchema? { tables.first { $0.name == name } }

    func isScoped(_ name: String) -> Bool { scoped.contains { $0.name == name } }

    /// The SQL expression for a row's tenant, for scoped tables and the tenant table; nil otherwise.
    func tenantExpression(_ table: String, alias: String, _ d: SQLDialect) -> String? {
        if let t = self.table(table), isScoped(table), let c = t.column(named: tenantColumn) {
            return "\(alias).\(d.identifier(c))"
        }
        if table == tenantTable?.name, let key = tenantKey { return "\(alias).\(d.identifier(key))" }
        return nil
    }

    /// True when the reference is a tenant column pointing at the tenant table, which holds by definition.
    func isTenantLink(_ r: ForeignKey) -> Bool {
        r.parentTable == tenantTable?.name && r.columns.count == 1 && r.parentColumns == [tenantKey ?? ""]
            && r.columns[0].caseInsensitiveCompare(tenantColumn) == .orderedSame
    }

    /// The row key columns of a table, or the dialect's implicit key.
    func keyColumns(_ t: TableSchema, _ d: SQLDialect) -> [String] {
        if !t.primaryKey.isEmpty { return t.primaryKey.map(d.identifier) }
        return d.rowKey.map { [$0] } ?? t.columns.prefix(1).map(d.identifier)
    }

    func keyNames(_ t: TableSchema, _ d: SQLDialect) -> [String] {
        t.primaryKey.isEmpty ? [d.rowKey ?? t.columns.first ?? "row"] : t.primaryKey
    }

    static func suggestion(_ word: String, _ candidates: [String]) -> String {
        DidYouMean.suggest(word, among: candidates).map { "; did you mean '\($0)'?" } ?? ""
    }
}
