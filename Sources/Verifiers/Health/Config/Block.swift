import GateCore

/// A map of keys from the suite (the `with:` block itself, or one item of `requests:` or `flow:`), with
/// accessors whose errors name the key's file and line. Unknown keys are refused with the valid ones listed.
struct Block: Sendable {
    let entries: [String: ConfigValue]
    let keyLocations: [String: SourceLocation]
    let location: SourceLocation
    /// How errors name this block: "'with'", "request 'db'".
    let context: String

    init(parameters p: Parameters) {
        entries = p.values.filter { !$0.value.isNull }
        keyLocations = p.values.mapValues(\.location)
        location = p.location
        context = "'with'"
    }

    init(_ value: ConfigValue, context: String) throws(ConfigError) {
        guard let map = value.mapping else {
            throw .invalidValue(value.location, key: context, expected: "a map", got: value.typeDescription)
        }
        var e: [String: ConfigValue] = [:]
        var k: [String: SourceLocation] = [:]
        for entry in map where !entry.value.isNull {
            e[entry.key] = entry.value
            k[entry.key] = entry.keyLocation
        }
        entries = e
        keyLocations = k
        location = value.location
        self.context = context
    }

    subscript(key: String) -> ConfigValue? { entries[key] }
    func has(_ key: String) -> Bool { entries[key] != nil }

    func at(_ key: String) -> SourceLocation { entries[key]?.location ?? location }

    func error(_ key: String, _ message: String) -> ConfigError { .invalidParameter(at(key), key: key, message: message) }

    func mismatch(_ key: String, _ expected: String) -> ConfigError {
        .invalidValue(at(key), key: key, expected: expected, got: entries[key]?.typeDescription ?? "nothing")
    }

    /// Refuses keys outside `valid`.
    func only(_ valid: [String]) throws(ConfigError) {
        for key in entries.keys.sorted() where !valid.contains(key) {
            throw .unknownKey(keyLocations[key] ?? location, key: key, context: context, valid: valid)
        }
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = entries[key] else { return nil }
        guard let s = v.string else { throw mismatch(key, "a string") }
        return s
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let v = entries[key] else { return nil }
        guard let b = v.bool else { throw mismatch(key, "true or false") }
        return b
    }

    func int(_ key: String, range: ClosedRange<Int>) throws(ConfigError) -> Int? {
        guard let v = entries[key] else { return nil }
        guard let i = v.int, range.contains(i) else {
            throw mismatch(key, "an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return i
    }

    func duration(_ key: String) throws(ConfigError) -> Duration? {
        guard let v = entries[key] else { return nil }
        guard let s = v.string, let d = DurationParsing.parse(s), d > .zero else {
            throw mismatch(key, "a positive duration such as 500ms, 10s or 5m")
        }
        return d
    }

    func stringList(_ key: String) throws(ConfigError) -> [String]? {
        guard let v = entries[key] else { return nil }
        guard let l = v.stringList else { throw mismatch(key, "a string or a list of strings") }
        return l
    }

    /// A byte size: 512, 64KB, 10MB, 1GiB.
    func size(_ key: String) throws(ConfigError) -> Int? {
        guard let v = entries[key] else { return nil }
        guard let s = v.string, let n = Sizes.parse(s) else { throw mismatch(key, "a size such as 64KB, 10MB or 1048576") }
        return n
    }

    /// A nested block.
    func block(_ key: String) throws(ConfigError) -> Block? {
        guard let v = entries[key] else { return nil }
        return try Block(v, context: "'\(key)'")
    }
}

/// Byte sizes as people write them.
enum Sizes {
    static func parse(_ text: String) -> Int? {
        let s = text.trimmingCharacters(in: .whitespaces).uppercased().replacingOccurrences(of: " ", with: "")
        let units: [(String, Int)] = [("KIB", 1 << 10), ("MIB", 1 << 20), ("GIB", 1 << 30), ("KB", 1000), ("MB", 1_000_000),
                                      ("GB", 1_000_000_000), ("K", 1 << 10), ("M", 1 << 20), ("G", 1 << 30), ("B", 1)]
        for (suffix, factor) in units where s.hasSuffix(suffix) {
            guard let x = Double(s.dropLast(suffix.count)), x >= 0, x * Double(factor) < 1e15 else { return nil }
            return Int(x * Double(factor))
        }
        guard let n = Int(s), n >= 0 else { return nil }
        return n
    }

    static func format(_ n: Int) -> String {
        if n >= 1_000_000 && n % 1_000_000 == 0 { return "\(n / 1_000_000)MB" }
        if n >= 1000 && n % 1000 == 0 { return "\(n / 1000)KB" }
        if n >= 1 << 20 && n % (1 << 20) == 0 { return "\(n >> 20)MiB" }
        if n >= 1 << 10 && n % (1 << 10) == 0 { return "\(n >> 10)KiB" }
        return "\(n) bytes"
    }
}
