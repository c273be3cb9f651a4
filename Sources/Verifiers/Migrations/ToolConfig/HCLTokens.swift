import Foundation

/// The tokens of an HCL file that `AtlasConfigFile` needs: block words, braces and `key = value`
/// attributes. Comments (`#`, `//`, `/* */`) are skipped. A value is a string literal's content, a bare
/// identifier (`LINEAR_SKIP`), or any other expression wrapped as `${…}` so that callers can tell it is
/// not a literal. Never fails: unexpected bytes are skipped.
struct HCLTokens {
    enum Token: Equatable {
        case open, close, newline
        case word(String)
        case assign(String, String)
    }

    private let b: [UInt8]
    private var i = 0

    init(_ bytes: [UInt8]) { b = bytes }

    private var peek: UInt8? { i < b.count ? b[i] : nil }
    private func at(_ k: Int) -> UInt8? { k < b.count ? b[k] : nil }
    private static func isWord(_ c: UInt8) -> Bool {
        (c >= 48 && c <= 57) || (c | 0x20 >= 97 && c | 0x20 <= 122) || c == 95 || c == 45 || c == 46
    }

    mutating func next() -> Token? {
        while let c = peek {
            switch c {
            case 0x0A:
                i += 1
                return .newline
            case 0x20, 0x09, 0x0D:
                i += 1
            case UInt8(ascii: "#"):
                skipLine()
            case UInt8(ascii: "/") where at(i + 1) == UInt8(ascii: "/"):
                skipLine()
            case UInt8(ascii: "/") where at(i + 1) == UInt8(ascii: "*"):
                i += 2
                while i < b.count, !(b[i] == UInt8(ascii: "*") && at(i + 1) == UInt8(ascii: "/")) { i += 1 }
                i += 2
            case UInt8(ascii: "{"):
                i += 1
                return .open
            case UInt8(ascii: "}"):
                i += 1
                return .close
            case UInt8(ascii: "\""):
                return .word(string())
            case _ where Self.isWord(c):
                let start = i
                while let d = peek, Self.isWord(d) { i += 1 }
                let word = String(decoding: b[start..<i], as: UTF8.self)
                var j = i
                while j < b.count, b[j] == 0x20 || b[j] == 0x09 { j += 1 }
                if at(j) == UInt8(ascii: "="), at(j + 1) != UInt8(ascii: "=") {
                    i = j + 1
                    return .assign(word, value())
                }
                return .word(word)
            default:
                i += 1
            }
        }
        return nil
    }

    private mutating func skipLine() { while let c = peek, c != 0x0A { i += 1 } }

    /// A string literal's content (escapes `\"` and `\\` resolved); `${…}` kept as written.
    private mutating func string() -> String {
        i += 1
        var out: [UInt8] = []
        while let c = peek, c != 0x0A {
            i += 1
            if c == UInt8(ascii: "\"") { break }
            if c == UInt8(ascii: "\\"), let e = peek { out.append(e); i += 1; continue }
            out.append(c)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// The value after `=`: a string, a bare identifier, or an expression (up to the end of the line,
    /// brackets and braces balanced) as `${…}`.
    private mutating func value() -> String {
        while let c = peek, c == 0x20 || c == 0x09 { i += 1 }
        guard let c = peek else { return "" }
        if c == UInt8(ascii: "\"") {
            let s = string()
            while let d = peek, d == 0x20 || d == 0x09 { i += 1 }
            // `"a" + x` or a conditional: not a literal.
            if let d = peek, d != 0x0A, d != UInt8(ascii: "}"), d != UInt8(ascii: "#"), d != UInt8(ascii: "/") {
                let rest = expression()
                return "${\"" + s + "\"" + rest + "}"
            }
            return s
        }
        let text = expression()
        let isIdentifier = !text.isEmpty && text.utf8.allSatisfy { Self.isWord($0) && $0 != 46 }
        return isIdentifier ? text : "${" + text + "}"
    }

    private mutating func expression() -> String {
        let start = i
        var depth = 0
        while let c = peek {
            if depth == 0, c == 0x0A || c == UInt8(ascii: "}") || c == UInt8(ascii: "#") { break }
            if c == UInt8(ascii: "[") || c == UInt8(ascii: "{") || c == UInt8(ascii: "(") { depth += 1 }
            if c == UInt8(ascii: "]") || c == UInt8(ascii: "}") || c == UInt8(ascii: ")") { depth -= 1 }
            i += 1
        }
        return String(decoding: b[start..<i], as: UTF8.self).trimmingCharacters(in: .whitespaces)
    }
}
