import GateCore
import GateHTTP

/// Expected status codes: `200`, `[200, 204]`, `2xx`, or a mix (`[2xx, 304]`).
struct StatusMatcher: Sendable, Hashable, CustomStringConvertible {
    enum Item: Sendable, Hashable {
        case code(Int)
        case range(ClosedRange<Int>, String)
    }

    let items: [Item]

    static let success = StatusMatcher(items: [.range(200...299, "2xx")])

    init(items: [Item]) { self.items = items }

    init(_ v: ConfigValue, key: String) throws(ConfigError) {
        let values = v.sequence ?? [v]
        var items: [Item] = []
        for item in values {
            guard let text = item.string?.lowercased() else {
                throw .invalidValue(item.location, key: key, expected: "a status such as 200, a list, or a class such as 2xx",
                                    got: item.typeDescription)
            }
            if let code = Int(text), (100...599).contains(code) {
                items.append(.code(code))
            } else if text.count == 3, text.hasSuffix("xx"), let d = Int(text.prefix(1)), (1...5).contains(d) {
                items.append(.range((d * 100)...(d * 100 + 99), text))
            } else {
                throw .invalidValue(item.location, key: key, expected: "a status from 100 to 599, or a class from 1xx to 5xx",
                                    got: item.typeDescription)
            }
        }
        guard !items.isEmpty else {
            throw .invalidValue(v.location, key: key, expected: "at least one status", got: "an empty list")
        }
        self.items = items
    }

    func matches(_ status: Int) -> Bool {
        items.contains { item in
            switch item {
            case .code(let c): c == status
            case .range(let r, _): r.contains(status)
            }
        }
    }

    var description: String {
        let parts = items.map { item -> String in
            switch item {
            case .code(let c): String(c)
            case .range(_, let label): label
            }
        }
        return parts.count == 1 ? parts[0] : parts.dropLast().joined(separator: ", ") + " or " + parts.last!
    }
}

/// Text with `{name}` placeholders: `{port}` (the started service's port), `{uuid}` (one random id per
/// run, for idempotency keys) and the names that earlier flow steps capture. Anything else between braces
/// that is not a name, such as JSON, is left alone.
struct Template: Sendable, Hashable, CustomStringConvertible {
    let description: String
    let names: [String]

    init(_ text: String) {
        description = text
        names = Self.scan(text).map(\.name)
    }

    /// The text with every placeholder replaced; a name without a value stays as written.
    func render(_ values: [String: String], encode: Bool = false) -> String {
        var out = ""
        var last = description.startIndex
        for p in Self.scan(description) {
            out += description[last..<p.range.lowerBound]
            if let v = values[p.name] { out += encode ? Self.percentEncode(v) : v } else { out += description[p.range] }
            last = p.range.upperBound
        }
        return out + description[last...]
    }

    private static func scan(_ text: String) -> [(name: String, range: Range<String.Index>)] {
        var out: [(String, Range<String.Index>)] = []
        var i = text.startIndex
        while let open = text[i...].firstIndex(of: "{") {
            guard let close = text[open...].firstIndex(of: "}") else { break }
            let name = text[text.index(after: open)..<close]
            if let first = name.first, first.isLetter || first == "_",
               name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" || $0 == "." }) {
                out.append((String(name), open..<text.index(after: close)))
                i = text.index(after: close)
            } else {
                i = text.index(after: open)
            }
        }
        return out
    }

    /// Percent-encodes all but RFC 3986's unreserved characters, for values placed in a URL.
    static func percentEncode(_ s: String) -> String { URLParts.encodeComponent(s) }
}
