import Foundation
import GateCore
import GateOpenAPI

/// One assertion on a JSON document, written as text: `$.status == "healthy"`, `$.checks.* == "ok"`,
/// `$.uptime_seconds >= 0`, `$.version =~ "^1\."`, `$.items contains 3`, `$.id exists`, `$.debug absent`.
///
/// The right-hand side is JSON when it parses as JSON (`"ok"`, `2`, `true`, `null`, `[1, 2]`), else a bare
/// word taken as a string. With a wildcard in the path every value reached must pass, and reaching none
/// fails (a health document that lost its `checks` must not pass `$.checks.* == "ok"`).
struct JSONAssertion: Sendable, Hashable, CustomStringConvertible {
    enum Op: String, Sendable, CaseIterable {
        case equal = "==", notEqual = "!=", lessOrEqual = "<=", greaterOrEqual = ">=", less = "<", greater = ">",
             matches = "=~", notMatches = "!~", contains = "contains", exists = "exists", absent = "absent"
    }

    let path: JSONPath
    let op: Op
    let value: JSONValue?
    let regex: RegexBox?
    let description: String

    init(_ text: String) throws(JSONPathError) {
        description = text
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let pathText = Self.pathPrefix(trimmed)
        path = try JSONPath(pathText)
        let rest = trimmed.dropFirst(pathText.count).trimmingCharacters(in: .whitespaces)
        guard let op = Op.allCases.first(where: { rest.hasPrefix($0.rawValue) }) else {
            throw JSONPathError("'\(text)' has no operator after the path; write for example "
                + "'\(pathText) == \"ok\"', '\(pathText) >= 1' or '\(pathText) exists'")
        }
        self.op = op
        let operand = rest.dropFirst(op.rawValue.count).trimmingCharacters(in: .whitespaces)
        if op == .exists || op == .absent {
            guard operand.isEmpty else { throw JSONPathError("'\(text)': '\(op.rawValue)' takes no value") }
            value = nil
            regex = nil
            return
        }
        guard !operand.isEmpty else { throw JSONPathError("'\(text)' has no value after '\(op.rawValue)'") }
        let v = Self.literal(operand)
        value = v
        switch op {
        case .matches, .notMatches:
            guard case .string(let pattern) = v else { throw JSONPathError("'\(text)': give the pattern as a string") }
            do { regex = RegexBox(try NSRegularExpression(pattern: pattern)) } catch {
                throw JSONPathError("'\(text)': '\(pattern)' is not a valid regular expression")
            }
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard v.number != nil else { throw JSONPathError("'\(text)': '\(op.rawValue)' compares numbers; give a number") }
            regex = nil
        default:
            regex = nil
        }
    }

    /// The path at the start of `text`: up to the first space outside brackets or an operator character.
    private static func pathPrefix(_ text: String) -> String {
        var depth = 0
        var quote: Character?
        var out = ""
        for c in text {
            if let q = quote {
                if c == q { quote = nil }
            } else if c == "'" || c == "\"" {
                quote = c
            } else if c == "[" {
                depth += 1
            } else if c == "]" {
                depth -= 1
            } else if depth == 0 && (c == " " || "=!<>".contains(c)) {
                break
            }
            out.append(c)
        }
        return out
    }

    /// JSON when it parses, else the text as a string.
    static func literal(_ text: String) -> JSONValue {
        if let v = try? JSONDecoder().decode(JSONValue.self, from: Data(text.utf8)) { return v }
        return .string(text)
    }

    /// Nil when the document passes; otherwise what failed: the concrete path, the expected and the actual.
    func check(_ document: JSONValue) -> (path: String, expected: String, actual: String)? {
        let found = path.evaluate(document)
        switch op {
        case .exists:
            return found.isEmpty ? (path.description, "a value", "nothing") : nil
        case .absent:
            return found.first.map { (p, v) in (p, "no value", v.compactText) }
        default:
            guard !found.isEmpty else { return (path.description, expectation, "nothing at this path") }
            for (p, v) in found where !holds(v) { return (p, expectation, v.compactText) }
            return nil
        }
    }

    /// What passing means, for messages: `== "ok"`, `>= 1`.
    var expectation: String { "\(op.rawValue) \(value?.compactText ?? "")".trimmingCharacters(in: .whitespaces) }

    private func holds(_ actual: JSONValue) -> Bool {
        guard let value else { return true }
        switch op {
        case .equal: return Self.equal(actual, value)
        case .notEqual: return !Self.equal(actual, value)
        case .less, .lessOrEqual, .greater, .greaterOrEqual:
            guard let a = actual.number, let b = value.number else { return false }
            switch op {
            case .less: return a < b
            case .lessOrEqual: return a <= b
            case .greater: return a > b
            default: return a >= b
            }
        case .matches, .notMatches:
            let text: String = if case .string(let s) = actual { s } else { actual.compactText }
            let hit = regex!.matches(text)
            return op == .matches ? hit : !hit
        case .contains:
            switch (actual, value) {
            case (.string(let s), .string(let sub)): return s.contains(sub)
            case (.array(let a), _): return a.contains { Self.equal($0, value) }
            case (.object(let o), .string(let key)): return o[key] != nil
            default: return false
            }
        case .exists, .absent: return true
        }
    }

    /// JSON equality where 1 and 1.0 are the same number.
    static func equal(_ a: JSONValue, _ b: JSONValue) -> Bool {
        if let x = a.number, let y = b.number { return x == y }
        switch (a, b) {
        case (.array(let x), .array(let y)): return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.object(let x), .object(let y)):
            return x.count == y.count && x.allSatisfy { k, v in y[k].map { equal(v, $0) } ?? false }
        default: return a == b
        }
    }
}

/// A compiled regular expression that can live in a Sendable, Hashable value (compared by pattern).
struct RegexBox: @unchecked Sendable, Hashable {
    let expression: NSRegularExpression

    init(_ e: NSRegularExpression) { expression = e }

    func matches(_ text: String) -> Bool {
        expression.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)) != nil
    }

    static func == (a: RegexBox, b: RegexBox) -> Bool { a.expression.pattern == b.expression.pattern }
    func hash(into h: inout Hasher) { h.combine(expression.pattern) }
}
