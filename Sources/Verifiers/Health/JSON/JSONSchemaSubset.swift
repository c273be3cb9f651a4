import Foundation
import GateCore
import GateOpenAPI

/// A JSON Schema subset for response bodies: `type` (one or a list), `required`, `enum`, `const`,
/// `properties`, `items`, `additionalProperties` (true, false or a schema), `minimum`, `maximum`,
/// `minLength`, `maxLength`, `minItems`, `maxItems` and `pattern`, with draft 2020-12's meanings (an
/// integer is a number; 1.0 is an integer). Any other keyword is refused at load time rather than
/// silently ignored, as a full validator would check it.
struct JSONSchemaSubset: Sendable, Hashable {
    static let keywords: Set<String> = [
        "type", "required", "enum", "const", "properties", "items", "additionalProperties", "minimum", "maximum",
        "minLength", "maxLength", "minItems", "maxItems", "pattern",
        // Annotations, which never change a verdict.
        "$schema", "$id", "title", "description", "examples", "default", "$comment",
    ]
    static let types: Set<String> = ["null", "boolean", "integer", "number", "string", "array", "object"]

    let schema: JSONValue
    private let patterns: [String: RegexBox]

    init(_ schema: JSONValue) throws(JSONPathError) {
        self.schema = schema
        var patterns: [String: RegexBox] = [:]
        try Self.validate(schema, at: "#", patterns: &patterns)
        self.patterns = patterns
    }

    private static func validate(_ s: JSONValue, at where_: String, patterns: inout [String: RegexBox]) throws(JSONPathError) {
        if case .bool = s { return }
        guard case .object(let o) = s else { throw JSONPathError("the schema at \(where_) must be an object or a boolean") }
        for k in o.keys.sorted() where !keywords.contains(k) {
            throw JSONPathError("the schema at \(where_) uses '\(k)', which gate does not check; supported: "
                + keywords.filter { !$0.hasPrefix("$") }.sorted().joined(separator: ", "))
        }
        if let t = o["type"] {
            let names: [JSONValue] = if case .array(let a) = t { a } else { [t] }
            for n in names {
                guard case .string(let name) = n, types.contains(name) else {
                    throw JSONPathError("the schema at \(where_) has type \(n.compactText); use one of \(types.sorted().joined(separator: ", "))")
                }
            }
        }
        if let r = o["required"] {
            guard case .array(let a) = r, a.allSatisfy({ if case .string = $0 { true } else { false } }) else {
                throw JSONPathError("'required' at \(where_) must be a list of property names")
            }
        }
        if let e = o["enum"] {
            guard case .array = e else { throw JSONPathError("'enum' at \(where_) must be a list") }
        }
        if case .object(let props)? = o["properties"] {
            for k in props.keys.sorted() { try validate(props[k]!, at: "\(where_)/properties/\(k)", patterns: &patterns) }
        } else if o["properties"] != nil { throw JSONPathError("'properties' at \(where_) must be a map") }
        if let items = o["items"] { try validate(items, at: "\(where_)/items", patterns: &patterns) }
        if let extra = o["additionalProperties"] { try validate(extra, at: "\(where_)/additionalProperties", patterns: &patterns) }
        for k in ["minimum", "maximum", "minLength", "maxLength", "minItems", "maxItems"] where o[k] != nil {
            guard o[k]!.number != nil else { throw JSONPathError("'\(k)' at \(where_) must be a number") }
        }
        if let p = o["pattern"] {
            guard case .string(let text) = p, let re = try? NSRegularExpression(pattern: text) else {
                throw JSONPathError("'pattern' at \(where_) must be a valid regular expression")
            }
            patterns[text] = RegexBox(re)
        }
    }

    /// Every violation as (JSON path of the value, what is wrong), at most `limit`.
    func violations(_ value: JSONValue, limit: Int = 10) -> [(path: String, problem: String)] {
        var out: [(String, String)] = []
        check(value, schema, path: "$", into: &out, limit: limit)
        return out
    }

    private func check(_ v: JSONValue, _ s: JSONValue, path: String, into out: inout [(String, String)], limit: Int) {
        guard out.count < limit else { return }
        if case .bool(let b) = s {
            if !b { out.append((path, "no value is allowed here")) }
            return
        }
        guard case .object(let o) = s else { return }
        if let t = o["type"] {
            let listed: [JSONValue] = if case .array(let a) = t { a } else { [t] }
            let names = listed.compactMap { (n: JSONValue) -> String? in if case .string(let x) = n { x } else { nil } }
            if !names.contains(where: { Self.isType(v, $0) }) {
                out.append((path, "is \(Self.article(v.typeName)), not \(names.joined(separator: " or "))"))
                return
            }
        }
        if case .array(let options)? = o["enum"], !options.contains(where: { JSONAssertion.equal($0, v) }) {
            out.append((path, "is \(v.compactText), not one of \(options.map(\.compactText).joined(separator: ", "))"))
        }
        if let c = o["const"], !JSONAssertion.equal(c, v) { out.append((path, "is \(v.compactText), not \(c.compactText)")) }
        if let x = v.number {
            if let m = o["minimum"]?.number, x < m { out.append((path, "is \(v.compactText), below the minimum \(o["minimum"]!.compactText)")) }
            if let m = o["maximum"]?.number, x > m { out.append((path, "is \(v.compactText), above the maximum \(o["maximum"]!.compactText)")) }
        }
        if case .string(let text) = v {
            let n = text.unicodeScalars.count
            if let m = o["minLength"]?.number, Double(n) < m { out.append((path, "has \(n) characters, fewer than \(Int(m))")) }
            if let m = o["maxLength"]?.number, Double(n) > m { out.append((path, "has \(n) characters, more than \(Int(m))")) }
            if case .string(let p)? = o["pattern"], let re = patterns[p], !re.matches(text) {
                out.append((path, "does not match the pattern '\(p)'"))
            }
        }
        if case .array(let a) = v {
            if let m = o["minItems"]?.number, Double(a.count) < m { out.append((path, "has \(a.count) items, fewer than \(Int(m))")) }
            if let m = o["maxItems"]?.number, Double(a.count) > m { out.append((path, "has \(a.count) items, more than \(Int(m))")) }
            if let items = o["items"] {
                for (i, x) in a.enumerated() { check(x, items, path: "\(path)[\(i)]", into: &out, limit: limit) }
            }
        }
        if case .object(let members) = v {
            if case .array(let req)? = o["required"] {
                for case .string(let k) in req where members[k] == nil {
                    out.append((path, "lacks the required property '\(k)'"))
                }
            }
            let props: [String: JSONValue] = if case .object(let p)? = o["properties"] { p } else { [:] }
            for k in members.keys.sorted() {
                let child = path + "." + k
                if let ps = props[k] {
                    check(members[k]!, ps, path: child, into: &out, limit: limit)
                } else if let extra = o["additionalProperties"] {
                    if case .bool(false) = extra { out.append((path, "has the property '\(k)', which is not allowed")) } else {
                        check(members[k]!, extra, path: child, into: &out, limit: limit)
                    }
                }
            }
        }
    }

    static func isType(_ v: JSONValue, _ name: String) -> Bool {
        switch (name, v) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object): true
        case ("number", .int), ("number", .double), ("integer", .int): true
        case ("integer", .double(let d)): d == d.rounded(.towardZero) && d.isFinite
        default: false
        }
    }

    private static func article(_ word: String) -> String {
        word == "null" ? "null" : ("aeiou".contains(word.first!) ? "an \(word)" : "a \(word)")
    }
}
