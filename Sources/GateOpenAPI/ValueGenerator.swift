import Foundation
import GateCore

/// Values for one parameter: a valid one (used while other parameters vary), malformed ones that a
/// validating service must refuse with a 4xx, and boundary ones at and past the schema's limits.
/// Deterministic: the same schema always gives the same values.
public enum ValueGenerator {
    public struct Case: Sendable {
        /// The raw value (before URL encoding); nil leaves the parameter out.
        public var value: String?
        public var kind: String
    }

    public static func valid(_ schema: JSONValue) -> String {
        if let e = schema.member("example") ?? schema.member("default") { return text(e) }
        if case .array(let options)? = schema.member("enum"), let first = options.first { return text(first) }
        if case .array(let parts)? = schema.member("allOf") ?? schema.member("oneOf") ?? schema.member("anyOf"), let first = parts.first {
            return valid(first)
        }
        let format = schema.member("format").flatMap { if case .string(let s) = $0 { s } else { nil } } ?? ""
        switch type(schema) {
        case "integer":
            let lo = schema.member("minimum")?.number ?? 1
            // A double, written by `num`: a minimum of 1e300 is beyond Int.
            return num(max(lo, min(1, schema.member("maximum")?.number ?? 1)).rounded(.up))
        case "number":
            return String(schema.member("minimum")?.number.map { $0 + 0.5 } ?? 1.5)
        case "boolean":
            return "true"
        case "array":
            return schema.member("items").map(valid) ?? "a"
        default:
            switch format {
            case "uuid": return "3fa85f64-5717-4562-b3fc-2c963f66afa6"
            case "date": return "2024-01-01"
            case "date-time": return "2024-01-01T00:00:00Z"
            case "email": return "user@example.com"
            case "uri", "url": return "https://example.com/"
            default: break
            }
            let n = schema.member("minLength")?.number ?? 1
            return String(repeating: "a", count: Int(max(1, min(n, 64))))
        }
    }

    /// Every value to try for a parameter, the valid one first.
    public static func cases(_ schema: JSONValue, required: Bool, inPath: Bool) -> [Case] {
        var out = [Case(value: valid(schema), kind: "valid")]
        let t = type(schema)
        // Malformed: the wrong type, the empty value, traversal, very long, non-ASCII, control bytes.
        let malformed = ["not-a-\(t.isEmpty ? "value" : t)", "", "../x", String(repeating: "9", count: 300), "ünï", "%00", "'\"<>"]
        for m in malformed where !(t == "string" && m.hasPrefix("not-a-") && schema.member("enum") == nil && schema.member("format") == nil) {
            out.append(Case(value: m, kind: "malformed"))
        }
        switch t {
        case "integer", "number":
            var bounds: [String] = ["0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775809", "1e309"]
            if t == "integer" { bounds.append("1.5") }
            if let lo = schema.member("minimum")?.number { bounds += [num(lo), num(lo - 1)] }
            if let hi = schema.member("maximum")?.number { bounds += [num(hi), num(hi + 1)] }
            for b in bounds { out.append(Case(value: b, kind: "boundary")) }
        case "boolean":
            out.append(Case(value: "maybe", kind: "malformed"))
        default:
            // The schema's numbers are the service's: a boundary string is built only when it is short
            // enough to send (a minLength of 10^12 made gate set aside 1 TB and abort), and only from a
            // length that can be one (a maxLength of -3 asked for -2 bytes).
            if let lo = schema.member("minLength")?.number, lo >= 1, lo < 100_000 {
                out.append(Case(value: String(repeating: "a", count: Int(lo) - 1), kind: "boundary"))
            }
            if let hi = schema.member("maxLength")?.number, hi >= 0, hi < 100_000 {
                out.append(Case(value: String(repeating: "a", count: Int(hi) + 1), kind: "boundary"))
            }
            if case .array? = schema.member("enum") { out.append(Case(value: "not-in-enum", kind: "malformed")) }
        }
        if required && !inPath { out.append(Case(value: nil, kind: "missing")) }
        var seen: Set<String> = []
        return out.filter { seen.insert(($0.value ?? "\u{0}") + $0.kind).inserted }
    }

    /// A JSON body for an operation: a valid instance of its schema.
    public static func body(_ schema: JSONValue, depth: Int = 0) -> JSONValue {
        if let e = schema.member("example") ?? schema.member("default") { return e }
        if case .array(let options)? = schema.member("enum"), let first = options.first { return first }
        guard depth < 6 else { return .null }
        switch type(schema) {
        case "object":
            var o: [String: JSONValue] = [:]
            if case .object(let props)? = schema.member("properties") {
                for (k, p) in props { o[k] = body(p, depth: depth + 1) }
            }
            return .object(o)
        case "array": return .array(schema.member("items").map { [body($0, depth: depth + 1)] } ?? [])
        case "integer": return .int(Int(valid(schema)) ?? 1)
        case "number": return .double(Double(valid(schema)) ?? 1.5)
        case "boolean": return .bool(true)
        default: return .string(valid(schema))
        }
    }

    public static func type(_ schema: JSONValue) -> String {
        switch schema.member("type") {
        case .string(let s)?: return s
        case .array(let a)?: return a.compactMap { if case .string(let s) = $0, s != "null" { s } else { nil } }.first ?? ""
        default: return schema.member("properties") != nil ? "object" : ""
        }
    }

    private static func text(_ v: JSONValue) -> String {
        if case .string(let s) = v { return s }
        return v.compactText
    }

    private static func num(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x) }
}
