import Foundation

/// A check's `with:` block (or `gate check --set` values), with typed accessors whose errors name the
/// file, line and key. Relative paths resolve against `root`.
public struct Parameters: Sendable {
    /// The keys and values as written.
    public let values: [String: ConfigValue]
    /// The check's root directory, absolute.
    public let root: String
    /// Where the block (or the check) is defined; used when a missing key must be reported.
    public let location: SourceLocation

    public init(values: [String: ConfigValue], root: String, location: SourceLocation) {
        self.values = values
        self.root = root
        self.location = location
    }

    /// Builds parameters from a mapping value.
    public init(mapping: ConfigValue?, root: String, location: SourceLocation) throws(ConfigError) {
        var values: [String: ConfigValue] = [:]
        if let mapping {
            guard let entries = mapping.mapping else {
                throw .invalidValue(mapping.location, key: "with", expected: "a map", got: mapping.typeDescription)
            }
            for e in entries { values[e.key] = e.value }
        }
        self.init(values: values, root: root, location: location)
    }

    public subscript(key: String) -> ConfigValue? { values[key] }

    public func has(_ key: String) -> Bool { values[key].map { !$0.isNull } ?? false }

    public func location(of key: String) -> SourceLocation { values[key]?.location ?? location }

    /// An error pinned to `key`'s position.
    public func error(_ key: String, _ message: String) -> ConfigError {
        .invalidParameter(location(of: key), key: key, message: message)
    }

    private func present(_ key: String) -> ConfigValue? {
        guard let v = values[key], !v.isNull else { return nil }
        return v
    }

    private func mismatch(_ key: String, _ expected: String, _ v: ConfigValue) -> ConfigError {
        .invalidValue(v.location, key: key, expected: expected, got: v.typeDescription)
    }

    public func string(_ key: String) throws(ConfigError) -> String? {
        guard let v = present(key) else { return nil }
        guard let s = v.string else { throw mismatch(key, "a string", v) }
        return s
    }

    public func string(_ key: String, default d: String) throws(ConfigError) -> String {
        try string(key) ?? d
    }

    public func requiredString(_ key: String) throws(ConfigError) -> String {
        guard let s = try string(key) else { throw .missingKey(location, key: key, context: "'with'") }
        return s
    }

    public func bool(_ key: String, default d: Bool) throws(ConfigError) -> Bool {
        guard let v = present(key) else { return d }
        guard let b = v.bool else { throw mismatch(key, "true or false", v) }
        return b
    }

    public func int(_ key: String, default d: Int, range: ClosedRange<Int>? = nil) throws(ConfigError) -> Int {
        guard let v = present(key) else { return d }
        guard let i = v.int, range?.contains(i) ?? true else {
            throw mismatch(key, range.map { "an integer from \($0.lowerBound) to \($0.upperBound)" } ?? "an integer", v)
        }
        return i
    }

    public func double(_ key: String, default d: Double) throws(ConfigError) -> Double {
        guard let v = present(key) else { return d }
        guard let x = v.double else { throw mismatch(key, "a number", v) }
        return x
    }

    public func duration(_ key: String) throws(ConfigError) -> Duration? {
        guard let v = present(key) else { return nil }
        return try v.duration(key: key, allowZero: true)
    }

    public func stringList(_ key: String, default d: [String] = []) throws(ConfigError) -> [String] {
        guard let v = present(key) else { return d }
        guard let list = v.stringList else { throw mismatch(key, "a string or a list of strings", v) }
        return list
    }

    /// A path parameter, resolved against `root` unless absolute.
    public func path(_ key: String) throws(ConfigError) -> String? {
        try string(key).map(resolve)
    }

    /// A `.pathOrBool` parameter (`write-baseline`): a string is the path; `true` is `whenTrue`; `false`
    /// or no value is nil. Returns the path resolved against `root` and as written, for messages.
    public func pathOrSwitch(_ key: String, whenTrue: String) throws(ConfigError) -> (path: String, display: String)? {
        guard let v = present(key) else { return nil }
        if let b = v.bool { return b ? (resolve(whenTrue), whenTrue) : nil }
        guard let s = v.string, !s.isEmpty else { throw mismatch(key, "true, false or a path", v) }
        return (resolve(s), s)
    }

    public func paths(_ key: String) throws(ConfigError) -> [String] {
        try stringList(key).map(resolve)
    }

    /// One of a fixed set of words.
    public func oneOf<T: RawRepresentable>(_ key: String, default d: T) throws(ConfigError) -> T
    where T.RawValue == String {
        guard let v = present(key) else { return d }
        guard let s = v.string, let t = T(rawValue: s) else {
            throw mismatch(key, "a valid value", v)
        }
        return t
    }

    /// Resolves a path against `root`.
    public func resolve(_ path: String) -> String {
        PathUtil.resolve(path, against: root)
    }
}
