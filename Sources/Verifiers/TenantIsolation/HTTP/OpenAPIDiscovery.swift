import GateCore
import GateOpenAPI

/// What `openapi:` teaches the HTTP mode: the resources (operations with one path parameter that need
/// credentials), the methods each supports, the bodies its writes send (from the document's examples or
/// schema), where each resource's ids come from (a list operation at the parent path whose items carry
/// the id field, and the owner field when one is named like an owner), and how tenants log in (a public
/// POST whose body has a password and whose answer has a token). Public operations are not probed for
/// cross-tenant reads. Whatever cannot be learned is listed in `skipped`, with why.
struct OpenAPIDiscovery: Sendable {
    var resources: [HTTPOptions.Resource] = []
    var login: LoginSpec?
    /// Operation (`GET /path`) to why it is not probed.
    var skipped: [String: String] = [:]

    /// Path parameters whose value is the caller's own user name: `/users/v1/{username}` is probed with
    /// each tenant's `username` as its object id.
    static let identityParameters: Set<String> = ["username", "user_name", "user", "login", "tenant"]
    /// Item fields that name an object's owner, in order of preference.
    static let ownerFields = ["owner", "user", "username", "tenant", "owner_id", "user_id", "tenant_id", "account", "account_id"]

    init(_ doc: OpenAPIDocument, tenants: [HTTPOptions.Tenant], allowMutations: Bool) {
        let byPath = Dictionary(grouping: doc.operations, by: \.path)
        login = Self.login(doc.operations)
        for path in byPath.keys.sorted() {
            let ops = byPath[path]!.sorted { $0.method < $1.method }
            let names = Self.placeholders(path).filter { $0 != "tenant" }
            guard names.count == 1, let name = names.first else {
                for op in ops {
                    if names.count > 1 {
                        skipped[op.label] = "\(names.count) object parameters; give it under 'resources'"
                    } else if !op.secured {
                        skipped[op.label] = login?.path == path ? "public: the login" : "public (no security requirement)"
                    } else if !byPath.keys.contains(where: { $0.hasPrefix(path + "/{") }) {
                        skipped[op.label] = "no object parameter: the tenant is the token's, nothing to cross"
                    }
                }
                continue
            }
            var methods: [String] = [], body: JSONValue?
            for op in ops {
                if !op.secured { skipped[op.label] = "public (no security requirement): not probed across tenants"; continue }
                if HTTPOptions.mutatingMethods.contains(op.method) {
                    guard allowMutations else { skipped[op.label] = "changes data; set 'allow-mutations: true' to probe it"; continue }
                    if let schema = op.bodySchema, body == nil { body = ValueGenerator.body(schema) }
                } else if op.method != "GET" {
                    continue
                }
                methods.append(op.method)
            }
            guard !methods.isEmpty, let template = try? PathTemplate(path, requireID: true) else { continue }
            var resource = HTTPOptions.Resource(path: template, ids: [:], idsFrom: nil, methods: methods.sorted(), body: body)
            if let source = Self.listSource(for: path, idName: name, byPath: byPath) {
                resource.idsFrom = source
            } else if Self.identityParameters.contains(name.lowercased()) {
                resource.ids = Dictionary(uniqueKeysWithValues: tenants.map { ($0.name, [$0.username]) })
            } else {
                for op in ops where skipped[op.label] == nil {
                    skipped[op.label] = "no list operation at the parent path gives its '\(name)' values; give it under "
                        + "'resources' with 'ids'"
                }
                continue
            }
            if allowMutations, let cut = path.range(of: "/{" + name + "}"),
               let post = byPath[String(path[..<cut.lowerBound])]?.first(where: { $0.method == "POST" && $0.secured }),
               let schema = post.bodySchema, case .object(let props)? = schema.member("properties"), props[name] != nil,
               let collection = try? PathTemplate(post.path, requireID: false) {
                resource.create = HTTPOptions.CreateSpec(path: collection, body: ValueGenerator.body(schema), idField: name,
                                                         deletable: ops.contains { $0.method == "DELETE" && $0.secured })
            }
            resources.append(resource)
        }
    }

    static func placeholders(_ path: String) -> [String] {
        path.split(separator: "{").dropFirst().compactMap { $0.split(separator: "}", maxSplits: 1).first.map(String.init) }
    }

    /// A secured GET at the parent path (`/books/v1` for `/books/v1/{book_title}`) answering an array of
    /// objects that have the id field: `$[*]` or `$.Items[*]`.
    static func listSource(for path: String, idName: String, byPath: [String: [OpenAPIDocument.Operation]])
        -> HTTPOptions.IDSource? {
        guard let cut = path.range(of: "/{" + idName + "}") else { return nil }
        let parent = String(path[..<cut.lowerBound])
        guard !parent.isEmpty, let list = byPath[parent]?.first(where: { $0.method == "GET" && $0.secured }),
              let schema = list.responseSchema, let listPath = try? PathTemplate(parent, requireID: false) else { return nil }
        func items(_ s: JSONValue) -> JSONValue? { ValueGenerator.type(s) == "array" ? s.member("items") : nil }
        var found: (selector: String, item: JSONValue)?
        if let item = items(schema) {
            found = ("$[*]", item)
        } else if case .object(let props)? = schema.member("properties") {
            for key in props.keys.sorted() {
                if let item = items(props[key]!) { found = ("$['\(key)'][*]", item); break }
            }
        }
        guard let found, case .object(let fields)? = found.item.member("properties") else { return nil }
        let idField = fields[idName] != nil ? idName : fields["id"] != nil ? "id" : nil
        guard let idField, let selector = try? IDSelector(found.selector) else { return nil }
        let owner = ownerFields.first { fields[$0] != nil && $0 != idField }
        return HTTPOptions.IDSource(path: listPath, selector: selector, idField: idField, ownerField: owner)
    }

    /// A public POST without path parameters whose JSON body has a password property and whose 2xx
    /// answer has a property named like a token.
    static func login(_ ops: [OpenAPIDocument.Operation]) -> LoginSpec? {
        for op in ops.sorted(by: { $0.path < $1.path }) where op.method == "POST" && !op.secured && !op.path.contains("{") {
            guard case .object(let props)? = op.bodySchema?.member("properties"),
                  let password = props.keys.sorted().first(where: { $0.lowercased().contains("password") }),
                  case .object(let answer)? = op.responseSchema?.member("properties"),
                  let token = answer.keys.sorted().first(where: { $0.lowercased().contains("token") }),
                  let selector = try? JSONPath("$['\(token)']") else { continue }
            var body: [String: JSONValue] = [:]
            for key in props.keys.sorted() {
                let lower = key.lowercased()
                if key == password {
                    body[key] = .string("{password}")
                } else if ["username", "user", "user_name", "login", "email", "name"].contains(lower) {
                    body[key] = .string("{username}")
                } else {
                    body[key] = ValueGenerator.body(props[key]!)
                }
            }
            return LoginSpec(method: "POST", path: op.path, body: .object(body), token: selector)
        }
        return nil
    }
}
