import Foundation
import GateCore
import GateOpenAPI
import GateHTTP

/// Settings every request of a check shares unless a request overrides them.
struct ProbeDefaults: Sendable {
    var baseURL: Template?
    var timeout: Duration = .seconds(10)
    var connectTimeout: Duration?
    var tls = TLSOptions()
    var version: HTTPVersionPreference = .automatic
    var maxBody = 10_000_000
    var followRedirects = 0
    var allowHosts: [String] = []
    var headers: [(name: String, value: Template)] = []
    var auth: AuthSpec?
}

/// Credentials from the environment: the token is read when the check runs, never stored or shown.
struct AuthSpec: Sendable, Hashable {
    var tokenEnv: String
    var header = "Authorization"
    var scheme = "Bearer"
    /// Where `token-env` is written, for the exit-2 error when it is unset.
    var location: SourceLocation

    func value(_ token: String) -> String { scheme.isEmpty ? token : "\(scheme) \(token)" }
}

/// Where a probe goes.
enum ProbeTarget: Sendable {
    /// An http(s) URL, absolute or relative to `base-url`.
    case url(Template)
    /// host:port, connect only.
    case tcp(Template)
    /// A command whose stdout is the body.
    case run(ProcessSpec.Command)
}

/// One request (or command) and what its answer must look like.
struct ProbeSpec: Sendable {
    var name: String
    var target: ProbeTarget
    var method: String
    var headers: [(name: String, value: Template)]
    var body: Template?
    var auth: AuthSpec?
    var expect: Expectations
    var latency: LatencySpec?
    var capture: [(name: String, source: CaptureSource)]
    var repeatCount: Int
    var same: [JSONPath]
    var timeout: Duration
    var location: SourceLocation

    static let targetKeys = ["url", "tcp", "run"]
    static let requestKeys = ["name", "method", "headers", "body", "token-env", "auth-header", "auth-scheme", "latency",
                              "capture", "repeat", "same", "timeout"]
    static var keys: [String] { targetKeys + requestKeys + Expectations.keys }

    var isCommand: Bool { if case .run = target { true } else { false } }

    init(_ b: Block, defaults: ProbeDefaults, root: String, index: Int?) throws(ConfigError) {
        location = b.location
        let given = Self.targetKeys.filter(b.has)
        guard given.count == 1 else {
            throw .invalidParameter(b.location, key: given.first ?? "url", message: given.isEmpty
                ? "\(b.context) needs a target: 'url' (http or https), 'tcp' (host:port) or 'run' (a command)"
                : "give one target, not \(given.map { "'\($0)'" }.joined(separator: " and "))")
        }
        switch given[0] {
        case "url":
            let text = try b.string("url")!
            if !text.lowercased().hasPrefix("http://") && !text.lowercased().hasPrefix("https://") {
                // '{where}' alone: a path an earlier flow step captured (capture: {where: header:Location}).
                let placeholder = Template(text)
                guard text.hasPrefix("/") || (placeholder.names.count == 1 && text == "{\(placeholder.names[0])}") else {
                    throw b.error("url", "'\(text)' is neither an http(s) URL nor a path starting with '/' (nor '{name}' alone, "
                        + "a path captured by an earlier flow step)")
                }
                guard defaults.baseURL != nil else {
                    throw b.error("url", "'\(text)' is a path; give 'base-url' (or 'service', which implies http://127.0.0.1:{port})")
                }
            }
            target = .url(Template(text))
        case "tcp":
            let text = try b.string("tcp")!
            guard let colon = text.lastIndex(of: ":"), !text[..<colon].isEmpty, !text[text.index(after: colon)...].isEmpty else {
                throw b.error("tcp", "'\(text)' is not host:port (for example 127.0.0.1:5432 or db:{port})")
            }
            target = .tcp(Template(text))
        default:
            let v = b["run"]!
            if let s = v.sequence {
                let argv = s.compactMap(\.string)
                guard argv.count == s.count, !argv.isEmpty else { throw b.mismatch("run", "a command string or a list of strings") }
                target = .run(.argv(argv))
            } else {
                guard let s = v.string, !s.isEmpty else { throw b.mismatch("run", "a command string or a list of strings") }
                target = .run(.shell(s))
            }
        }
        let isCommand = given[0] == "run"
        if isCommand || given[0] == "tcp" {
            let httpOnly = ["method", "headers", "body", "token-env", "status", "response-headers"].filter(b.has)
            if let k = httpOnly.first { throw b.error(k, "'\(k)' belongs to an HTTP request ('url'), not to '\(given[0])'") }
        }
        method = (try b.string("method") ?? (b.has("body") ? "POST" : "GET")).uppercased()
        guard method.allSatisfy({ $0.isASCII && $0.isLetter }), !method.isEmpty else {
            throw b.error("method", "'\(method)' is not an HTTP method")
        }
        headers = defaults.headers
        for h in try Self.parseHeaders(b) {
            headers.removeAll { $0.name.lowercased() == h.name.lowercased() }
            headers.append(h)
        }
        if let bv = b["body"] {
            if let s = bv.string {
                body = Template(s)
            } else {
                body = Template(bv.json.compactText)
                if !headers.contains(where: { $0.name.lowercased() == "content-type" }) {
                    headers.append(("Content-Type", Template("application/json")))
                }
            }
        }
        auth = try Self.parseAuth(b, defaults: defaults.auth)
        expect = try Expectations(b, root: root, isCommand: isCommand)
        if expect.status == nil && !isCommand && given[0] == "url" { expect.status = .success }
        if expect.exitCode == nil && isCommand { expect.exitCode = 0 }
        latency = try b["latency"].map { (v: ConfigValue) throws(ConfigError) in try LatencySpec(v) }
        capture = []
        if let cv = b["capture"] {
            guard let map = cv.mapping else { throw b.mismatch("capture", "a map of names to JSON paths, headers or cookies, such as {job: $.thread_id, next: header:Location}") }
            for e in map {
                guard let text = e.value.string else {
                    throw .invalidValue(e.value.location, key: e.key, expected: "a JSON path, header:NAME or cookie:NAME", got: e.value.typeDescription)
                }
                do { capture.append((e.key, try CaptureSource(text))) } catch {
                    throw .invalidParameter(e.value.location, key: e.key, message: error.description)
                }
            }
        }
        repeatCount = try b.int("repeat", range: 1...100) ?? 1
        same = []
        for text in try b.stringList("same") ?? [] {
            do { same.append(try JSONPath(text)) } catch { throw b.error("same", error.description) }
        }
        if !same.isEmpty && repeatCount < 2 {
            throw b.error("same", "'same' compares repeated answers; add 'repeat: 2' (or more)")
        }
        timeout = try b.duration("timeout") ?? defaults.timeout
        let label: String = switch target {
        case .url(let t): "\(method) \(t)"
        case .tcp(let t): "tcp \(t)"
        case .run(let c): "run \(c)"
        }
        name = try b.string("name") ?? (index.map { "#\($0 + 1) \(label)" } ?? label)
    }

    static func parseHeaders(_ b: Block) throws(ConfigError) -> [(name: String, value: Template)] {
        guard let hv = b["headers"] else { return [] }
        guard let map = hv.mapping else { throw b.mismatch("headers", "a map of header names to values") }
        var out: [(name: String, value: Template)] = []
        for e in map {
            guard let value = e.value.string else {
                throw .invalidValue(e.value.location, key: e.key, expected: "a header value", got: e.value.typeDescription)
            }
            guard !e.key.isEmpty, e.key.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }),
                  !value.contains("\n"), !value.contains("\r") else {
                throw .invalidParameter(e.keyLocation, key: e.key, message: "not a valid header name or value")
            }
            out.append((e.key, Template(value)))
        }
        return out
    }

    static func parseAuth(_ b: Block, defaults: AuthSpec?) throws(ConfigError) -> AuthSpec? {
        guard let env = try b.string("token-env") else {
            if let k = ["auth-header", "auth-scheme"].first(where: b.has), defaults == nil {
                throw b.error(k, "'\(k)' needs 'token-env', the environment variable that holds the token")
            }
            guard var d = defaults else { return nil }
            d.header = try b.string("auth-header") ?? d.header
            d.scheme = try b.string("auth-scheme") ?? d.scheme
            return d
        }
        guard let first = env.first, first.isLetter || first == "_",
              env.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") }) else {
            throw b.mismatch("token-env", "the name of an environment variable, such as API_TOKEN")
        }
        let header = try b.string("auth-header") ?? defaults?.header ?? "Authorization"
        guard !header.isEmpty, header.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw b.error("auth-header", "give a header name such as Authorization or X-Api-Key")
        }
        return AuthSpec(tokenEnv: env, header: header, scheme: try b.string("auth-scheme") ?? defaults?.scheme ?? "Bearer",
                        location: b.at("token-env"))
    }

    /// Placeholders this probe uses.
    var placeholders: [String] {
        var out: [String] = headers.flatMap(\.value.names) + (body?.names ?? [])
        switch target {
        case .url(let t), .tcp(let t): out += t.names
        case .run: break
        }
        return out
    }
}
