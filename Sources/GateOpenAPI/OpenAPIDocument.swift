import GateCore

/// What the sweep reads from an OpenAPI 3.0 or 3.1 document (YAML or JSON): each operation's method and
/// path, its path and query parameters with their schemas, and its JSON request body schema. Local `$ref`s
/// (`#/components/...`) are resolved; anything else the sweep does not need is not read.
///
/// Hand-written over gate's YAML loader rather than OpenAPIKit, whose debug build took 142 s and release
/// build 758 s on this 2-core machine (measured for this verifier; see docs/health.md): the sweep reads
/// five fields, and the loader's positions let every error name the document's line.
public struct OpenAPIDocument: Sendable {
    public struct Parameter: Sendable {
        public var name: String
        public var location: String
        public var required: Bool
        public var schema: JSONValue
    }

    public struct Operation: Sendable {
        public var method: String
        public var path: String
        public var id: String?
        public var parameters: [Parameter]
        public var bodySchema: JSONValue?
        public var line: Int
        /// The operation needs credentials: its own `security`, or the document's, names a scheme (an empty
        /// list, or a list holding `{}`, makes it public).
        public var secured: Bool
        /// The JSON schema of its first 2xx answer, `$ref`s resolved.
        public var responseSchema: JSONValue?

        public var label: String { "\(method) \(path)" }
    }

    static let methods = ["get", "put", "post", "delete", "options", "head", "patch"]

    public var version: String
    public var operations: [Operation]

    public static func load(path: String, display: String) throws -> OpenAPIDocument {
        let root: ConfigValue
        do {
            guard let v = try YAMLLoader.load(path: path, displayPath: display) else {
                throw VerifierError("the OpenAPI document '\(display)' is empty")
            }
            root = v
        } catch let e as ConfigError {
            throw VerifierError("cannot read the OpenAPI document: \(e)")
        }
        func fail(_ v: ConfigValue?, _ message: String) -> VerifierError {
            VerifierError("\(v?.location.description ?? display): \(message)")
        }
        guard let version = root["openapi"]?.string, version.hasPrefix("3.") else {
            throw fail(root["openapi"] ?? root, "not an OpenAPI 3 document (no 'openapi: 3.x'); Swagger 2.0 is not read")
        }
        let json = root.json
        guard let paths = root["paths"]?.mapping else { throw fail(root, "the document has no 'paths'") }
        var ops: [Operation] = []
        for entry in paths {
            guard entry.key.hasPrefix("/") else { throw fail(entry.value, "the path '\(entry.key)' must start with '/'") }
            let item = try resolve(entry.value.json, in: json, at: entry.value, fail: fail)
            guard case .object(let itemMap) = item else { throw fail(entry.value, "the path item '\(entry.key)' is not a map") }
            let shared = try parameters(itemMap["parameters"], in: json, at: entry.value, fail: fail)
            for method in methods {
                guard case .object(let op)? = itemMap[method] else { continue }
                var params = shared
                for p in try parameters(op["parameters"], in: json, at: entry.value, fail: fail) {
                    params.removeAll { $0.name == p.name && $0.location == p.location }
                    params.append(p)
                }
                var body: JSONValue?
                if let rb = op["requestBody"] {
                    let resolved = try resolve(rb, in: json, at: entry.value, fail: fail)
                    if case .object(let content)? = resolved.member("content"),
                       let media = content.first(where: { $0.key.contains("json") })?.value,
                       let schema = media.member("schema") {
                        body = try resolveSchema(schema, in: json, at: entry.value, fail: fail)
                    }
                }
                let opID: String? = if case .string(let s)? = op["operationId"] { s } else { nil }
                let line = entry.value[method]?.location.line ?? entry.value.location.line
                var answer: JSONValue?
                if case .object(let responses)? = op["responses"],
                   let ok = responses.keys.sorted().first(where: { $0.hasPrefix("2") }).flatMap({ responses[$0] }) {
                    let resolved = try resolve(ok, in: json, at: entry.value, fail: fail)
                    if case .object(let content)? = resolved.member("content"),
                       let media = content.first(where: { $0.key.contains("json") })?.value, let schema = media.member("schema") {
                        answer = try resolveSchema(schema, in: json, at: entry.value, fail: fail)
                    }
                }
                ops.append(Operation(method: method.uppercased(), path: entry.key, id: opID, parameters: params,
                                     bodySchema: body, line: line, secured: secured(op["security"] ?? json.member("security")),
                                     responseSchema: answer))
            }
        }
        return OpenAPIDocument(version: version, operations: ops)
    }

    /// A security requirement list names a scheme unless it is absent, empty, or offers `{}` (anonymous).
    private static func secured(_ v: JSONValue?) -> Bool {
        guard case .array(let options)? = v, !options.isEmpty else { return false }
        return !options.contains { if case .object(let o) = $0 { o.isEmpty } else { false } }
    }

    private static func parameters(_ v: JSONValue?, in doc: JSONValue, at where_: ConfigValue,
                                   fail: (ConfigValue?, String) -> VerifierError) throws -> [Parameter] {
        guard let v else { return [] }
        guard case .array(let items) = v else { throw fail(where_, "'parameters' must be a list") }
        var out: [Parameter] = []
        for raw in items {
            let p = try resolve(raw, in: doc, at: where_, fail: fail)
            guard case .string(let name)? = p.member("name"), case .string(let loc)? = p.member("in") else {
                throw fail(where_, "a parameter lacks 'name' or 'in'")
            }
            let required: Bool = if case .bool(let b)? = p.member("required") { b } else { loc == "path" }
            var schema = p.member("schema") ?? .object([:])
            schema = try resolveSchema(schema, in: doc, at: where_, fail: fail)
            out.append(Parameter(name: name, location: loc, required: required, schema: schema))
        }
        return out
    }

    /// Follows a `$ref` (repeatedly) to what it names.
    public static func resolve(_ v: JSONValue, in doc: JSONValue, at where_: ConfigValue,
                        fail: (ConfigValue?, String) -> VerifierError) throws -> JSONValue {
        var current = v
        for _ in 0..<32 {
            guard case .string(let ref)? = current.member("$ref") else { return current }
            guard ref.hasPrefix("#/") else { throw fail(where_, "'\(ref)' points outside the document; only local references are read") }
            var node = doc
            for raw in ref.dropFirst(2).split(separator: "/") {
                let key = raw.replacingOccurrences(of: "~1", with: "/").replacingOccurrences(of: "~0", with: "~")
                guard let next = node.member(key) else { throw fail(where_, "'\(ref)' names nothing in the document") }
                node = next
            }
            current = node
        }
        throw fail(where_, "a chain of $ref does not end")
    }

    /// A schema with `$ref`s resolved in its properties and items, to a bounded depth (recursive schemas stop).
    public static func resolveSchema(_ v: JSONValue, in doc: JSONValue, at where_: ConfigValue, depth: Int = 0,
                              fail: (ConfigValue?, String) -> VerifierError) throws -> JSONValue {
        let s = try resolve(v, in: doc, at: where_, fail: fail)
        guard depth < 8, case .object(var o) = s else { return s }
        if case .object(let props)? = o["properties"] {
            var resolved: [String: JSONValue] = [:]
            for (k, p) in props { resolved[k] = try resolveSchema(p, in: doc, at: where_, depth: depth + 1, fail: fail) }
            o["properties"] = .object(resolved)
        }
        if let items = o["items"] { o["items"] = try resolveSchema(items, in: doc, at: where_, depth: depth + 1, fail: fail) }
        for k in ["allOf", "oneOf", "anyOf"] {
            if case .array(let list)? = o[k] {
                o[k] = .array(try list.map { try resolveSchema($0, in: doc, at: where_, depth: depth + 1, fail: fail) })
            }
        }
        return .object(o)
    }
}
