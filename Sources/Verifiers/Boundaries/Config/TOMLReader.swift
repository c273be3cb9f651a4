import Foundation
import GateCore

/// A TOML value with the line it starts on.
indirect enum TOMLValue: Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case bool(Bool)
    /// Dates and times are kept as written; nothing here needs them.
    case datetime(String)
    case array([TOMLNode])
    case table(TOMLTable)
}

struct TOMLNode: Sendable {
    var value: TOMLValue
    var line: Int
}

/// Keys in the order they were written.
struct TOMLTable: Sendable {
    var keys: [String] = []
    var values: [String: TOMLNode] = [:]
    subscript(key: String) -> TOMLNode? { values[key] }
}

/// A TOML 1.0 reader for configuration files (`pyproject.toml`): tables, arrays of tables, dotted and
/// quoted keys, the four string forms, numbers, booleans, dates, arrays and inline tables. Errors name
/// the file and line. Written here so that every value keeps its line for error messages.
struct TOMLReader {
    private let b: [UInt8]
    private var i = 0
    private var line = 1
    private let file: String

    static func parse(_ text: String, file: String) throws(ConfigError) -> TOMLTable {
        var r = TOMLReader(b: Array(text.utf8), file: file)
        return try r.document()
    }

    private init(b: [UInt8], file: String) {
        self.b = b
        self.file = file
    }

    private func fail(_ message: String) -> ConfigError {
        .invalidParameter(SourceLocation(file: file, line: line, column: 1), key: "config", message: "malformed TOML: \(message)")
    }

    private var atEnd: Bool { i >= b.count }
    private func peek(_ k: Int = 0) -> UInt8? { i + k < b.count ? b[i + k] : nil }

    private mutating func skipBlanks() { while let c = peek(), c == 0x20 || c == 0x09 { i += 1 } }

    private mutating func skipComment() {
        if peek() == UInt8(ascii: "#") { while let c = peek(), c != 0x0A { i += 1 } }
    }

    /// Blanks, comments and newlines (inside arrays).
    private mutating func skipAll() {
        while let c = peek() {
            if c == 0x20 || c == 0x09 || c == 0x0D { i += 1 } else if c == 0x0A { line += 1; i += 1 } else if c == UInt8(ascii: "#") { skipComment() } else { break }
        }
    }

    private mutating func endOfLine() throws(ConfigError) {
        skipBlanks()
        skipComment()
        if peek() == 0x0D { i += 1 }
        guard let c = peek() else { return }
        guard c == 0x0A else { throw fail("unexpected '\(Character(UnicodeScalar(c)))' after a value") }
        i += 1
        line += 1
    }

    private mutating func document() throws(ConfigError) -> TOMLTable {
        var root = TOMLTable()
        var currentPath: [String] = []
        var defined = Set<String>()
        while true {
            skipAll()
            guard let c = peek() else { break }
            if c == UInt8(ascii: "[") {
                let isArray = peek(1) == UInt8(ascii: "[")
                i += isArray ? 2 : 1
                skipBlanks()
                let path = try key()
                skipBlanks()
                guard peek() == UInt8(ascii: "]"), !isArray || peek(1) == UInt8(ascii: "]") else { throw fail("expected ']' to close a table header") }
                i += isArray ? 2 : 1
                let tableLine = line
                try endOfLine()
                if isArray {
                    try Self.appendTable(&root, path[...], line: tableLine, fail: fail)
                } else {
                    let joined = path.joined(separator: "\u{0}")
                    guard defined.insert(joined).inserted else { throw fail("table [\(path.joined(separator: "."))] is defined twice") }
                    try Self.ensureTable(&root, path[...], line: tableLine, fail: fail)
                }
                currentPath = path
                continue
            }
            let k = try key()
            skipBlanks()
            guard peek() == UInt8(ascii: "=") else { throw fail("expected '=' after key '\(k.joined(separator: "."))'") }
            i += 1
            skipBlanks()
            let v = try value()
            try Self.assign(&root, currentPath[...], k[...], v, fail: fail)
            try endOfLine()
        }
        return root
    }

    // MARK: Table plumbing

    private static func ensureTable(_ t: inout TOMLTable, _ path: ArraySlice<String>, line: Int, fail: (String) -> ConfigError) throws(ConfigError) {
        guard let head = path.first else { return }
        var child: TOMLTable
        switch t.values[head]?.value {
        case .table(let existing)?: child = existing
        case .array(var items)?:
            guard let last = items.last, case .table(var lastTable) = last.value else { throw fail("'\(head)' is not a table") }
            try ensureTable(&lastTable, path.dropFirst(), line: line, fail: fail)
            items[items.count - 1].value = .table(lastTable)
            t.values[head] = TOMLNode(value: .array(items), line: t.values[head]!.line)
            return
        case nil:
            child = TOMLTable()
            t.keys.append(head)
        default: throw fail("'\(head)' is already a value, not a table")
        }
        try ensureTable(&child, path.dropFirst(), line: line, fail: fail)
        t.values[head] = TOMLNode(value: .table(child), line: t.values[head]?.line ?? line)
    }

    private static func appendTable(_ t: inout TOMLTable, _ path: ArraySlice<String>, line: Int, fail: (String) -> ConfigError) throws(ConfigError) {
        guard let head = path.first else { return }
        if path.count == 1 {
            var items: [TOMLNode] = []
            if let existing = t.values[head] {
                guard case .array(let a) = existing.value else { throw fail("'\(head)' is not an array of tables") }
                items = a
            } else {
                t.keys.append(head)
            }
            items.append(TOMLNode(value: .table(TOMLTable()), line: line))
            t.values[head] = TOMLNode(value: .array(items), line: t.values[head]?.line ?? line)
            return
        }
        try ensureTable(&t, path.prefix(1), line: line, fail: fail)
        switch t.values[head]!.value {
        case .table(var child):
            try appendTable(&child, path.dropFirst(), line: line, fail: fail)
            t.values[head]!.value = .table(child)
        case .array(var items):
            guard case .table(var lastTable)? = items.last?.value else { throw fail("'\(head)' is not a table") }
            try appendTable(&lastTable, path.dropFirst(), line: line, fail: fail)
            items[items.count - 1].value = .table(lastTable)
            t.values[head]!.value = .array(items)
        default: throw fail("'\(head)' is not a table")
        }
    }

    /// Sets `key` (dotted) in the table at `tablePath` (the last array element for arrays of tables).
    private static func assign(_ t: inout TOMLTable, _ tablePath: ArraySlice<String>, _ key: ArraySlice<String>, _ v: TOMLNode,
                               fail: (String) -> ConfigError) throws(ConfigError) {
        if let head = tablePath.first {
            switch t.values[head]?.value {
            case .table(var child)?:
                try assign(&child, tablePath.dropFirst(), key, v, fail: fail)
                t.values[head]!.value = .table(child)
            case .array(var items)?:
                guard case .table(var lastTable)? = items.last?.value else { throw fail("'\(head)' is not a table") }
                try assign(&lastTable, tablePath.dropFirst(), key, v, fail: fail)
                items[items.count - 1].value = .table(lastTable)
                t.values[head]!.value = .array(items)
            default: throw fail("'\(head)' is not a table")
            }
            return
        }
        guard let k = key.first else { return }
        if key.count == 1 {
            guard t.values[k] == nil else { throw fail("key '\(k)' is defined twice") }
            t.keys.append(k)
            t.values[k] = v
            return
        }
        var child = TOMLTable()
        if let existing = t.values[k] {
            guard case .table(let c) = existing.value else { throw fail("'\(k)' is already a value, not a table") }
            child = c
        } else {
            t.keys.append(k)
        }
        try assign(&child, [], key.dropFirst(), v, fail: fail)
        t.values[k] = TOMLNode(value: .table(child), line: t.values[k]?.line ?? v.line)
    }

    // MARK: Keys and values

    private mutating func key() throws(ConfigError) -> [String] {
        var parts: [String] = []
        while true {
            skipBlanks()
            guard let c = peek() else { throw fail("expected a key") }
            if c == UInt8(ascii: "\"") {
                parts.append(try basicString())
            } else if c == UInt8(ascii: "'") {
                parts.append(try literalString())
            } else {
                let start = i
                while let d = peek(), Bytes.isIdent(d) || d == UInt8(ascii: "-") { i += 1 }
                guard i > start else { throw fail("expected a key, got '\(Character(UnicodeScalar(c)))'") }
                parts.append(String(decoding: b[start..<i], as: UTF8.self))
            }
            skipBlanks()
            guard peek() == UInt8(ascii: ".") else { return parts }
            i += 1
        }
    }

    private mutating func value() throws(ConfigError) -> TOMLNode {
        let startLine = line
        guard let c = peek() else { throw fail("expected a value") }
        switch c {
        case UInt8(ascii: "\""): return TOMLNode(value: .string(try basicString()), line: startLine)
        case UInt8(ascii: "'"): return TOMLNode(value: .string(try literalString()), line: startLine)
        case UInt8(ascii: "["):
            i += 1
            var items: [TOMLNode] = []
            while true {
                skipAll()
                if peek() == UInt8(ascii: "]") { i += 1; break }
                items.append(try value())
                skipAll()
                if peek() == UInt8(ascii: ",") { i += 1; continue }
                guard peek() == UInt8(ascii: "]") else { throw fail("expected ',' or ']' in an array") }
                i += 1
                break
            }
            return TOMLNode(value: .array(items), line: startLine)
        case UInt8(ascii: "{"):
            i += 1
            var table = TOMLTable()
            skipBlanks()
            if peek() == UInt8(ascii: "}") { i += 1; return TOMLNode(value: .table(table), line: startLine) }
            while true {
                let k = try key()
                skipBlanks()
                guard peek() == UInt8(ascii: "=") else { throw fail("expected '=' in an inline table") }
                i += 1
                skipBlanks()
                let v = try value()
                try Self.assign(&table, [], k[...], v, fail: fail)
                skipBlanks()
                if peek() == UInt8(ascii: ",") { i += 1; skipBlanks(); continue }
                guard peek() == UInt8(ascii: "}") else { throw fail("expected ',' or '}' in an inline table") }
                i += 1
                return TOMLNode(value: .table(table), line: startLine)
            }
        default:
            let start = i
            while let d = peek(), !(d == 0x20 || d == 0x09 || d == 0x0A || d == 0x0D || d == UInt8(ascii: ",")
                                    || d == UInt8(ascii: "]") || d == UInt8(ascii: "}") || d == UInt8(ascii: "#")) {
                i += 1
            }
            // A date and a time separated by one space: `1979-05-27 07:32:00`.
            if peek() == 0x20, let d = peek(1), Bytes.isDigit(d), b[start..<i].contains(UInt8(ascii: "-")) {
                i += 1
                while let d = peek(), !(d == 0x20 || d == 0x09 || d == 0x0A || d == 0x0D || d == UInt8(ascii: ",") || d == UInt8(ascii: "]") || d == UInt8(ascii: "}")) { i += 1 }
            }
            let token = String(decoding: b[start..<i], as: UTF8.self)
            return TOMLNode(value: try scalar(token), line: startLine)
        }
    }

    private func scalar(_ token: String) throws(ConfigError) -> TOMLValue {
        switch token {
        case "true": return .bool(true)
        case "false": return .bool(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        let plain = token.replacingOccurrences(of: "_", with: "")
        for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] where plain.hasPrefix(prefix) {
            if let v = Int(plain.dropFirst(2), radix: radix) { return .integer(v) }
        }
        if let v = Int(plain) { return .integer(v) }
        if let v = Double(plain), plain.contains(where: { ".eE".contains($0) }) { return .float(v) }
        if let first = token.first, first.isNumber, token.contains(where: { "-:".contains($0) }) { return .datetime(token) }
        throw fail(token.isEmpty ? "expected a value" : "'\(token.prefix(40))' is not a TOML value (strings need quotes)")
    }

    private mutating func basicString() throws(ConfigError) -> String {
        let multiline = peek(1) == UInt8(ascii: "\"") && peek(2) == UInt8(ascii: "\"")
        i += multiline ? 3 : 1
        if multiline { if peek() == 0x0D { i += 1 }; if peek() == 0x0A { i += 1; line += 1 } }
        var out: [UInt8] = []
        while true {
            guard let c = peek() else { throw fail("unterminated string") }
            if c == UInt8(ascii: "\"") {
                if !multiline { i += 1; break }
                if peek(1) == UInt8(ascii: "\""), peek(2) == UInt8(ascii: "\"") {
                    // Up to two quotes may end the content: `""""` ends with one quote inside.
                    var extra = 0
                    while peek(3 + extra) == UInt8(ascii: "\"") && extra < 2 { extra += 1 }
                    out.append(contentsOf: [UInt8](repeating: UInt8(ascii: "\""), count: extra))
                    i += 3 + extra
                    break
                }
                out.append(c)
                i += 1
                continue
            }
            if c == 0x0A {
                guard multiline else { throw fail("a string ends at the line end; close it with '\"'") }
                line += 1
            }
            if c == UInt8(ascii: "\\") {
                i += 1
                guard let e = peek() else { throw fail("unterminated string") }
                i += 1
                switch e {
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "e"): out.append(0x1B)
                case UInt8(ascii: "\""): out.append(e)
                case UInt8(ascii: "\\"): out.append(e)
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let count = e == UInt8(ascii: "u") ? 4 : 8
                    guard i + count <= b.count, let v = UInt32(String(decoding: b[i..<(i + count)], as: UTF8.self), radix: 16),
                          let scalar = UnicodeScalar(v) else { throw fail("bad unicode escape") }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    i += count
                case 0x20, 0x09, 0x0D, 0x0A:
                    // A line-ending backslash trims the newline and the whitespace after it.
                    i -= 1
                    while let w = peek(), w == 0x20 || w == 0x09 || w == 0x0D || w == 0x0A { if w == 0x0A { line += 1 }; i += 1 }
                default: throw fail("unknown escape '\\\(Character(UnicodeScalar(e)))'")
                }
                continue
            }
            out.append(c)
            i += 1
        }
        return String(decoding: out, as: UTF8.self)
    }

    private mutating func literalString() throws(ConfigError) -> String {
        let multiline = peek(1) == UInt8(ascii: "'") && peek(2) == UInt8(ascii: "'")
        i += multiline ? 3 : 1
        if multiline { if peek() == 0x0D { i += 1 }; if peek() == 0x0A { i += 1; line += 1 } }
        let start = i
        while true {
            guard let c = peek() else { throw fail("unterminated string") }
            if c == UInt8(ascii: "'") {
                if !multiline { let s = String(decoding: b[start..<i], as: UTF8.self); i += 1; return s }
                if peek(1) == UInt8(ascii: "'"), peek(2) == UInt8(ascii: "'") {
                    var extra = 0
                    while peek(3 + extra) == UInt8(ascii: "'") && extra < 2 { extra += 1 }
                    let s = String(decoding: b[start..<(i + extra)], as: UTF8.self)
                    i += 3 + extra
                    return s
                }
            }
            if c == 0x0A {
                guard multiline else { throw fail("a string ends at the line end; close it with \"'\"") }
                line += 1
            }
            i += 1
        }
    }
}
