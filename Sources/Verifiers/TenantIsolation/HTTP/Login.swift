import Foundation
import GateCore
import GateHTTP

/// `login:` how a tenant gets its token by itself: one request (POST by default) whose JSON body carries
/// the tenant's `username` and the password read from its `password-env`, and a selector for the token in
/// the answer. Run before the probes, and again for a tenant whose probes answer 401 after its token had
/// worked (an expired token). The password and the token never reach a report: both are redacted from
/// every body kept as evidence, and a failed login says only its status.
struct LoginSpec: Sendable, Hashable {
    var method: String
    var path: String
    /// The body, with `{username}`, `{password}` and `{tenant}` filled in its strings.
    var body: JSONValue
    var token: IDSelector

    static let keys = ["path", "method", "body", "token"]

    init(method: String, path: String, body: JSONValue, token: IDSelector) {
        self.method = method
        self.path = path
        self.body = body
        self.token = token
    }

    init(_ v: ConfigValue) throws(ConfigError) {
        guard v.mapping != nil else {
            throw .invalidValue(v.location, key: "login", expected: "{path: /login, token: $.token}", got: v.typeDescription)
        }
        for e in v.mapping! where !Self.keys.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "'login'", valid: Self.keys)
        }
        guard let pv = v["path"], let p = pv.string else { throw .missingKey(v.location, key: "path", context: "'login'") }
        guard p.hasPrefix("/"), !p.contains(where: { $0.isWhitespace || $0 == "#" }) else {
            throw .invalidParameter(pv.location, key: "path", message: "the login path '\(p)' must start with '/' and hold no space")
        }
        path = p
        method = (v["method"]?.string ?? "POST").uppercased()
        guard method.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw .invalidParameter(v["method"]!.location, key: "method", message: "'\(method)' is not an HTTP method")
        }
        if let bv = v["body"] {
            guard bv.mapping != nil else {
                throw .invalidValue(bv.location, key: "body", expected: "a map such as {username: '{username}', password: '{password}'}",
                                    got: bv.typeDescription)
            }
            body = bv.json
        } else {
            body = .object(["username": .string("{username}"), "password": .string("{password}")])
        }
        guard let tv = v["token"], let t = tv.string else {
            throw .missingKey(v.location, key: "token", context: "'login' (where the token is in the answer, such as $.auth_token)")
        }
        do { token = try IDSelector(t) } catch { throw .invalidParameter(tv.location, key: "token", message: error.description) }
    }

    /// The request body for one tenant.
    func body(username: String, password: String, tenant: String) -> [UInt8] {
        func fill(_ v: JSONValue) -> JSONValue {
            switch v {
            case .string(let s):
                .string(s.replacingOccurrences(of: "{username}", with: username).replacingOccurrences(of: "{password}", with: password)
                    .replacingOccurrences(of: "{tenant}", with: tenant))
            case .array(let a): .array(a.map(fill))
            case .object(let o): .object(o.mapValues(fill))
            default: v
            }
        }
        return ProbePlan.encode(fill(body))
    }
}

extension HTTPAudit {
    /// Logs tenant `t` in; its token, or an error that names the tenant and the status, never the body's
    /// secrets (the body is redacted of the password before it is shown).
    func login(_ t: Int, _ spec: LoginSpec, password: String) async throws -> String {
        let tenant = options.tenants[t]
        let client = HTTPClient()
        defer { client.shutdown() }
        let request = HTTPRequest(
            method: spec.method, url: options.base.origin + options.base.prefix + spec.path,
            headers: [HTTPHeader("Accept", "application/json"), HTTPHeader("Content-Type", "application/json"),
                      HTTPHeader("User-Agent", "gate-tenant-isolation")],
            body: spec.body(username: tenant.username, password: password, tenant: tenant.slug),
            timeout: options.timeout, limits: HTTPLimits(keepBodyBytes: 1 << 20), tls: options.tls,
            proxyEnvironment: context.environment)
        let shown = "\(spec.method) \(options.base.prefix + spec.path)"
        switch await client.send(request) {
        case .failure(let e):
            throw VerifierError("tenant '\(tenant.name)': the login \(shown) got no answer: \(e.message)")
        case .success(let r):
            guard (200...299).contains(r.status) else {
                throw VerifierError("tenant '\(tenant.name)': the login \(shown) answered \(r.status) "
                    + "('\(preview(r.body, limit: 80))'); check its 'username' and the password in '\(tenant.passwordEnv ?? "")'")
            }
            guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(r.body)),
                  let token = spec.token.values(json, tenant: tenant.slug).first.flatMap({ IDSelector.text($0) }) else {
                throw VerifierError("tenant '\(tenant.name)': the login \(shown) answered \(r.status) with no token at "
                    + "\(spec.token); fix 'login.token' ('\(preview(r.body, limit: 80))')")
            }
            return token
        }
    }
}
