import GateCore
import GateHTTP
import GateOpenAPI

/// The HTTP mode's parameters, validated at load time. Tokens are not read here: only the names of the
/// environment variables that hold them, read when the check runs.
struct HTTPOptions: Sendable {
    struct Tenant: Sendable, Hashable {
        var name: String
        /// The variable that holds a ready token (nil: the tenant logs in, or reads `tokenFile`).
        var tokenEnv: String?
        /// A file that holds a ready token (a mounted secret, or one the `service` writes as it starts),
        /// read when the check runs.
        var tokenFile: String?
        /// What replaces `{tenant}` in paths; the name unless the entry gives `slug`.
        var slug: String
        /// For `login`: the user name (default: the tenant's name) and the variable holding the password.
        var username: String
        var passwordEnv: String?

        /// Where the tenant's credential comes from, for messages.
        var credentialSource: String {
            tokenEnv.map { "the token in '\($0)'" } ?? tokenFile.map { "the token in '\(PathUtil.basename($0))'" }
                ?? "the login of '\(username)'"
        }
    }

    struct Resource: Sendable, Hashable {
        var path: PathTemplate
        /// Tenant name to that tenant's object ids (static ids).
        var ids: [String: [String]]
        /// A per-tenant list endpoint and the selector for its ids (ids fetched at run time).
        var idsFrom: IDSource?
        /// This resource's methods (nil: the check's `methods`).
        var methods: [String]? = nil
        /// The JSON body that POST, PUT and PATCH probes send (`{tenant}` and the object placeholder filled in
        /// its strings).
        var body: JSONValue? = nil
        /// How to create objects of this resource (learned from the document's POST on the collection).
        var create: CreateSpec? = nil
    }

    /// A POST on a resource's collection: `body` with its `idField` set to the id of the object to create.
    struct CreateSpec: Sendable, Hashable {
        var path: PathTemplate
        var body: JSONValue
        var idField: String
        /// The object path answers DELETE: gate removes what it created, as the owner, at the end of the run.
        var deletable = false
    }

    struct IDSource: Sendable, Hashable {
        var path: PathTemplate
        var selector: IDSelector
        /// The member of a selected object that holds its id.
        var idField: String = "id"
        /// The member that names the object's owner: items of other tenants are left out of the tenant's
        /// ids, and their presence in its list is a finding.
        var ownerField: String?
    }

    var base: BaseURL
    var tenants: [Tenant]
    var resources: [Resource]
    var timeout: Duration
    var concurrency: Int
    var methods: [String]
    var authHeader: String
    var authScheme: String
    /// The probes send the token as this cookie (`Cookie: NAME=token`): a login whose token is a cookie.
    var authCookie: String?
    /// `csrf`: the cookie of a double-submit CSRF check and the header its value goes back in.
    var csrf: (cookie: String, header: String)?
    var malformedIDs: Bool
    /// Certificate checks on https: `insecure` (curl -k) or a CA file (curl --cacert).
    var tls: TLSOptions
    /// How tenants without a `token-env` get their token.
    var login: LoginSpec?
    /// What `openapi` taught, for the stats.
    var discovery: OpenAPIDiscovery?

    static let mutatingMethods: Set<String> = ["POST", "PUT", "PATCH", "DELETE"]

    /// `csrf: {cookie: csrftoken, header: X-CSRFToken}`, checked at load time.
    static func csrf(_ v: ConfigValue, login: Bool) throws(ConfigError) -> (cookie: String, header: String) {
        let example = "{cookie: csrftoken, header: X-CSRFToken}"
        guard let entries = v.mapping else {
            throw .invalidValue(v.location, key: "csrf", expected: "a map such as \(example)", got: v.typeDescription)
        }
        for e in entries where !["cookie", "header"].contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "'csrf'", valid: ["cookie", "header"])
        }
        guard let cv = v["cookie"], let cookie = cv.string else { throw .missingKey(v.location, key: "cookie", context: "'csrf' (\(example))") }
        guard let hv = v["header"], let header = hv.string else { throw .missingKey(v.location, key: "header", context: "'csrf' (\(example))") }
        // RFC 6265's cookie-name and RFC 9110's field-name are both tokens: visible ASCII without separators.
        func isToken(_ s: String) -> Bool {
            !s.isEmpty && s.unicodeScalars.allSatisfy { (0x21...0x7E).contains($0.value) && !"()<>@,;:\\\"/[]?={}".unicodeScalars.contains($0) }
        }
        guard isToken(cookie) else {
            throw .invalidParameter(cv.location, key: "cookie", message: "'\(cookie)' is not a cookie name (printable ASCII without "
                + "spaces or any of ()<>@,;:\\\"/[]?={}), such as csrftoken")
        }
        guard isToken(header) else {
            throw .invalidParameter(hv.location, key: "header", message: "'\(header)' is not a header name (printable ASCII without "
                + "spaces or any of ()<>@,;:\\\"/[]?={}), such as X-CSRFToken")
        }
        guard !["cookie", "authorization", "host", "content-length", "content-type"].contains(header.lowercased()) else {
            throw .invalidParameter(hv.location, key: "header", message: "gate sets '\(header)' itself; name the header the "
                + "service reads the CSRF token from, such as X-CSRFToken")
        }
        guard login else {
            throw .invalidParameter(v.location, key: "csrf", message: "'csrf' sends back a cookie of the tenants' login, and "
                + "no tenant logs in; give 'login' (or 'openapi' with a login operation) and 'password-env' for the tenants")
        }
        return (cookie, header)
    }

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
        methods = ["GET", "HEAD"]
        if let mv = p["methods"] { methods = try Self.methods(mv, allowMutations: allowMutations, key: "methods") }

        login = try p["login"].map { (v: ConfigValue) throws(ConfigError) in try LoginSpec(v) }
        var document: OpenAPIDocument?
        if let file = try p.path("openapi") {
            let shown = p["openapi"]?.string ?? file
            do { document = try OpenAPIDocument.load(path: file, display: shown) } catch {
                throw p.error("openapi", "\((error as? VerifierError)?.message ?? "\(error)"); give an OpenAPI 3.0 or 3.1 "
                    + "document (YAML or JSON)")
            }
            if login == nil { login = OpenAPIDiscovery.login(document!.operations) }
        }
        if let name = login?.tokenCookie, p["auth-header"] == nil, p["auth-scheme"] == nil {
            authHeader = "Cookie"
            authScheme = ""
            authCookie = name
        }
        if let cv = p["csrf"] { csrf = try Self.csrf(cv, login: login != nil) }
        guard let tv = p["tenants"], let items = tv.sequence, items.count >= 2 else {
            throw p.error("tenants", "give at least two tenants, each as {name: acme, token-env: ACME_TOKEN}")
        }
        tenants = []
        for item in items { tenants.append(try Self.tenant(item, known: tenants, login: login != nil, root: p.root)) }

        let ritems = p["resources"]?.sequence ?? []
        if document == nil && ritems.isEmpty {
            throw p.error("resources", "give at least one resource, such as {path: /tenants/{tenant}/documents/{id}, "
                + "ids-from: /tenants/{tenant}/documents}, or 'openapi' (the service's OpenAPI document) to learn them")
        }
        resources = []
        for item in ritems {
            var r = try Self.resource(item, tenants: tenants)
            if let mv = item["methods"] {
                r.methods = try Self.methods(mv, allowMutations: allowMutations, key: "methods")
            }
            if let bv = item["body"] {
                guard bv.mapping != nil || bv.sequence != nil else {
                    throw .invalidValue(bv.location, key: "body", expected: "a JSON object or list, such as {password: x}",
                                        got: bv.typeDescription)
                }
                r.body = bv.json
            }
            if resources.contains(where: { $0.path == r.path }) {
                throw .invalidParameter(item.location, key: "resources", message: "the path '\(r.path)' is listed twice")
            }
            resources.append(r)
        }
        if let document {
            // Learned resources, unless 'resources' gives the same path.
            let learned = OpenAPIDiscovery(document, tenants: tenants, allowMutations: allowMutations)
            for r in learned.resources where !resources.contains(where: { $0.path.description == r.path.description }) {
                resources.append(r)
            }
            discovery = learned
            guard !resources.isEmpty else {
                let why = learned.skipped.sorted { $0.key < $1.key }.prefix(5).map { "\($0.key): \($0.value)" }.joined(separator: "; ")
                throw p.error("openapi", "the document has no operation to probe across tenants (one path parameter and a "
                    + "security requirement)\(why.isEmpty ? "" : ": " + why); add 'resources'")
            }
        }
    }

    /// A list of methods: known letters only, mutating ones only with `allow-mutations: true`; sorted.
    static func methods(_ v: ConfigValue, allowMutations: Bool, key: String) throws(ConfigError) -> [String] {
        guard let list = v.stringList?.map({ $0.uppercased() }) else {
            throw .invalidValue(v.location, key: key, expected: "a list of methods, such as [GET, HEAD]", got: v.typeDescription)
        }
        guard !list.isEmpty else {
            throw .invalidParameter(v.location, key: key, message: "give at least one method, such as GET")
        }
        for m in list {
            guard m.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                throw .invalidParameter(v.location, key: key, message: "'\(m)' is not an HTTP method")
            }
            if mutatingMethods.contains(m) && !allowMutations {
                throw .invalidParameter(v.location, key: key, message: "'\(m)' changes data, and these probes send it with "
                    + "other tenants' credentials; set 'allow-mutations: true' to accept that, against a disposable environment only")
            }
        }
        return Array(Set(list)).sorted()
    }

    private static func tenant(_ v: ConfigValue, known: [Tenant], login: Bool, root: String) throws(ConfigError) -> Tenant {
        guard let entries = v.mapping else {
            throw .invalidValue(v.location, key: "tenants", expected: "{name: acme, token-env: ACME_TOKEN}", got: v.typeDescription)
        }
        let valid = ["name", "token-env", "token-file", "slug", "username", "password-env"]
        for e in entries where !valid.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "a tenant", valid: valid)
        }
        guard let name = v["name"]?.string, !name.isEmpty else { throw .missingKey(v.location, key: "name", context: "a tenant") }
        func envName(_ key: String) throws(ConfigError) -> String? {
            guard let ev = v[key] else { return nil }
            guard let env = ev.string, let first = env.first, first.isLetter || first == "_",
                  env.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
                throw .invalidValue(ev.location, key: key, expected: "the name of an environment variable", got: ev.typeDescription)
            }
            return env
        }
        let tokenEnv = try envName("token-env"), passwordEnv = try envName("password-env")
        var tokenFile: String?
        if let fv = v["token-file"] {
            guard let f = fv.string, !f.isEmpty else {
                throw .invalidValue(fv.location, key: "token-file", expected: "the path of a file holding the token", got: fv.typeDescription)
            }
            tokenFile = PathUtil.resolve(f, against: root)
        }
        let given = [("token-env", tokenEnv), ("token-file", tokenFile), ("password-env", passwordEnv)].filter { $0.1 != nil }.map(\.0)
        if given.isEmpty {
            throw .missingKey(v.location, key: login ? "token-env' or 'password-env" : "token-env", context: "tenant '\(name)'")
        }
        if given.count > 1 {
            throw .invalidParameter(v.location, key: "tenants", message: "tenant '\(name)' has both '\(given[0])' and '\(given[1])'; keep one")
        }
        if passwordEnv != nil && !login {
            throw .invalidParameter(v["password-env"]!.location, key: "password-env",
                                    message: "tenant '\(name)' logs in with 'password-env', so the check needs 'login' "
                                        + "({path: /login, token: $.token}) to say how")
        }
        if known.contains(where: { $0.name == name }) {
            throw .invalidParameter(v.location, key: "tenants", message: "the tenant '\(name)' is listed twice")
        }
        return Tenant(name: name, tokenEnv: tokenEnv, tokenFile: tokenFile, slug: v["slug"]?.string ?? name,
                      username: v["username"]?.string ?? name, passwordEnv: passwordEnv)
    }

    private static func resource(_ v: ConfigValue, tenants: [Tenant]) throws(ConfigError) -> Resource {
        guard let entries = v.mapping else {
            throw .invalidValue(v.location, key: "resources", expected: "{path: ..., ids: ...} or {path: ..., ids-from: ...}",
                                got: v.typeDescription)
        }
        let valid = ["path", "ids", "ids-from", "methods", "body"]
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
            let validFrom = ["path", "selector", "id-field", "owner-field"]
            for e in fv.mapping ?? [] where !validFrom.contains(e.key) {
                throw .unknownKey(e.keyLocation, key: e.key, context: "'ids-from'", valid: validFrom)
            }
            for k in ["selector", "id-field", "owner-field"] {
                if let x = fv[k], x.string.map({ $0.isEmpty }) ?? true {
                    throw .invalidValue(x.location, key: k, expected: "a non-empty string", got: x.typeDescription)
                }
            }
            do {
                let list = try PathTemplate(pathText, requireID: false)
                let selector = try fv["selector"]?.string.map { s throws(TemplateError) in try IDSelector(s) } ?? .default
                source = IDSource(path: list, selector: selector, idField: fv["id-field"]?.string ?? path.idName,
                                  ownerField: fv["owner-field"]?.string)
            } catch {
                throw .invalidParameter(fv.location, key: "ids-from", message: error.description)
            }
        }
        return Resource(path: path, ids: ids, idsFrom: source)
    }
}
