import GateCore

/// A small JSONPath subset for naming fields to drop before comparing: `$.a.b`, `$.items[3]`,
/// `$.items[*].id`, `$['odd key']`, `$.*` and recursive descent `$..createdAt`.
struct JSONPath: Sendable, Hashable, CustomStringConvertible {
    enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
        case wildcard
        /// `..name`: the key at this level or any level below.
        case descendant(String)
    }

    let steps: [Step]
    let description: String

    struct ParseError: Error { let message: String }

    init(_ text: String) throws(ParseError) {
        description = text
        let s = Array(text.unicodeScalars)
        guard s.first == "$" else { throw ParseError(message: "must start with '$', as in '$.createdAt'") }
        var i = 1
        var steps: [Step] = []
        func name() -> String {
            var out = ""
            while i < s.count, s[i] != ".", s[i] != "[" { out.unicodeScalars.append(s[i]); i += 1 }
            return out
        }
        while i < s.count {
            if s[i] == "." {
                if i + 1 < s.count, s[i + 1] == "." {
                    i += 2
                    let n = name()
                    guard !n.isEmpty, n != "*" else { throw ParseError(message: "'..' needs a key name after it") }
                    steps.append(.descendant(n))
                } else {
                    i += 1
                    let n = name()
                    guard !n.isEmpty else { throw ParseError(message: "empty key after '.' at character \(i)") }
                    steps.append(n == "*" ? .wildcard : .key(n))
                }
            } else if s[i] == "[" {
                guard let close = s[i...].firstIndex(of: "]") else { throw ParseError(message: "'[' without ']'") }
                var inner = String(String.UnicodeScalarView(s[(i + 1)..<close]))
                i = close + 1
                if inner == "*" { steps.append(.wildcard); continue }
                if let n = Int(inner), n >= 0 { steps.append(.index(n)); continue }
                if inner.count >= 2, let q = inner.first, q == "'" || q == "\"", inner.last == q {
                    inner = String(inner.dropFirst().dropLast())
                    steps.append(.key(inner))
                    continue
                }
                throw ParseError(message: "'[\(inner)]' must be an index, '*' or a quoted key")
            } else {
                throw ParseError(message: "unexpected '\(s[i])' at character \(i + 1)")
            }
        }
        guard !steps.isEmpty else { throw ParseError(message: "'$' alone would drop the whole document") }
        self.steps = steps
    }

    /// The value with every match removed.
    func dropping(from value: JSONValue) -> JSONValue {
        drop(value, steps[...])
    }

    private func drop(_ value: JSONValue, _ rest: ArraySlice<Step>) -> JSONValue {
        guard let step = rest.first else { return value }
        let tail = rest.dropFirst()
        let last = tail.isEmpty
        switch (step, value) {
        case (.key(let k), .object(var o)):
            guard let child = o[k] else { return value }
            o[k] = last ? nil : drop(child, tail)
            return .object(o)
        case (.index(let n), .array(var a)):
            guard n < a.count else { return value }
            if last { a.remove(at: n) } else { a[n] = drop(a[n], tail) }
            return .array(a)
        case (.wildcard, .object(let o)):
            return last ? .object([:]) : .object(o.mapValues { drop($0, tail) })
        case (.wildcard, .array(let a)):
            return last ? .array([]) : .array(a.map { drop($0, tail) })
        case (.descendant(let k), .object(var o)):
            if let child = o[k] { o[k] = last ? nil : drop(child, tail) }
            for key in o.keys where key != k || !last { o[key] = drop(o[key]!, rest) }
            return .object(o)
        case (.descendant, .array(let a)):
            return .array(a.map { drop($0, rest) })
        default:
            return value
        }
    }

    /// `$.items[3].createdAt` style text for a concrete location.
    static func render(_ components: [PathComponent]) -> String {
        var out = "$"
        for c in components {
            switch c {
            case .index(let i): out += "[\(i)]"
            case .key(let k):
                let plain = !k.isEmpty && k.unicodeScalars.allSatisfy {
                    ($0 >= "a" && $0 <= "z") || ($0 >= "A" && $0 <= "Z") || ($0 >= "0" && $0 <= "9") || $0 == "_" || $0 == "-"
                } && !(k.first!.isNumber)
                out += plain ? ".\(k)" : "['\(k.replacingOccurrences(of: "'", with: "\\'"))']"
            }
        }
        return out
    }

    enum PathComponent: Sendable, Hashable {
        case key(String)
        case index(Int)
    }
}
