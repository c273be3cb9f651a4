/// Tokens of the syntax checker: names and keywords, numbers, strings, operators, brackets.
extension PythonSyntaxChecker {
    mutating func token(_ c: UInt8) -> PythonSyntaxIssue? {
        if Bytes.isIdentStart(c) && c < 0x80 || c >= 0x80 {
            let start = i
            guard let end = identifier(i) else { return issue("invalid character in identifier") }
            if end - start <= 2 && end < n && (b[end] == Bytes.quote || b[end] == Bytes.apostrophe), let formatted = stringPrefix(start, end) {
                return string(at: end, formatted: formatted)
            }
            i = end
            let word = String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self)
            return emit(Self.keywords[word].map { .keyword($0) } ?? .name, word: word)
        }
        if Bytes.isDigit(c) || (c == Bytes.dot && i + 1 < n && Bytes.isDigit(b[i + 1])) { return number() }
        i += 1
        switch c {
        case Bytes.lparen, Bytes.lbracket, Bytes.lbrace:
            brackets.append((c, line))
            return emit(.open(c))
        case Bytes.rparen, Bytes.rbracket, Bytes.rbrace:
            let ch = Character(Unicode.Scalar(c))
            guard let open = brackets.popLast() else { return issue("unmatched '\(ch)'") }
            let expected: UInt8 = open.0 == Bytes.lparen ? Bytes.rparen : (open.0 == Bytes.lbracket ? Bytes.rbracket : Bytes.rbrace)
            guard c == expected else {
                return issue("closing parenthesis '\(ch)' does not match opening parenthesis '\(Character(Unicode.Scalar(open.0)))'")
            }
            return emit(.close(c))
        case Bytes.comma:
            return emit(.comma)
        case Bytes.semicolon:
            if brackets.isEmpty, let last = prev {
                if let issue = endStatement(last, atLineEnd: false) { return issue }
                let r = emit(.semicolon)
                newStatement()
                return r
            }
            return emit(.semicolon)
        case Bytes.colon:
            if i < n && b[i] == Bytes.equals { i += 1; return emit(.op(.binary)) }
            if brackets.isEmpty { colonAtTop = true }
            return emit(.colon)
        case Bytes.dot:
            if i + 1 < n && b[i] == Bytes.dot && b[i + 1] == Bytes.dot {
                i += 2
                // `from ...pkg import x`: relative dots, not an Ellipsis.
                return emit(statementWord == "from" && !sawImport ? .dot : .ellipsis)
            }
            return emit(.dot)
        case UInt8(ascii: "*"), UInt8(ascii: "/"):
            if i < n && b[i] == c { i += 1 }
            if i < n && b[i] == Bytes.equals { i += 1; return emit(.op(.binary)) }
            return emit(.op(.star))
        case UInt8(ascii: "-"):
            if i < n && b[i] == Bytes.gt { i += 1; return emit(.op(.arrow)) }
            if i < n && b[i] == Bytes.equals { i += 1 }
            return emit(.op(.binary))
        case Bytes.lt, Bytes.gt:
            if i < n && b[i] == c { i += 1 }
            if i < n && b[i] == Bytes.equals { i += 1 }
            return emit(.op(.binary))
        case UInt8(ascii: "!"):
            guard i < n && b[i] == Bytes.equals else { return issue("invalid syntax: '!' is only valid in '!='") }
            i += 1
            return emit(.op(.binary))
        case Bytes.equals, UInt8(ascii: "+"), UInt8(ascii: "%"), UInt8(ascii: "&"), UInt8(ascii: "|"), UInt8(ascii: "^"), Bytes.at:
            if i < n && b[i] == Bytes.equals { i += 1 }
            return emit(.op(.binary))
        case UInt8(ascii: "~"):
            return emit(.op(.binary))
        default:
            return issue("invalid character '\(Character(Unicode.Scalar(c)))'")
        }
    }

    /// An identifier of ASCII letters, digits, `_` and Unicode identifier characters; nil at a
    /// non-ASCII character Python does not allow in names.
    mutating func identifier(_ at: Int) -> Int? {
        var k = at
        while k < n {
            let c = b[k]
            if c < 0x80 {
                guard Bytes.isIdent(c) else { break }
                k += 1
                continue
            }
            var it = UnsafeBufferPointer(rebasing: b[k...]).makeIterator()
            var utf8 = UTF8()
            guard case .scalarValue(let s) = utf8.decode(&it), s.properties.isXIDContinue else {
                return k == at ? nil : k
            }
            k += s.utf8.count
        }
        return k
    }

    func stringPrefix(_ s: Int, _ e: Int) -> Bool? {
        var seen: Set<UInt8> = []
        for k in s..<e { seen.insert(b[k] | 0x20) }
        let allowed: [Set<UInt8>] = [[0x72], [0x75], [0x62], [0x66], [0x74], [0x62, 0x72], [0x66, 0x72], [0x74, 0x72]]
        guard seen.count == e - s, allowed.contains(seen) else { return nil }
        return seen.contains(0x66) || seen.contains(0x74)
    }

    mutating func number() -> PythonSyntaxIssue? {
        let start = i
        func digits(_ ok: (UInt8) -> Bool) { while i < n && (ok(b[i]) || b[i] == UInt8(ascii: "_")) { i += 1 } }
        if b[i] == UInt8(ascii: "0"), i + 1 < n, [UInt8(ascii: "x"), UInt8(ascii: "o"), UInt8(ascii: "b")].contains(b[i + 1] | 0x20) {
            i += 2
            digits { Bytes.isDigit($0) || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x66) }
            return emit(.number)
        }
        digits(Bytes.isDigit)
        let integer = UnsafeBufferPointer(rebasing: b[start..<i])
        var isInteger = true
        if i < n && b[i] == Bytes.dot { isInteger = false; i += 1; digits(Bytes.isDigit) }
        if i < n && b[i] | 0x20 == UInt8(ascii: "e") {
            var k = i + 1
            if k < n && (b[k] == UInt8(ascii: "+") || b[k] == UInt8(ascii: "-")) { k += 1 }
            if k < n && Bytes.isDigit(b[k]) { isInteger = false; i = k; digits(Bytes.isDigit) }
        }
        if i < n && b[i] | 0x20 == UInt8(ascii: "j") { isInteger = false; i += 1 }
        if isInteger, integer.count > 1, integer.first == UInt8(ascii: "0"), integer.contains(where: { $0 >= UInt8(ascii: "1") && $0 <= UInt8(ascii: "9") }) {
            return issue("leading zeros in decimal integer literals are not permitted")
        }
        return emit(.number)
    }

    /// A string literal whose opening quote is at `at`.
    mutating func string(at: Int, formatted: Bool) -> PythonSyntaxIssue? {
        let startLine = line
        guard let end = scanString(at: at, formatted: formatted) else {
            let triple = at + 2 < n && b[at + 1] == b[at] && b[at + 2] == b[at]
            return PythonSyntaxIssue(line: startLine, message: triple ? "unterminated triple-quoted string literal" : "unterminated string literal")
        }
        i = end
        return emit(.string)
    }

    /// The index after the string whose opening quote is at `at`, or nil when it is not terminated.
    mutating func scanString(at: Int, formatted: Bool) -> Int? {
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
                if !triple { return nil }
                line += 1
            } else if c == q {
                if !triple { return k + 1 }
                if k + 2 < n && b[k + 1] == q && b[k + 2] == q { return k + 3 }
            } else if formatted && c == Bytes.lbrace {
                if k + 1 < n && b[k + 1] == Bytes.lbrace { k += 2; continue }
                guard let after = field(k + 1) else { return nil }
                k = after
                continue
            }
            k += 1
        }
        return nil
    }

    /// Skips an f-string replacement field (after its `{`): the expression (since Python 3.12 it may
    /// span lines and hold strings with any quote), then a format spec, in which quotes are text.
    mutating func field(_ at: Int) -> Int? {
        var k = at
        var depth = 0
        var inSpec = false
        while k < n {
            let c = b[k]
            if c == Bytes.newline { line += 1; k += 1; continue }
            if inSpec {
                if c == Bytes.lbrace { guard let after = field(k + 1) else { return nil }; k = after; continue }
                if c == Bytes.rbrace { return k + 1 }
                k += 1
                continue
            }
            switch c {
            case Bytes.lparen, Bytes.lbracket, Bytes.lbrace: depth += 1
            case Bytes.rparen, Bytes.rbracket: if depth > 0 { depth -= 1 }
            case Bytes.rbrace:
                if depth == 0 { return k + 1 }
                depth -= 1
            case Bytes.colon:
                if depth == 0 { inSpec = true }
            case Bytes.quote, Bytes.apostrophe:
                let f = k > at && (b[k - 1] | 0x20 == UInt8(ascii: "f") || b[k - 1] | 0x20 == UInt8(ascii: "t"))
                guard let after = scanString(at: k, formatted: f) else { return nil }
                k = after
                continue
            default: break
            }
            k += 1
        }
        return nil
    }

    static let keywords: [String: Kw] = {
        var out: [String: Kw] = ["True": .value, "False": .value, "None": .value]
        for w in ["and", "as", "assert", "async", "await", "class", "def", "del", "elif", "except", "for", "from",
                  "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or", "while", "with"] { out[w] = .needsOperand }
        for w in ["break", "continue", "else", "finally", "pass", "raise", "return", "try", "yield"] { out[w] = .standalone }
        return out
    }()
}
