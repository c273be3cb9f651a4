/// String literals: prefixes, triple quotes, escapes, and f-string replacement fields (which may hold
/// nested strings), so that nothing inside a string is mistaken for an import.
extension PythonLexer {
    /// For an identifier directly followed by a quote: nil when it is not a string prefix, else whether
    /// the string is formatted (f/t strings have `{...}` fields that may hold nested strings).
    func stringPrefix(_ i: Int, _ j: Int) -> Bool? {
        guard j - i <= 2 else { return nil }
        var formatted = false
        for k in i..<j {
            switch b[k] | 0x20 {
            case UInt8(ascii: "r"), UInt8(ascii: "u"), UInt8(ascii: "b"): break
            case UInt8(ascii: "f"), UInt8(ascii: "t"): formatted = true
            default: return nil
            }
        }
        return formatted
    }

    /// Skips the string whose opening quote is at `at`; returns the index after it.
    mutating func skipString(_ at: Int, formatted: Bool) -> Int {
        let q = b[at]
        let triple = at + 2 < n && b[at + 1] == q && b[at + 2] == q
        var k = at + (triple ? 3 : 1)
        while k < n {
            let c = b[k]
            if c == Bytes.backslash {
                // In an f-string a brace after a backslash is still a brace (`rf'\{{'` is `\{`).
                if formatted && k + 1 < n && (b[k + 1] == Bytes.lbrace || b[k + 1] == Bytes.rbrace) { k += 1; continue }
                if k + 1 < n && b[k + 1] == Bytes.newline { line += 1 }
                k += 2
                continue
            }
            if c == Bytes.newline {
                if !triple { return k }
                line += 1
            } else if c == q {
                if !triple { return k + 1 }
                if k + 2 < n && b[k + 1] == q && b[k + 2] == q { return k + 3 }
            } else if formatted && c == Bytes.lbrace {
                if k + 1 < n && b[k + 1] == Bytes.lbrace { k += 2; continue }
                k = skipField(k + 1, triple: triple)
                continue
            }
            k += 1
        }
        return k
    }

    /// Skips a replacement field of an f-string (after its `{`): the expression, which may hold nested
    /// strings and brackets, then an optional format spec, in which quotes are literal text.
    mutating func skipField(_ at: Int, triple: Bool) -> Int {
        var k = at
        var brackets = 0
        var inSpec = false
        while k < n {
            let c = b[k]
            if c == Bytes.newline {
                // A single-quoted f-string cannot continue on the next line; stop before it.
                if !triple { return k }
                line += 1
                k += 1
                continue
            }
            if inSpec {
                if c == Bytes.lbrace { k = skipField(k + 1, triple: triple); continue }
                if c == Bytes.rbrace { return k + 1 }
                k += 1
                continue
            }
            switch c {
            case Bytes.lparen, Bytes.lbracket, Bytes.lbrace: brackets += 1
            case Bytes.rparen, Bytes.rbracket: if brackets > 0 { brackets -= 1 }
            case Bytes.rbrace:
                if brackets == 0 { return k + 1 }
                brackets -= 1
            case Bytes.colon:
                if brackets == 0 { inSpec = true }
            case Bytes.quote, Bytes.apostrophe:
                k = skipString(k, formatted: false)
                continue
            default: break
            }
            k += 1
        }
        return k
    }
}
