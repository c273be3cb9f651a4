import GateCore
import GateDatabase

/// The database mode's parameters, validated at load time.
struct DatabaseOptions: Sendable {
    var location: DatabaseLocation
    var tenantColumn: String
    var tenantTable: String
    var tenantTableIsExplicit: Bool
    var globalTables: [String]
    var relations: [Relation]
    var storagePrefixes: [StoragePrefix]
    var maxExamples: Int
    var statementTimeout: Duration
    /// PostgreSQL: the role the application connects as, for the row-level security rules and the live probe.
    var appRole: String?
    /// PostgreSQL: the setting the policies read the current tenant from (`current_setting('app.tenant_id')`).
    var tenantSetting: String
    /// PostgreSQL: how many tenants the live probe sets in turn.
    var probeTenants: Int

    /// `table.column`.
    struct ColumnRef: Sendable, Hashable {
        var table: String
        var column: String
        var text: String { "\(table).\(column)" }
    }

    /// A reference the schema does not declare: `from` holds values of `to`.
    struct Relation: Sendable, Hashable {
        var from: ColumnRef
        var to: ColumnRef
        var text: String { "\(from.text) -> \(to.text)" }
    }

    /// Stored paths in `column` must start with `template` filled from the row's tenant.
    struct StoragePrefix: Sendable, Hashable {
        var column: ColumnRef
        var template: PrefixTemplate
    }

    init(_ p: Parameters, location: DatabaseLocation) throws(ConfigError) {
        self.location = location
        statementTimeout = try p.duration("statement-timeout") ?? .seconds(60)
        appRole = try p.string("app-role")
        if let role = appRole, role.trimmingCharacters(in: .whitespaces).isEmpty { throw p.error("app-role", "give the role's name") }
        tenantSetting = try Self.identifier(p, "tenant-setting", default: "app.tenant_id")
        probeTenants = try p.int("probe-tenants", default: 3, range: 1...100)
        if case .sqlite = location, let k = ["app-role", "tenant-setting", "probe-tenants"].first(where: p.has) {
            throw p.error(k, "'\(k)' is for row-level security, which only PostgreSQL has; 'database' is a SQLite file")
        }
        tenantColumn = try Self.identifier(p, "tenant-column", default: "tenant_id")
        tenantTable = try Self.identifier(p, "tenant-table", default: "tenants")
        tenantTableIsExplicit = p.has("tenant-table")
        globalTables = try p.stringList("global-tables")
        maxExamples = try p.int("max-examples", default: 5, range: 0...1000)
        relations = []
        storagePrefixes = []
        if let v = p["relations"], !v.isNull {
            for item in v.sequence ?? [v] { relations.append(try Self.relation(item)) }
        }
        if let v = p["storage-prefix"], !v.isNull {
            for item in v.sequence ?? [v] { storagePrefixes.append(try Self.storagePrefix(item)) }
        }
    }

    private static func identifier(_ p: Parameters, _ key: String, default d: String) throws(ConfigError) -> String {
        let s = try p.string(key, default: d).trimmingCharacters(in: .whitespaces)
        guard !s.isEmpty else { throw p.error(key, "give a name; the default is '\(d)'") }
        return s
    }

    static func columnRef(_ v: ConfigValue?, key: String, in container: ConfigValue) throws(ConfigError) -> ColumnRef {
        guard let v, let s = v.string else {
            throw .missingKey(container.location, key: key, context: "'\(key == "column" ? "storage-prefix" : "relations")'")
        }
        let parts = s.split(separator: ".", omittingEmptySubsequences: false).map {
            $0.trimmingCharacters(in: .whitespaces)
        }
        guard parts.count == 2, parts.allSatisfy({ !$0.isEmpty }) else {
            throw .invalidValue(v.location, key: key, expected: "'table.column'", got: v.typeDescription)
        }
        return ColumnRef(table: parts[0], column: parts[1])
    }

    /// `child.column -> parent.column` as a string, or `{from: child.column, to: parent.column}`.
    private static func relation(_ v: ConfigValue) throws(ConfigError) -> Relation {
        if let s = v.string {
            let arrow = s.contains("→") ? "→" : "->"
            let sides = s.components(separatedBy: arrow)
            guard sides.count == 2 else {
                throw .invalidValue(v.location, key: "relations", expected: "'child.column -> parent.column'",
                                    got: v.typeDescription)
            }
            let from = try columnRef(.scalar(sides[0], at: v.location), key: "relations", in: v)
            let to = try columnRef(.scalar(sides[1], at: v.location), key: "relations", in: v)
            return Relation(from: from, to: to)
        }
        guard let entries = v.mapping else {
            throw .invalidValue(v.location, key: "relations", expected: "'child.column -> parent.column' or {from, to}",
                                got: v.typeDescription)
        }
        for e in entries where !["from", "to"].contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "a relation", valid: ["from", "to"])
        }
        return Relation(from: try columnRef(v["from"], key: "from", in: v), to: try columnRef(v["to"], key: "to", in: v))
    }

    private static func storagePrefix(_ v: ConfigValue) throws(ConfigError) -> StoragePrefix {
        guard let entries = v.mapping else {
            throw .invalidValue(v.location, key: "storage-prefix", expected: "{column: table.column, template: ...}",
                                got: v.typeDescription)
        }
        for e in entries where !["column", "template"].contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "'storage-prefix'", valid: ["column", "template"])
        }
        let column = try columnRef(v["column"], key: "column", in: v)
        guard let t = v["template"], let text = t.string else {
            throw .missingKey(v.location, key: "template", context: "'storage-prefix'")
        }
        do {
            return StoragePrefix(column: column, template: try PrefixTemplate(text))
        } catch {
            throw .invalidParameter(t.location, key: "storage-prefix.template", message: error.description)
        }
    }
}
