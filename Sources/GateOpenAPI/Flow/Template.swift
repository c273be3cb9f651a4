import GateHTTP

/// Text with `{name}` placeholders: `{port}` (the started service's port), `{uuid}` (one random id per
/// run, for idempotency keys) and the names that earlier flow steps capture. Anything else between braces
/// that is not a name, such as JSON, is left alone.
public struct Template: Sendable, Hashable, CustomStringConvertible {
    public let description: String
    public let names: [String]

    public init(_ text: String) {
        description = text
        names = Self.scan(text).map(\.name)
    }

    /// The text with every placeholder replaced; a name without a value stays as written.
    public func render(_ values: [String: String], encode: Bool = false) -> String {
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
    public static func percentEncode(_ s: String) -> String { URLParts.encodeComponent(s) }
}
