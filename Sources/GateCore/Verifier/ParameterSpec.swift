/// The declared shape of one verifier parameter: used to reject unknown keys and wrong types before
/// anything runs, and printed by `gate explain`.
public struct ParameterSpec: Sendable, Hashable {
    public enum Kind: Sendable, Hashable, CustomStringConvertible {
        case string
        case bool
        case int
        case number
        case duration
        /// A path, resolved against the check's root.
        case path
        /// A string or a list of strings.
        case stringList
        /// A path or a list of paths.
        case pathList
        /// A path, or `true` for the parameter's default path and `false` for none (`write-baseline`).
        case pathOrBool
        /// One of the listed words.
        case oneOf([String])
        /// A map; the verifier validates its contents.
        case map
        /// A list of maps; the verifier validates each.
        case mapList
        /// A string (run under a shell) or a list of strings (an argv).
        case command
        /// Any YAML value; the verifier validates it.
        case any

        public var description: String {
            switch self {
            case .string: "string"
            case .bool: "bool"
            case .int: "int"
            case .number: "number"
            case .duration: "duration"
            case .path: "path"
            case .stringList: "string | [string]"
            case .pathList: "path | [path]"
            case .pathOrBool: "path | bool"
            case .oneOf(let words): words.joined(separator: " | ")
            case .map: "map"
            case .mapList: "[map]"
            case .command: "string | [string]"
            case .any: "any"
            }
        }
    }

    public var name: String
    public var kind: Kind
    /// The default as users would write it, or nil when there is none.
    public var defaultValue: String?
    public var required: Bool
    public var doc: String
    /// For `.int`: the values allowed, checked with the shape and named in the message and by `gate explain`.
    public var range: ClosedRange<Int>?

    public init(_ name: String, _ kind: Kind, default defaultValue: String? = nil, required: Bool = false,
                range: ClosedRange<Int>? = nil, _ doc: String) {
        self.name = name
        self.kind = kind
        self.defaultValue = defaultValue
        self.required = required
        self.range = range
        self.doc = doc
    }

    /// `<int 1 to 256>`, `<duration>`: the kind as `gate explain` shows it.
    public var kindText: String {
        range.map { "\(kind) \($0.lowerBound) to \($0.upperBound)" } ?? kind.description
    }

    /// Checks that `value` has this parameter's shape. Verifiers check meaning afterwards.
    func validate(_ value: ConfigValue) throws(ConfigError) {
        func bad(_ expected: String) -> ConfigError {
            .invalidValue(value.location, key: name, expected: expected, got: value.typeDescription)
        }
        switch kind {
        case .string, .path:
            if value.string == nil { throw bad("a string") }
        case .bool:
            if value.bool == nil { throw bad("true or false") }
        case .pathOrBool:
            if value.bool == nil && (value.string ?? "").isEmpty { throw bad("true, false or a path") }
        case .int:
            guard let i = value.int, range?.contains(i) ?? true else {
                throw bad(range.map { "an integer from \($0.lowerBound) to \($0.upperBound)" } ?? "an integer")
            }
        case .number:
            if value.double == nil { throw bad("a number") }
        case .duration:
            _ = try value.duration(key: name, allowZero: true)
        case .stringList, .pathList, .command:
            if value.stringList == nil { throw bad("a string or a list of strings") }
        case .oneOf(let words):
            guard let s = value.string, words.contains(s) else {
                throw bad("one of " + words.map { "'\($0)'" }.joined(separator: ", "))
            }
        case .map:
            if value.mapping == nil { throw bad("a map") }
        case .mapList:
            guard let items = value.sequence, items.allSatisfy({ $0.mapping != nil }) else {
                throw bad("a list of maps")
            }
        case .any:
            break
        }
    }
}
