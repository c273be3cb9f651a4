import Foundation
import GateCore

/// Picks object ids out of a list endpoint's JSON with a small JSONPath subset: `$`, `.name`, `['name']`,
/// `[N]` and `[*]`, for example `$.documents[*].id`. Without a selector, the body must be a top-level array
/// of ids, or of objects with an `id`. Selected objects with an `id` yield that id; strings and numbers
/// yield themselves; anything else is skipped.
struct IDSelector: Sendable, Hashable, CustomStringConvertible {
    enum Step: Sendable, Hashable {
        case key(String)
        case index(Int)
        case all
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
                if inner == "*" {
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

    func select(_ root: JSONValue) -> [String] {
        var current = [root]
        for step in steps {
            current = current.flatMap { v -> [JSONValue] in
                switch (step, v) {
                case (.key(let k), .object(let o)): o[k].map { [$0] } ?? []
                case (.index(let i), .array(let a)): i < a.count ? [a[i]] : []
                case (.all, .array(let a)): a
                case (.all, .object(let o)): o.keys.sorted().map { o[$0]! }
                default: []
                }
            }
        }
        return current.compactMap(Self.id)
    }

    private static func id(_ v: JSONValue) -> String? {
        switch v {
        case .string(let s): s.isEmpty ? nil : s
        case .int(let i): String(i)
        case .double(let d): d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .object(let o): o["id"].flatMap { if case .object = $0 { nil } else { id($0) } }
        default: nil
        }
    }
}
