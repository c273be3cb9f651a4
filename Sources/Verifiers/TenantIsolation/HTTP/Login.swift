import Foundation
import GateCore
import GateHTTP
import GateOpenAPI

/// `login:` how a tenant gets its token by itself: a request flow run per tenant, each step's captures
/// (`capture: {nonce: $.nonce}`) filling `{nonce}` in the later steps, and the capture named `token`
/// giving the token. One request (POST by default, `{path, body, token}`) is the short form. Strings of
/// a step may hold `{username}`, `{password}` (from the tenant's `password-env`), `{tenant}` and what
/// earlier steps captured. Run before the probes, and again for a tenant whose probes answer 401 after
/// its token had worked (an expired token). Templates and captures are health's request-flow code
/// (GateOpenAPI's `Template`, `JSONPath`, `FlowCapture`). The password, the token and every captured
/// value of 8 characters or more never reach a report; a failed step says only its status. Cookies that
/// the answers set are sent on the later steps (a CSRF cookie, a session), and a token captured as
/// `cookie:NAME` is sent as that cookie on the probes unless `auth-header` says otherwise. The probes carry
/// every cookie the flow ended with when the token is a cookie or `csrf` is set, as a browser would.
struct LoginSpec: Sendable {
    struct Step: Sendable {
        var method: String
        var path: Template
        var headers: [(name: String, value: Template)] = []
        /// A JSON body whose strings are templates (nil: no body).
        var body: JSONValue?
        var capture: [(name: String, source: CaptureSource)]

        var shown: String { "\(method) \(path)" }
    }

    var steps: [Step]

    /// The step that captures the token, for stats and messages.
    private var tokenStep: Step { steps.last { $0.capture.contains { $0.name == "token" } } ?? steps[steps.count - 1] }
    var method: String { tokenStep.method }
    var path: String { tokenStep.path.description }
    var body: JSONValue? { tokenStep.body }
    var token: CaptureSource { tokenStep.capture.first { $0.name == "token" }!.source }
    /// The cookie that is the token (`capture: {token: cookie:sessionid}`), if it is one.
    var tokenCookie: String? { if case .cookie(let name) = token { name } else { nil } }

    static let keys = ["path", "method", "body", "token"]
    static let stepKeys = ["path", "method", "headers", "body", "capture"]
    static let given: Set<String> = ["username", "password", "tenant"]

    /// One request, as `openapi` learns it.
    init(method: String, path: String, body: JSONValue, token: JSONPath) {
        steps = [Step(method: method, path: Template(path), body: body, capture: [("token", .json(token))])]
    }

    init(_ v: ConfigValue) throws(ConfigError) {
        if let items = v.sequence {
            guard !items.isEmpty else {
                throw .invalidParameter(v.location, key: "login", message: "give at least one step, the last capturing {token: $.token}")
            }
            steps = []
            var known = Self.given
            for (i, item) in items.enumerated() {
                let step = try Self.step(item, context: "login step \(i + 1)", tokenKey: false)
                for name in Self.names(step) where !known.contains(name) {
                    throw .invalidParameter(item.location, key: "login", message: "login step \(i + 1) uses '{\(name)}', which "
                        + "no earlier step captures; known here: \(known.sorted().map { "{\($0)}" }.joined(separator: ", "))")
                }
                for c in step.capture { known.insert(c.name) }
                steps.append(step)
            }
            guard steps.contains(where: { $0.capture.contains { $0.name == "token" } }) else {
                throw .missingKey(v.location, key: "token", context: "a 'capture' of the login flow (capture: {token: $.auth_token})")
            }
            return
        }
        guard v.mapping != nil else {
            throw .invalidValue(v.location, key: "login", expected: "{path: /login, token: $.token}, or a list of steps",
                                got: v.typeDescription)
        }
        var step = try Self.step(v, context: "'login'", tokenKey: true)
        if step.body == nil { step.body = .object(["username": .string("{username}"), "password": .string("{password}")]) }
        for name in Self.names(step) where !Self.given.contains(name) {
            throw .invalidParameter(v.location, key: "login", message: "'login' uses '{\(name)}'; one request knows only "
                + "{username}, {password} and {tenant}: write a list of steps to capture more")
        }
        steps = [step]
    }

    private static func step(_ v: ConfigValue, context: String, tokenKey: Bool) throws(ConfigError) -> Step {
        guard let entries = v.mapping else {
            throw .invalidValue(v.location, key: "login", expected: "{path: /login, body: {...}, capture: {token: $.token}}",
                                got: v.typeDescription)
        }
        let valid = tokenKey ? keys : stepKeys
        for e in entries where !valid.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: context, valid: valid)
        }
        guard let pv = v["path"], let p = pv.string else { throw .missingKey(v.location, key: "path", context: context) }
        guard p.hasPrefix("/"), !p.contains(where: { $0.isWhitespace || $0 == "#" }) else {
            throw .invalidParameter(pv.location, key: "path", message: "the login path '\(p)' must start with '/' and hold no space")
        }
        let method = (v["method"]?.string ?? (tokenKey || v["body"] != nil ? "POST" : "GET")).uppercased()
        guard method.allSatisfy({ $0.isASCII && $0.isLetter }) else {
            throw .invalidParameter(v["method"]!.location, key: "method", message: "'\(method)' is not an HTTP method")
        }
        var body: JSONValue?
        if let bv = v["body"] {
            guard bv.mapping != nil else {
                throw .invalidValue(bv.location, key: "body", expected: "a map such as {username: '{username}', password: '{password}'}",
                                    got: bv.typeDescription)
            }
            body = bv.json
        }
        var headers: [(name: String, value: Template)] = []
        if let hv = v["headers"] {
            guard let map = hv.mapping else {
                throw .invalidValue(hv.location, key: "headers", expected: "a map of header names to values", got: hv.typeDescription)
            }
            for e in map {
                guard let value = e.value.string, !value.contains("\n"), !value.contains("\r"),
                      !e.key.isEmpty, e.key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                    throw .invalidParameter(e.keyLocation, key: e.key, message: "not a valid header name or value")
                }
                headers.append((e.key, Template(value)))
            }
        }
        var capture: [(name: String, source: CaptureSource)] = []
        if tokenKey {
            guard let tv = v["token"], let t = tv.string else {
                throw .missingKey(v.location, key: "token", context: "'login' (where the token is in the answer, such as $.auth_token)")
            }
            do { capture = [("token", try CaptureSource(t))] } catch { throw .invalidParameter(tv.location, key: "token", message: error.description) }
        } else if let cv = v["capture"] {
            guard let map = cv.mapping, !map.isEmpty else {
                throw .invalidValue(cv.location, key: "capture", expected: "a map of names to JSON paths, header:NAME or cookie:NAME, "
                                    + "such as {token: $.auth_token}",
                                    got: cv.typeDescription)
            }
            for e in map {
                guard let text = e.value.string else {
                    throw .invalidValue(e.value.location, key: e.key, expected: "a JSON path, header:NAME or cookie:NAME",
                                        got: e.value.typeDescription)
                }
                do { capture.append((e.key, try CaptureSource(text))) } catch {
                    throw .invalidParameter(e.value.location, key: e.key, message: error.description)
                }
            }
        }
        return Step(method: method, path: Template(p), headers: headers, body: body, capture: capture)
    }

    /// The placeholders a step uses.
    static func names(_ s: Step) -> [String] {
        func strings(_ v: JSONValue?) -> [String] {
            switch v {
            case .string(let x)?: [x]
            case .array(let a)?: a.flatMap { strings($0) }
            case .object(let o)?: o.keys.sorted().flatMap { strings(o[$0]) }
            default: []
            }
        }
        return (s.path.names + s.headers.flatMap(\.value.names) + strings(s.body).flatMap { Template($0).names })
    }

    /// A step's body with its templates filled, as compact JSON.
    static func body(_ v: JSONValue, _ values: [String: String]) -> [UInt8] {
        func fill(_ v: JSONValue) -> JSONValue {
            switch v {
            case .string(let s): .string(Template(s).render(values))
            case .array(let a): .array(a.map(fill))
            case .object(let o): .object(o.mapValues(fill))
            default: v
            }
        }
        return ProbePlan.encode(fill(v))
    }
}

extension HTTPAudit {
    /// Runs the login flow for tenant `t`: its token and the other values captured on the way (to keep
    /// out of reports), or an error that names the tenant, the step and its status, never a secret (the
    /// answer is redacted of the password before it is shown).
    func login(_ t: Int, _ spec: LoginSpec, password: String) async throws
        -> (token: String, captured: [String], cookies: [(name: String, value: String)]) {
        let tenant = options.tenants[t]
        let client = HTTPClient()
        defer { client.shutdown() }
        var values = ["username": tenant.username, "password": password, "tenant": tenant.slug]
        var jar = CookieJar()
        for (i, step) in spec.steps.enumerated() {
            let which = spec.steps.count == 1 ? "the login" : "login step \(i + 1)"
            let shown = "\(step.method) \(options.base.prefix)\(step.path)"
            var headers = [HTTPHeader("Accept", "application/json"), HTTPHeader("User-Agent", "gate-tenant-isolation")]
            if step.body != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
            for h in step.headers { headers.append(HTTPHeader(h.name, h.value.render(values))) }
            if let cookie = jar.header, !step.headers.contains(where: { $0.name.lowercased() == "cookie" }) {
                headers.append(HTTPHeader("Cookie", cookie))
            }
            let request = HTTPRequest(
                method: step.method, url: options.base.origin + options.base.prefix + step.path.render(values, encode: true),
                headers: headers, body: step.body.map { LoginSpec.body($0, values) },
                timeout: options.timeout, limits: HTTPLimits(keepBodyBytes: 1 << 20), tls: options.tls,
                proxyEnvironment: context.environment)
            switch await client.send(request) {
            case .failure(let e):
                throw VerifierError("tenant '\(tenant.name)': \(which) \(shown) got no answer: \(e.message)")
            case .success(let r):
                jar.take(r.headers)
                // What a failure may show is redacted of the flow's values and of every cookie set so far.
                var hidden = values
                for (k, c) in jar.cookies.enumerated() { hidden["cookie \(k + 1)"] = c.value }
                guard (200...299).contains(r.status) else {
                    throw VerifierError("tenant '\(tenant.name)': \(which) \(shown) answered \(r.status) "
                        + "('\(preview(r.body, limit: 80, also: hidden))'); check its 'username' and the password in "
                        + "'\(tenant.passwordEnv ?? "")'\(spec.steps.count > 1 ? ", and the earlier steps' captures" : "")")
                }
                let json = try? JSONDecoder().decode(JSONValue.self, from: Data(r.body))
                let missing = FlowCapture.apply(step.capture, json: json, headers: r.headers, values: &values)
                if let name = missing.first, let c = step.capture.first(where: { $0.name == name }) {
                    throw VerifierError("tenant '\(tenant.name)': \(which) \(shown) answered \(r.status) with nothing at "
                        + "\(c.source) to capture as '{\(name)}'; fix the login's capture ('\(preview(r.body, limit: 80, also: hidden))')")
                }
            }
        }
        // Every cookie of the flow is kept out of reports as a captured value is (a CSRF cookie, a session).
        let captured = spec.steps.flatMap { $0.capture.map(\.name) }.filter { $0 != "token" }.compactMap { values[$0] }
            + jar.cookies.map(\.value)
        return (values["token"] ?? "", captured.filter { $0.count >= 8 && $0 != values["token"] }, jar.cookies)
    }
}
