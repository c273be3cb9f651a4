import GateCore

/// A JSONPath subset for assertions and captures (health's assertions, the request flows of health and of
/// tenant-isolation's login): `$`, `.name`, `['name']`, `[index]` (negative from the
/// end), and the wildcards `.*` and `[*]`. Evaluating gives every match with its concrete path, so that a
/// failed `$.checks.* == "ok"` names `$.checks.cas`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    public enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
        case wildcard
    }

    public let steps: [Step]
    public let description: String

    public var hasWildcard: Bool { steps.contains(.wildcard) }

    /// `$.key`, for paths built in code.
    public init(key: String) {
        steps = [.key(key)]
        description = "$." + key
    }

    public init(_ text: String) throws(JSONPathError) {
        description = text
        var s = Substring(text)
        guard s.hasPrefix("$") else { throw JSONPathError("'\(text)' must start with '$' (for example $.status)") }
        s = s.dropFirst()
        var steps: [Step] = []
        while let c = s.first {
            if c == "." {
                s = s.dropFirst()
                if s.first == "*" {
                    steps.append(.wildcard)
                    s = s.dropFirst()
                    continue
                }
                let name = s.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { throw JSONPathError("'\(text)' has an empty name after '.'") }
                steps.append(.key(String(name)))
                s = s.dropFirst(name.count)
            } else if c == "[" {
                s = s.dropFirst()
                if s.hasPrefix("*]") {
                    steps.append(.wildcard)
                    s = s.dropFirst(2)
                } else if let q = s.first, q == "'" || q == "\"" {
                    s = s.dropFirst()
                    guard let end = s.firstIndex(of: q), s[s.index(after: end)...].hasPrefix("]") else {
                        throw JSONPathError("'\(text)' has an unclosed quoted name")
                    }
                    steps.append(.key(String(s[..<end])))
                    s = s[s.index(end, offsetBy: 2)...]
                } else {
                    guard let end = s.firstIndex(of: "]"), let i = Int(s[..<end]) else {
                        throw JSONPathError("'\(text)' has a bad index; write [0], [-1], [*] or ['name']")
                    }
                    steps.append(.index(i))
                    s = s[s.index(after: end)...]
                }
            } else {
                throw JSONPathError("'\(text)' has '\(c)' where '.' or '[' was expected")
            }
        }
        self.steps = steps
    }

    /// Every value the path reaches, with its concrete path.
    public func evaluate(_ root: JSONValue) -> [(path: String, value: JSONValue)] {
        var current: [(String, JSONValue)] = [("$", root)]
        for step in steps {
            var next: [(String, JSONValue)] = []
            for (p, v) in current {
                switch (step, v) {
                case (.key(let k), .object(let o)):
                    if let x = o[k] { next.append((Self.join(p, k), x)) }
                case (.index(let i), .array(let a)):
                    let j = i < 0 ? a.count + i : i
                    if a.indices.contains(j) { next.append(("\(p)[\(j)]", a[j])) }
                case (.wildcard, .object(let o)):
                    for k in o.keys.sorted() { next.append((Self.join(p, k), o[k]!)) }
                case (.wildcard, .array(let a)):
                    for (j, x) in a.enumerated() { next.append(("\(p)[\(j)]", x)) }
                default:
                    break
                }
            }
            current = next
        }
        return current
    }

    private static func join(_ path: String, _ key: String) -> String {
        key.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "-" } && !key.isEmpty
            ? "\(path).\(key)" : "\(path)['\(key)']"
    }
}

public struct JSONPathError: Error, CustomStringConvertible {
    public let description: String
    public init(_ message: String) { description = message }
}
