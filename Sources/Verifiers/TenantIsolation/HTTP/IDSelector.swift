import Foundation
import GateCore

/// Picks object ids out of a list endpoint's JSON with a small JSONPath subset: `$`, `.name`, `['name']`,
/// `[N]`, `[*]` and the filter `[?(@.field == 'value')]`, whose value may hold `{tenant}` (the listing
/// tenant's slug), for example `$.documents[*].id` or `$.Books[?(@.user == '{tenant}')].book_title`.
/// Without a selector, the body must be a top-level array of ids, or of objects with an `id`. Selected
/// objects yield their id field (`id` unless the source names another); strings and numbers yield
/// themselves; anything else is skipped.
struct IDSelector: Sendable, Hashable, CustomStringConvertible {
    enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
        case all
        /// Array items (or the object itself) whose `field` equals `value` (`{tenant}` filled in).
        case filter(field: String, value: String)
    }

    let steps: [Step]
    let description: String

    static let `default` = IDSelector(steps: [.all], description: "$[*]")

    private init(steps: [Step], description: String) {
        self.steps = steps
        self.description = description
    }

    init(_ text: String) throws(TemplateError) {
        description = text
        var rest = Substring(text.trimmingCharacters(in: .whitespaces))
        guard rest.popFirst() == "$" else {
            throw TemplateError("the selector '\(text)' must start with '$', as in $.documents[*].id")
        }
        var steps: [Step] = []
        while let c = rest.popFirst() {
            if c == "." {
                let name = rest.prefix { $0 != "." && $0 != "[" }
                guard !name.isEmpty else { throw TemplateError("the selector '\(text)' has an empty name after '.'") }
                steps.append(.key(String(name)))
                rest = rest.dropFirst(name.count)
            } else if c == "[" {
                guard let close = rest.firstIndex(of: "]") else {
                    throw TemplateError("the selector '\(text)' opens '[' and never closes it")
                }
                let inner = rest[..<close].trimmingCharacters(in: .whitespaces)
                rest = rest[rest.index(after: close)...]
                if inner.hasPrefix("?") {
                    steps.append(try Self.filter(inner, in: text))
                } else if inner == "*" {
                    steps.append(.all)
                } else if let i = Int(inner), i >= 0 {
                    steps.append(.index(i))
                } else if inner.count >= 2, let q = inner.first, q == "'" || q == "\"", inner.last == q {
                    steps.append(.key(String(inner.dropFirst().dropLast())))
                } else {
                    throw TemplateError("the selector '\(text)' has '[\(inner)]'; use [*], [N] or ['name']")
                }
            } else {
                throw TemplateError("the selector '\(text)' has '\(c)' where '.' or '[' should be")
            }
        }
        self.steps = steps
    }

    /// `?(@.field == 'value')` (or `"value"`); the value may hold `{tenant}`.
    private static func filter(_ inner: String, in text: String) throws(TemplateError) -> Step {
        var body = Substring(inner.dropFirst()).trimmingCharacters(in: .whitespaces)
        if body.hasPrefix("("), body.hasSuffix(")") { body = String(body.dropFirst().dropLast()) }
        let sides = body.components(separatedBy: "==")
        guard sides.count == 2 else {
            throw TemplateError("the selector '\(text)' has the filter '[\(inner)]'; write it as [?(@.user == '{tenant}')]")
        }
        let left = sides[0].trimmingCharacters(in: .whitespaces), right = sides[1].trimmingCharacters(in: .whitespaces)
        guard left.hasPrefix("@."), left.count > 2, right.count >= 2, let q = right.first, q == "'" || q == "\"",
              right.last == q else {
            throw TemplateError("the selector '\(text)' has the filter '[\(inner)]'; compare one field with a quoted value, "
                + "as in [?(@.user == '{tenant}')]")
        }
        return .filter(field: String(left.dropFirst(2)), value: String(right.dropFirst().dropLast()))
    }

    /// Ids of the selected values (objects give their `idField`).
    func select(_ root: JSONValue, tenant: String = "", idField: String = "id") -> [String] {
        values(root, tenant: tenant).compactMap { Self.id($0, field: idField) }
    }

    /// The selected values themselves, in document order (object members by key).
    func values(_ root: JSONValue, tenant: String) -> [JSONValue] {
        var current = [root]
        for step in steps {
            current = current.flatMap { v -> [JSONValue] in
                switch (step, v) {
                case (.key(let k), .object(let o)): o[k].map { [$0] } ?? []
                case (.index(let i), .array(let a)): i < a.count ? [a[i]] : []
                case (.all, .array(let a)): a
                case (.all, .object(let o)): o.keys.sorted().map { o[$0]! }
                case (.filter(let field, let value), .array(let a)):
                    a.filter { Self.text(Self.field($0, field)) == value.replacingOccurrences(of: "{tenant}", with: tenant) }
                case (.filter(let field, let value), .object(let o)):
                    Self.text(o[field]) == value.replacingOccurrences(of: "{tenant}", with: tenant) ? [v] : []
                default: []
                }
            }
        }
        return current
    }

    /// A scalar as text (the id or owner it names); nil for objects, arrays, null and "".
    static func text(_ v: JSONValue?) -> String? {
        switch v {
        case .string(let s)?: s.isEmpty ? nil : s
        case .int(let i)?: String(i)
        case .double(let d)?: d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .bool(let b)?: String(b)
        default: nil
        }
    }

    static func id(_ v: JSONValue, field: String = "id") -> String? {
        switch v {
        case .object(let o): if case .bool? = o[field] { nil } else { text(o[field]) }
        case .bool: nil
        default: text(v)
        }
    }

    static func field(_ v: JSONValue, _ name: String) -> JSONValue? {
        if case .object(let o) = v { return o[name] }
        return nil
    }
}
