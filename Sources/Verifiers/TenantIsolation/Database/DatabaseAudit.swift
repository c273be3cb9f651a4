import Foundation
import GateCore

/// Runs the database mode: one set-based query per table, reference or storage column, each counting the
/// offending rows in the database and fetching at most `max-examples` row keys. Nothing is loaded into
/// memory beyond those examples, so memory stays flat however many rows there are.
struct DatabaseAudit {
    let db: any TenantDatabase
    let model: TenancyModel
    let options: DatabaseOptions
    /// The database path as findings show it (relative to the check's root).
    let display: String
    let context: CheckContext

    var findings: [Finding] = []
    var rows = 0
    var queries = 0
    var referencesChecked = 0
    var referencesEnforcedBySchema = 0
    var pathsChecked = 0

    var d: SQLDialect { db.dialect }

    init(db: any TenantDatabase, model: TenancyModel, options: DatabaseOptions, display: String, context: CheckContext) {
        self.db = db
        self.model = model
        self.options = options
        self.display = display
        self.context = context
    }

    /// Every database rule, in a fixed order.
    mutating func run() async throws {
        checkMissingTenantColumns()
        checkUnscopedUniques()
        for (i, table) in model.scoped.enumerated() {
            try context.checkCancellation()
            context.progress("tenant column of '\(table.name)' (\(i + 1) / \(model.scoped.count) tables)")
            try await checkTenantValues(table)
        }
        try await checkReferences()
        for prefix in options.storagePrefixes {
            try context.checkCancellation()
            try await checkStoragePrefix(prefix)
        }
    }

    // MARK: Shared helpers

    mutating func count(_ q: SQLQuery) async throws -> [Int] {
        queries += 1
        return try await db.integers(q)
    }

    mutating func examples(_ q: SQLQuery) async throws -> [[String]] {
        guard options.maxExamples > 0 else { return [] }
        queries += 1
        return try await db.rows(q, limit: options.maxExamples)
    }

    /// `id=7` or `(tenant_id, id)=(1, 7)` from the first `keys.count` values of an example row.
    func key(_ names: [String], _ row: [String]) -> String {
        let values = Array(row.prefix(names.count))
        return names.count == 1 ? "\(names[0])=\(values[0])"
            : "(\(names.joined(separator: ", ")))=(\(values.joined(separator: ", ")))"
    }

    func rowWord(_ n: Int) -> String { n == 1 ? "1 row" : "\(n) rows" }

    func evidence(count: Int, examples: [String], _ extra: [String: String] = [:]) -> [String: String] {
        var e = extra
        e["rows"] = String(count)
        if !examples.isEmpty { e["examples"] = context.redactor.redact(examples.joined(separator: "; ")) }
        return e
    }

    // MARK: null-tenant

    private mutating func checkTenantValues(_ table: TableSchema) async throws {
        let t = d.identifier(table.name)
        let tc = "c." + d.identifier(table.column(named: model.tenantColumn)!)
        var select = "SELECT COUNT(*), SUM(CASE WHEN \(d.isBlank(tc)) THEN 1 ELSE 0 END)"
        var unknownCondition: String?
        if let tt = model.tenantTable, let tenantKey = model.tenantKey {
            let cond = "NOT \(d.isBlank(tc)) AND NOT EXISTS (SELECT 1 FROM \(d.identifier(tt.name)) AS t "
                + "WHERE t.\(d.identifier(tenantKey)) = \(tc))"
            select += ", SUM(CASE WHEN \(cond) THEN 1 ELSE 0 END)"
            unknownCondition = cond
        }
        let counts = try await count(SQLQuery(select + " FROM \(t) AS c"))
        rows += counts.first ?? 0
        let keys = model.keyColumns(table, d).map { "c." + $0 }.joined(separator: ", ")
        let names = model.keyNames(table, d)
        let blank = counts.count > 1 ? counts[1] : 0
        if blank > 0 {
            let ex = try await examples(SQLQuery("SELECT \(keys) FROM \(t) AS c WHERE \(d.isBlank(tc)) ORDER BY \(keys)"))
            findings.append(Finding(
                rule: "tenant-isolation/null-tenant",
                message: "\(rowWord(blank)) of '\(table.name)' have no tenant: '\(model.tenantColumn)' is NULL or empty",
                path: display, identity: "blank:\(table.name)",
                evidence: evidence(count: blank, examples: ex.map { key(names, $0) }, ["table": table.name]),
                help: "Assign each row to its tenant, then make '\(model.tenantColumn)' NOT NULL."))
        }
        if let cond = unknownCondition, counts.count > 2, counts[2] > 0 {
            let ex = try await examples(SQLQuery("SELECT \(keys), \(tc) FROM \(t) AS c WHERE \(cond) ORDER BY \(keys)"))
            let tt = model.tenantTable!.name
            findings.append(Finding(
                rule: "tenant-isolation/null-tenant",
                message: "\(rowWord(counts[2])) of '\(table.name)' name a tenant that is not in '\(tt)'",
                path: display, identity: "unknown:\(table.name)",
                evidence: evidence(count: counts[2], examples: ex.map { "\(key(names, $0)) (tenant \($0.last!))" },
                                   ["table": table.name]),
                help: "Delete or reassign the orphaned rows, and declare '\(model.tenantColumn)' as a foreign key "
                    + "to '\(tt)'."))
        }
    }

    // MARK: missing-tenant-column

    private mutating func checkMissingTenantColumns() {
        for table in model.tenantLess {
            var linked = Set<String>()
            for r in model.references {
                if r.table == table.name, model.isScoped(r.parentTable) { linked.insert(r.parentTable) }
                if r.parentTable == table.name, model.isScoped(r.table) { linked.insert(r.table) }
            }
            guard !linked.isEmpty else { continue }
            let list = linked.sorted().map { "'\($0)'" }.joined(separator: ", ")
            findings.append(Finding(
                rule: "tenant-isolation/missing-tenant-column",
                message: "table '\(table.name)' has no '\(model.tenantColumn)' column but is linked to the tenant-scoped "
                    + "\(linked.count == 1 ? "table" : "tables") \(list)",
                path: display, identity: "missing:\(table.name)",
                evidence: ["table": table.name, "linkedTo": linked.sorted().joined(separator: ", ")],
                help: "Add '\(model.tenantColumn)' to '\(table.name)', or list it in 'global-tables' if its rows are "
                    + "shared by every tenant."))
        }
    }

    // MARK: unscoped-unique

    /// A unique index over exactly the columns of a reference to another table's primary key (a one-to-one
    /// link) repeats a uniqueness that already holds across tenants, and reveals nothing.
    private func isReferenceToKey(_ table: TableSchema, _ columns: [String]) -> Bool {
        let cols = Set(columns.map { $0.lowercased() })
        return model.references.contains { r in
            r.table == table.name && Set(r.columns.map { $0.lowercased() }) == cols
                && model.table(r.parentTable)?.primaryKey == r.parentColumns
        }
    }

    private mutating func checkUnscopedUniques() {
        for table in model.scoped {
            for index in table.uniqueIndexes
            where !index.columns.contains(where: { $0.caseInsensitiveCompare(model.tenantColumn) == .orderedSame })
                && !isReferenceToKey(table, index.columns) {
                let cols = index.columns.joined(separator: ", ")
                findings.append(Finding(
                    rule: "tenant-isolation/unscoped-unique", severity: .warning,
                    message: "unique index '\(index.name)' on '\(table.name)'(\(cols))\(index.partial ? " (partial)" : "") "
                        + "leaves out '\(model.tenantColumn)': two tenants cannot hold the same value, and the "
                        + "uniqueness error tells one tenant that another holds it",
                    path: display, identity: "unique:\(table.name):\(index.name)",
                    evidence: ["table": table.name, "index": index.name, "columns": cols],
                    help: "Make the index unique per tenant: UNIQUE (\(model.tenantColumn), \(cols))."))
            }
        }
    }
}
