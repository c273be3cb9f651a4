import Foundation

/// Reads the few keys gate needs from TOML project files (`sqlx.toml`, `Cargo.toml`, `flyway.toml`):
/// `[table]` headers (dotted, quoted parts allowed), `key = value` with basic and literal strings
/// (escapes `\n \r \t \" \\ \uXXXX \UXXXXXXXX`), booleans, integers and arrays of these, possibly over
/// several lines. Anything else is kept as raw text. Never throws: a file the tool itself would reject
/// only loses keys here, and gate says which setting it could not read.
///
/// Written here rather than with TOMLKit: toml++ underneath it asserts on some malformed input (found
/// by fuzzing in the secrets verifier), and these are users' files; the full TOML reader in the
/// boundaries verifier is another module, which this one may not import.
enum ConfigText {
    /// One value: a string, a bool, a number as text, or a list.
    indirect enum Value: Equatable, Sendable {
        case string(String)
        case bool(Bool)
        case raw(String)
        case list([Value])

        var string: String? { if case .string(let s) = self { s } else { nil } }
        var bool: Bool? {
            switch self {
            case .bool(let b): b
            case .string(let s), .raw(let s): ["true": true, "false": false][s.lowercased()]
            case .list: nil
            }
        }
        /// A list of strings; a single string is a list of one (Flyway's `.conf` takes commas too).
        var strings: [String] {
            switch self {
            case .list(let items): items.compactMap(\.string)
            case .string(let s), .raw(let s): [s]
            case .bool: []
            }
        }
    }

    /// Every `table.key` (dotted, tables joined with dots) to its value; keys before any header are bare.
    static func toml(_ text: String) -> [String: Value] {
        var out: [String: Value] = [:]
        var table = ""
        var s = Scanner(Array(text.utf8))
        while !s.atEnd {
            s.skipBlankAndComments()
            guard let c = s.peek else { break }
            if c == UInt8(ascii: "[") {
                let isArray = s.peek(1) == UInt8(ascii: "[")
                s.i += isArray ? 2 : 1
                table = s.key(until: UInt8(ascii: "]"))
                if out[table] == nil { out[table] = .raw("") }
                s.skipLine()
                continue
            }
            let key = s.key(until: UInt8(ascii: "="))
            guard s.peek == UInt8(ascii: "=") else { s.skipLine(); continue }
            s.i += 1
            if let value = s.value() { out[table.isEmpty ? key : table + "." + key] = value }
            s.skipLine()
        }
        return out
    }

    struct Scanner {
        let b: [UInt8]
        var i = 0
        init(_ b: [UInt8]) { self.b = b }

        var atEnd: Bool { i >= b.count }
        var peek: UInt8? { i < b.count ? b[i] : nil }
        func peek(_ k: Int) -> UInt8? { i + k < b.count ? b[i + k] : nil }

        mutating func skipSpaces() { while let c = peek, c == 0x20 || c == 0x09 { i += 1 } }

        mutating func skipBlankAndComments() {
            while let c = peek {
                if c == 0x20 || c == 0x09 || c == 0x0A || c == 0x0D { i += 1 } else if c == UInt8(ascii: "#") { skipLine() } else { return }
            }
        }

        mutating func skipLine() { while let c = peek, c != 0x0A { i += 1 } }

        /// A dotted key up to `end` (not consumed), quotes removed, blanks around parts dropped.
        mutating func key(until end: UInt8) -> String {
            var parts: [String] = []
            var current = ""
            while let c = peek, c != end, c != 0x0A {
                if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                    current += quoted() ?? ""
                } else if c == UInt8(ascii: ".") {
                    parts.append(current.trimmingCharacters(in: .whitespaces))
                    current = ""
                    i += 1
                } else {
                    current += String(UnicodeScalar(c))
                    i += 1
                }
            }
            parts.append(current.trimmingCharacters(in: .whitespaces))
            return parts.joined(separator: ".")
        }

        mutating func value() -> Value? {
            skipSpaces()
            guard let c = peek else { return nil }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") { return quoted().map(Value.string) }
            if c == UInt8(ascii: "[") {
                i += 1
                var items: [Value] = []
                while true {
                    skipBlankAndComments()
                    guard let d = peek else { return .list(items) }
                    if d == UInt8(ascii: "]") { i += 1; return .list(items) }
                    if d == UInt8(ascii: ",") { i += 1; continue }
                    guard let item = value() else { return .list(items) }
                    items.append(item)
                }
            }
            if c == UInt8(ascii: "{") {
                // An inline table (`sqlx = { version = "0.8" }`): its text is enough to see it is there.
                let start = i
                var depth = 0
                while let d = peek {
                    i += 1
                    if d == UInt8(ascii: "{") { depth += 1 }
                    if d == UInt8(ascii: "}") { depth -= 1; if depth == 0 { break } }
                }
                return .raw(String(decoding: b[start..<i], as: UTF8.self))
            }
            let start = i
            while let d = peek, d != 0x0A, d != UInt8(ascii: ","), d != UInt8(ascii: "]"), d != UInt8(ascii: "#") { i += 1 }
            let text = String(decoding: b[start..<i], as: UTF8.self).trimmingCharacters(in: .whitespaces)
            if text == "true" || text == "false" { return .bool(text == "true") }
            return text.isEmpty ? nil : .raw(text)
        }

        /// A basic ("...", with escapes) or literal ('...') string; nil when it does not close on its line.
        mutating func quoted() -> String? {
            let q = b[i]
            i += 1
            var out = String.UnicodeScalarView()
            var bytes: [UInt8] = []
            func flush() {
                out.append(contentsOf: String(decoding: bytes, as: UTF8.self).unicodeScalars)
                bytes.removeAll()
            }
            while let c = peek, c != 0x0A {
                i += 1
                if c == q { flush(); return String(out) }
                guard q == UInt8(ascii: "\""), c == UInt8(ascii: "\\"), let e = peek else { bytes.append(c); continue }
                i += 1
                flush()
                switch e {
                case UInt8(ascii: "n"): out.append("\n")
                case UInt8(ascii: "r"): out.append("\r")
                case UInt8(ascii: "t"): out.append("\t")
                case UInt8(ascii: "b"): out.append("\u{8}")
                case UInt8(ascii: "f"): out.append("\u{C}")
                case UInt8(ascii: "u"), UInt8(ascii: "U"):
                    let n = e == UInt8(ascii: "u") ? 4 : 8
                    guard i + n <= b.count, let v = UInt32(String(decoding: b[i..<(i + n)], as: UTF8.self), radix: 16),
                          let u = Unicode.Scalar(v) else { return nil }
                    out.append(u)
                    i += n
                default: out.append(Unicode.Scalar(e))
                }
            }
            return nil
        }
    }
}
