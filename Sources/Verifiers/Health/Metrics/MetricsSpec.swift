import Foundation
import GateCore
import GateOpenAPI

/// `metrics:` scrape an exposition and judge it: `{url: /metrics, require: [...], lint: true}`, or just the
/// path. The exposition must parse (a malformed one is what `promtool check metrics` rejects); with `lint`
/// (the default) promtool's lint problems are warnings; each `require` item must match at least one
/// sample, and every matching sample's value must pass its comparison.
struct MetricsSpec: Sendable {
    var probe: ProbeSpec
    var requirements: [MetricRequirement]
    var lint: Bool

    init(_ v: ConfigValue, defaults: ProbeDefaults, root: String) throws(ConfigError) {
        var map: ConfigValue = v
        if let s = v.string {
            map = ConfigValue(.mapping([ConfigEntry(key: "url", keyLocation: v.location, value: .scalar(s, at: v.location))]), at: v.location)
        }
        let b = try Block(map, context: "'metrics'")
        try b.only(["url", "require", "lint", "token-env", "auth-header", "auth-scheme", "headers", "timeout", "status"])
        guard b.has("url") else { throw .missingKey(v.location, key: "url", context: "'metrics'") }
        probe = try ProbeSpec(try Block(map.filtered(["url", "token-env", "auth-header", "auth-scheme", "headers", "timeout", "status"]),
                                        context: "'metrics'"), defaults: defaults, root: root, index: nil)
        probe.name = "metrics"
        lint = try b.bool("lint") ?? true
        requirements = []
        for item in b["require"].map({ $0.sequence ?? [$0] }) ?? [] {
            guard let text = item.string else {
                throw .invalidValue(item.location, key: "require", expected: "a series such as name{label=\"value\"} >= 1",
                                    got: item.typeDescription)
            }
            do { requirements.append(try MetricRequirement(text)) } catch {
                throw .invalidParameter(item.location, key: "require", message: error.description)
            }
        }
    }
}

/// One `require:` item: a sample name, optional PromQL-style label matchers (`=`, `!=`, `=~`, `!~`, the
/// regexes anchored at both ends as in PromQL), and an optional comparison: `http_requests_total{code=~"5.."} == 0`.
struct MetricRequirement: Sendable, Hashable, CustomStringConvertible {
    struct Matcher: Sendable, Hashable {
        enum Op: String, Sendable { case equal = "=", notEqual = "!=", matches = "=~", notMatches = "!~" }
        var label: String
        var op: Op
        var value: String
        var regex: RegexBox?

        func test(_ labels: [String: String]) -> Bool {
            let v = labels[label] ?? ""
            switch op {
            case .equal: return v == value
            case .notEqual: return v != value
            case .matches: return regex!.matchesWhole(v)
            case .notMatches: return !regex!.matchesWhole(v)
            }
        }
    }

    let name: String
    let matchers: [Matcher]
    let comparison: (op: String, value: Double)?
    let description: String

    static func == (a: MetricRequirement, b: MetricRequirement) -> Bool { a.description == b.description }
    func hash(into h: inout Hasher) { h.combine(description) }

    init(_ text: String) throws(JSONPathError) {
        description = text
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        let name = s.prefix { $0.isLetter || $0.isNumber || $0 == "_" || $0 == ":" }
        guard let first = name.first, !first.isNumber else {
            throw JSONPathError("'\(text)' does not start with a metric name")
        }
        self.name = String(name)
        s = s.dropFirst(name.count)
        var matchers: [Matcher] = []
        if s.first == "{" {
            s = s.dropFirst()
            while true {
                s = s.drop { $0 == " " || $0 == "," }
                if s.first == "}" { s = s.dropFirst(); break }
                let label = s.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
                guard !label.isEmpty else { throw JSONPathError("'\(text)' has a bad label matcher") }
                s = s.dropFirst(label.count).drop { $0 == " " }
                guard let op = ["=~", "!~", "!=", "="].first(where: { s.hasPrefix($0) }) else {
                    throw JSONPathError("'\(text)': label '\(label)' needs =, !=, =~ or !~")
                }
                s = s.dropFirst(op.count).drop { $0 == " " }
                guard s.first == "\"", let end = s.dropFirst().firstIndex(of: "\"") else {
                    throw JSONPathError("'\(text)': the value of '\(label)' must be in double quotes")
                }
                let value = String(s[s.index(after: s.startIndex)..<end])
                s = s[s.index(after: end)...]
                var m = Matcher(label: String(label), op: Matcher.Op(rawValue: op)!, value: value, regex: nil)
                if op.contains("~") {
                    guard let re = try? NSRegularExpression(pattern: "^(?:\(value))$") else {
                        throw JSONPathError("'\(text)': '\(value)' is not a valid regular expression")
                    }
                    m.regex = RegexBox(re)
                }
                matchers.append(m)
            }
        }
        self.matchers = matchers
        let rest = s.trimmingCharacters(in: .whitespaces)
        if rest.isEmpty {
            comparison = nil
        } else {
            guard let op = ["==", "!=", "<=", ">=", "<", ">"].first(where: { rest.hasPrefix($0) }),
                  let value = Double(rest.dropFirst(op.count).trimmingCharacters(in: .whitespaces)) else {
                throw JSONPathError("'\(text)': after the series write a comparison such as '>= 1' or '== 0'")
            }
            comparison = (op, value)
        }
    }

    func passes(_ x: Double) -> Bool {
        guard let (op, v) = comparison else { return true }
        switch op {
        case "==": return x == v
        case "!=": return x != v
        case "<=": return x <= v
        case ">=": return x >= v
        case "<": return x < v
        default: return x > v
        }
    }
}

extension RegexBox {
    /// True when the whole text matches (PromQL anchors label regexes).
    func matchesWhole(_ text: String) -> Bool { matches(text) }
}
