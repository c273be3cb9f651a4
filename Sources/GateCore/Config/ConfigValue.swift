/// A YAML value with the position it came from, so every error can name file, line and column.
///
/// Scalars keep their text and whether they were quoted: a plain `true` is a boolean, a quoted `"true"`
/// is a string. Typing happens in the accessors, following the YAML 1.2 core schema.
public struct ConfigValue: Sendable, Hashable {
    public indirect enum Kind: Sendable, Hashable {
        case scalar(String, quoted: Bool)
        case sequence([ConfigValue])
        case mapping([ConfigEntry])
    }

    public var kind: Kind
    public var location: SourceLocation

    public init(_ kind: Kind, at location: SourceLocation) {
        self.kind = kind
        self.location = location
    }

    /// A plain scalar, for values built in code (defaults, tests).
    public static func scalar(_ text: String, quoted: Bool = true, at location: SourceLocation) -> ConfigValue {
        ConfigValue(.scalar(text, quoted: quoted), at: location)
    }

    // MARK: Typed views

    /// True for a plain `null`, `~` or empty scalar.
    public var isNull: Bool {
        if case .scalar(let s, let quoted) = kind, !quoted {
            return s.isEmpty || s == "~" || s == "null" || s == "Null" || s == "NULL"
        }
        return false
    }

    /// The scalar's text (any scalar, including numbers and booleans), or nil for lists, maps and null.
    public var string: String? {
        if case .scalar(let s, _) = kind, !isNull { return s }
        return nil
    }

    public var bool: Bool? {
        guard case .scalar(let s, let quoted) = kind, !quoted else { return nil }
        switch s.lowercased() {
        case "true", "yes", "on": return true
        case "false", "no", "off": return false
        default: return nil
        }
    }

    public var int: Int? {
        guard case .scalar(let s, let quoted) = kind, !quoted else { return nil }
        let cleaned = s.replacingOccurrences(of: "_", with: "")
        if cleaned.hasPrefix("0x") { return Int(cleaned.dropFirst(2), radix: 16) }
        return Int(cleaned)
    }

    /// The value as an integer in `range`, or an error naming this value's position, `key` and the range.
    public func int(key: String, range: ClosedRange<Int>, what: String = "an integer") throws(ConfigError) -> Int {
        guard let i = int, range.contains(i) else {
            throw .invalidValue(location, key: key, expected: "\(what) from \(range.lowerBound) to \(range.upperBound)",
                                got: typeDescription)
        }
        return i
    }

    public var double: Double? {
        guard case .scalar(let s, let quoted) = kind, !quoted else { return nil }
        return int.map(Double.init) ?? Double(s)
    }

    public var sequence: [ConfigValue]? {
        if case .sequence(let items) = kind { return items }
        return nil
    }

    public var mapping: [ConfigEntry]? {
        if case .mapping(let entries) = kind { return entries }
        return nil
    }

    /// The entry for `key` in a mapping.
    public subscript(key: String) -> ConfigValue? {
        mapping?.first { $0.key == key }?.value
    }

    /// A list of strings; a single scalar counts as a one-element list.
    public var stringList: [String]? {
        if let s = string { return [s] }
        guard let items = sequence else { return nil }
        var out: [String] = []
        for item in items {
            guard let s = item.string else { return nil }
            out.append(s)
        }
        return out
    }

    /// "a string", "a list", ... for error messages.
    public var typeDescription: String {
        switch kind {
        case .scalar(let s, _):
            if isNull { return "null" }
            let shown = s.count > 40 ? String(s.prefix(40)) + "…" : s
            return "'\(VisibleText.line(shown))'"
        case .sequence: return "a list"
        case .mapping: return "a map"
        }
    }

    /// The value as JSON, typing plain scalars by the YAML 1.2 core schema. Map keys keep their text.
    public var json: JSONValue {
        switch kind {
        case .scalar(let s, let quoted):
            if quoted { return .string(s) }
            if isNull { return .null }
            if let b = bool, ["true", "false"].contains(s.lowercased()) { return .bool(b) }
            if let i = Int(s) { return .int(i) }
            if let d = Double(s), s.contains(".") || s.contains("e") || s.contains("E") { return .double(d) }
            return .string(s)
        case .sequence(let items): return .array(items.map(\.json))
        case .mapping(let entries):
            return .object(Dictionary(entries.map { ($0.key, $0.value.json) }, uniquingKeysWith: { $1 }))
        }
    }
}

/// One `key: value` pair of a mapping, with the key's own position.
public struct ConfigEntry: Sendable, Hashable {
    public var key: String
    public var keyLocation: SourceLocation
    public var value: ConfigValue

    public init(key: String, keyLocation: SourceLocation, value: ConfigValue) {
        self.key = key
        self.keyLocation = keyLocation
        self.value = value
    }
}
