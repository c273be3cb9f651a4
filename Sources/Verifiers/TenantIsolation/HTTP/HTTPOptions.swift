import GateCore
import GateHTTP

/// The HTTP mode's parameters, validated at load time. Tokens are not read here: only the names of the
/// environment variables that hold them, read when the check runs.
struct HTTPOptions: Sendable {
    struct Tenant: Sendable, Hashable {
        var name: String
        var tokenEnv: String
        /// What replaces `{tenant}` in paths; the name unless the entry gives `slug`.
        var slug: String
    }

    struct Resource: Sendable, Hashable {
        var path: PathTemplate
        /// Tenant name to that tenant's object ids (static ids).
        var ids: [String: [String]]
        /// A per-tenant list endpoint and the selector for its ids (ids fetched at run time).
        var idsFrom: IDSource?
    }

    struct IDSource: Sendable, Hashable {
        var path: PathTemplate
        var selector: IDSelector
    }

    var base: BaseURL
    var tenants: [Tenant]
    var resources: [Resource]
    var timeout: Duration
    var concurrency: Int
    var methods: [String]
    var authHeader: String
    var authScheme: String
    var malformedIDs: Bool
    /// Certificate checks on https: `insecure` (curl -k) or a CA file (curl --cacert).
    var tls: TLSOptions

    static let mutatingMethods: Set<String> = ["POST", "PUT", "PATCH", "DELETE"]

    init(_ p: Parameters, baseURL: String) throws(ConfigError) {
        do { base = try BaseURL(baseURL) } catch { throw p.error("base-url", error.description) }
        timeout = try p.duration("timeout") ?? .seconds(10)
        guard timeout > .zero else { throw p.error("timeout", "give a positive duration such as 10s") }
        concurrency = try p.int("concurrency", default: 4, range: 1...256)
        authHeader = try p.string("auth-header", default: "Authorization")
        authScheme = try p.string("auth-scheme", default: "Bearer")
        guard !authHeader.isEmpty, authHeader.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else {
            throw p.error("auth-header", "give a header name such as Authorization or X-Api-Key")
        }
        malformedIDs = try p.bool("malformed-ids", default: true)
        tls = TLSOptions(insecure: try p.bool("insecure", default: false), caFile: try p.path("ca"))
        if tls.insecure && tls.caFile != nil { throw p.error("ca", "'ca' has no effect with 'insecure: true'; keep one") }
        let allowMutations = try p.bool("allow-mutations", default: false)
        methods = try p.stringList("methods", default: ["GET", "HEAD"]).map { $0.uppercased() }
        guard !methods.isEmpty else { throw p.error("methods", "give at least one method, such as GET") }
        for m in methods {
            guard m.allSatisfy({ $0.isASCII && $0.isLetter }) else { throw p.error("methods", "'\(m)' is not an HTTP method") }
            if Self.mutatingMethods.contains(m) && !allowMutations {
                throw p.error("methods", "'\(m)' changes data, and these probes send it with other tenants' credentials; "
                    + "set 'allow-mutations: true' to accept that, against a disposable environment only")
            }
        }
        methods = Array(Set(methods)).sorted()

        guard let tv = p["tenants"], let items = tv.sequence, items.count >= 2 else {
            throw p.error("tenants", "give at least two tenants, each as {name: acme, token-env: ACME_TOKEN}")
        }
        tenants = []
        for item in items { tenants.append(try Self.tenant(item, known: tenants)) }

        guard let rv = p["resources"], let ritems = rv.sequence, !ritems.isEmpty else {
            throw p.error("resources", "give at least one resource, such as {path: /tenants/{tenant}/documents/{id}, ids-from: /tenants/{tenant}/documents}")
        }
        resources = []
        for item in ritems {
            let r = try Self.resource(item, tenants: tenants)
            if resources.contains(where: { $0.path == r.path }) {
                throw .invalidParameter(item.location, key: "resources", message: "the path '\(r.path)' is listed twice")
            }
            resources.append(r)
        }
    }

    private static func tenant(_ v: ConfigValue, known: [Tenant]) throws(ConfigError) -> Tenant {
        guard let entries = v.mapping else {
            throw .invalidValue(v.location, key: "tenants", expected: "{name: acme, token-env: ACME_TOKEN}", got: v.typeDescription)
        }
        let valid = ["name", "token-env", "slug"]
        for e in entries where !valid.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "a tenant", valid: valid)
        }
        guard let name = v["name"]?.string, !name.isEmpty else { throw .missingKey(v.location, key: "name", context: "a tenant") }
        guard let env = v["token-env"]?.string else { throw .missingKey(v.location, key: "token-env", context: "tenant '\(name)'") }
        guard let first = env.first, first.isLetter || first == "_",
              env.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw .invalidValue(v["token-env"]!.location, key: "token-env", expected: "the name of an environment variable",
                                got: v["token-env"]!.typeDescription)
        }
        if known.contains(where: { $0.name == name }) {
            throw .invalidParameter(v.location, key: "tenants", message: "the tenant '\(name)' is listed twice")
        }
        let slug = v["slug"]?.string ?? name
        return Tenant(name: name, tokenEnv: env, slug: slug)
    }

    private static func resource(_ v: ConfigValue, tenants: [Tenant]) throws(ConfigError) -> Resource {
        guard let entries = v.mapping else {
            throw .invalidValue(v.location, key: "resources", expected: "{path: ..., ids: ...} or {path: ..., ids-from: ...}",
                                got: v.typeDescription)
        }
        let valid = ["path", "ids", "ids-from"]
        for e in entries where !valid.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "a resource", valid: valid)
        }
        guard let pv = v["path"], let text = pv.string else { throw .missingKey(v.location, key: "path", context: "a resource") }
        let path: PathTemplate
        do { path = try PathTemplate(text, requireID: true) } catch {
            throw .invalidParameter(pv.location, key: "path", message: error.description)
        }
        let hasIDs = v["ids"].map { !$0.isNull } ?? false, hasFrom = v["ids-from"].map { !$0.isNull } ?? false
        guard hasIDs != hasFrom else {
            throw .invalidParameter(v.location, key: "resources",
                                    message: "the resource '\(text)' needs exactly one of 'ids' (ids per tenant) and 'ids-from' (a list endpoint)")
        }
        var ids: [String: [String]] = [:]
        if let iv = v["ids"], hasIDs {
            guard let map = iv.mapping else {
                throw .invalidValue(iv.location, key: "ids", expected: "a map from tenant name to ids", got: iv.typeDescription)
            }
            for e in map {
                guard tenants.contains(where: { $0.name == e.key }) else {
                    throw .unknownKey(e.keyLocation, key: e.key, context: "'ids' (a tenant name)", valid: tenants.map(\.name))
                }
                guard let list = e.value.stringList, !list.isEmpty else {
                    throw .invalidValue(e.value.location, key: "ids.\(e.key)", expected: "an id or a list of ids", got: e.value.typeDescription)
                }
                ids[e.key] = list
            }
        }
        var source: IDSource?
        if let fv = v["ids-from"], hasFrom {
            let pathText = fv.string ?? fv["path"]?.string
            guard let pathText else { throw .missingKey(fv.location, key: "path", context: "'ids-from'") }
            for e in fv.mapping ?? [] where !["path", "selector"].contains(e.key) {
                throw .unknownKey(e.keyLocation, key: e.key, context: "'ids-from'", valid: ["path", "selector"])
            }
            do {
                let list = try PathTemplate(pathText, requireID: false)
                let selector = try fv["selector"]?.string.map { s throws(TemplateError) in try IDSelector(s) } ?? .default
                source = IDSource(path: list, selector: selector)
            } catch {
                throw .invalidParameter(fv.location, key: "ids-from", message: error.description)
            }
        }
        return Resource(path: path, ids: ids, idsFrom: source)
    }
}
