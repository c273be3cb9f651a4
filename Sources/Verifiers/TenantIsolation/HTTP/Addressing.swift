import GateHTTP

/// `http(s)://host[:port][/prefix]`: where every probe goes. Only this host and port are ever contacted:
/// redirects are answers, not instructions, and ids from list endpoints only fill path templates.
struct BaseURL: Sendable, Hashable {
    var scheme: String
    var host: String
    var port: Int
    /// A path prefix without a trailing slash ("" or "/api").
    var prefix: String

    /// `scheme://host:port`, which every request URL starts with.
    var origin: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h):\(port)"
    }

    var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.") || host.hasSuffix(".localhost")
    }

    init(_ text: String) throws(TemplateError) {
        let lower = text.lowercased()
        guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
            throw TemplateError("'\(text)' is not an http:// or https:// URL; write it as http://127.0.0.1:8080 or "
                + "https://host:port/prefix")
        }
        scheme = lower.hasPrefix("https://") ? "https" : "http"
        var rest = Substring(text.dropFirst(scheme.count + 3))
        guard !rest.contains("?"), !rest.contains("#") else {
            throw TemplateError("'\(text)' has a query or fragment; give only scheme, host, port and an optional path prefix")
        }
        let slash = rest.firstIndex(of: "/") ?? rest.endIndex
        let authority = rest[..<slash]
        rest = rest[slash...]
        guard !authority.contains("@") else {
            throw TemplateError("'\(text)' carries credentials; give them through 'tenants' and their 'token-env' instead")
        }
        var hostPart = Substring(authority)
        var port = scheme == "https" ? 443 : 80
        if hostPart.hasPrefix("[") {
            guard let close = hostPart.firstIndex(of: "]") else { throw TemplateError("'\(text)' has an unclosed '['") }
            let after = hostPart[hostPart.index(after: close)...]
            if after.hasPrefix(":") {
                guard let p = Int(after.dropFirst()), (1...65535).contains(p) else { throw TemplateError("'\(text)' has a bad port") }
                port = p
            } else if !after.isEmpty { throw TemplateError("'\(text)' has a bad host") }
            hostPart = hostPart[hostPart.index(after: hostPart.startIndex)..<close]
        } else if let colon = hostPart.lastIndex(of: ":") {
            guard let p = Int(hostPart[hostPart.index(after: colon)...]), (1...65535).contains(p) else {
                throw TemplateError("'\(text)' has a bad port; use a number from 1 to 65535")
            }
            port = p
            hostPart = hostPart[..<colon]
        }
        guard !hostPart.isEmpty, hostPart.allSatisfy({ $0.isLetter || $0.isNumber || ".-_:".contains($0) }) else {
            throw TemplateError("'\(text)' has no valid host")
        }
        host = hostPart.lowercased()
        self.port = port
        var prefix = String(rest)
        while prefix.hasSuffix("/") { prefix.removeLast() }
        self.prefix = prefix
    }
}

/// A malformed URL, template or selector; the verifier turns it into a ConfigError naming the key.
struct TemplateError: Error, CustomStringConvertible {
    let description: String
    init(_ message: String) { description = message }
}

/// A request path with a `{tenant}` placeholder and one object placeholder, named as the API names it:
/// `/tenants/{tenant}/documents/{id}`, `/users/v1/{username}/password`, `/books/v1/{book_title}`. The
/// tenant may instead be implied by the caller's token (no `{tenant}`). Values are percent-encoded as one
/// path segment each, so `../x` reaches the server as `..%2Fx`.
struct PathTemplate: Sendable, Hashable, CustomStringConvertible {
    enum Part: Sendable, Hashable {
        case literal(String)
        case tenant
        case id
    }

    let parts: [Part]
    let description: String
    /// The object placeholder's name (`id`, `username`, `book_title`).
    let idName: String

    var hasTenant: Bool { parts.contains(.tenant) }
    var hasID: Bool { parts.contains(.id) }

    init(_ text: String, requireID: Bool) throws(TemplateError) {
        description = text
        guard text.hasPrefix("/") else { throw TemplateError("the path '\(text)' must start with '/'") }
        var parts: [Part] = []
        var literal = ""
        var idName: String?
        var rest = Substring(text)
        while let c = rest.popFirst() {
            if c == "{" {
                guard let close = rest.firstIndex(of: "}") else {
                    throw TemplateError("the path '\(text)' opens '{' and never closes it")
                }
                let name = rest[..<close]
                rest = rest[rest.index(after: close)...]
                let part: Part
                guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || "_-.".contains($0) }) else {
                    throw TemplateError("the path '\(text)' has the placeholder '{\(name)}'; name it with letters, digits, '_', '-' or '.'")
                }
                if name == "tenant" {
                    part = .tenant
                } else {
                    if let other = idName, other != name {
                        throw TemplateError("the path '\(text)' has two object placeholders, '{\(other)}' and '{\(name)}'; "
                            + "keep one (the object's id) and write the other's value into the path")
                    }
                    idName = String(name)
                    part = .id
                }
                if !literal.isEmpty { parts.append(.literal(literal)); literal = "" }
                parts.append(part)
            } else if c == "}" {
                throw TemplateError("the path '\(text)' has a '}' with no '{' before it")
            } else if c.isWhitespace || c.asciiValue.map({ $0 < 32 || $0 == 127 }) == true || c == "#" {
                throw TemplateError("the path '\(text)' contains a space, a control character or '#'; encode it")
            } else {
                literal.append(c)
            }
        }
        if !literal.isEmpty { parts.append(.literal(literal)) }
        self.parts = parts
        self.idName = idName ?? "id"
        if requireID && !parts.contains(.id) {
            throw TemplateError("the path '\(text)' has no object placeholder; write where the object id goes, such as /documents/{id}")
        }
        if !requireID && parts.contains(.id) {
            throw TemplateError("the list path '\(text)' cannot contain '{\(self.idName)}'; it lists a tenant's objects")
        }
    }

    func render(prefix: String, tenant: String, id: String = "") -> String {
        prefix + parts.map { part in
            switch part {
            case .literal(let s): s
            case .tenant: Self.encode(tenant)
            case .id: Self.encode(id)
            }
        }.joined()
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters (GateHTTP's encoder).
    static func encode(_ s: String) -> String { URLParts.encodeComponent(s) }
}
