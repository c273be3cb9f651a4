import Foundation
import GateCore

/// Keys, values and the four string forms.
extension TOMLReader {
    mutating func key() throws(ConfigError) -> [String] {
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

    mutating func value() throws(ConfigError) -> TOMLNode {
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

    func scalar(_ token: String) throws(ConfigError) -> TOMLValue {
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

    mutating func basicString() throws(ConfigError) -> String {
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

    mutating func literalString() throws(ConfigError) -> String {
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
