/// Extracts TypeScript and JavaScript module references from bytes: `import ... from 'x'`, `import 'x'`,
/// `export ... from 'x'`, `require('x')`, `import('x')` with a literal (or a template without
/// substitutions), and TypeScript's `import x = require('x')`. `import type` and `export type` are
/// flagged type-only.
///
/// Comments, strings, template literals (with nested `${...}` code) and regular expression literals are
/// skipped. Quoted strings and regular expressions never continue past a line end, so a stray quote in
/// JSX text cannot hide the rest of the file.
enum JavaScriptImports {
    static func extract(_ b: UnsafeBufferPointer<UInt8>) -> [RawImport] {
        var lexer = JSLexer(b: b)
        lexer.code(until: nil)
        return lexer.out
    }
}

private struct JSLexer {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var line: Int32 = 1
    var out: [RawImport] = []
    /// Whether a `/` here starts a regular expression rather than a division.
    var regexAllowed = true
    /// The previous significant token was a `.` (so `x.import` / `x.require` are properties).
    var afterDot = false
    var n: Int { b.count }

    static let regexKeywords: Set<String> = [
        "return", "typeof", "instanceof", "in", "of", "new", "delete", "void", "throw", "case", "do", "else",
        "yield", "await",
    ]

    /// Lexes code until the closing `}` of a template substitution (when `until` is set) or the end.
    mutating func code(until closing: UInt8?) {
        var braces = 0
        while i < n {
            let c = b[i]
            switch c {
            case Bytes.newline: line += 1; i += 1; continue
            case Bytes.space, Bytes.tab, Bytes.cr: i += 1; continue
            case Bytes.slash where i + 1 < n && b[i + 1] == Bytes.slash: i = Bytes.skipLineComment(b, i); continue
            case Bytes.slash where i + 1 < n && b[i + 1] == Bytes.star:
                i = Bytes.skipBlockComment(b, i, line: &line, nested: false); continue
            case Bytes.slash:
                if regexAllowed { i = skipRegex(i); regexAllowed = false } else { i += 1; regexAllowed = true }
                afterDot = false
                continue
            case Bytes.quote, Bytes.apostrophe:
                i = Bytes.skipQuoted(b, i)
                regexAllowed = false
                afterDot = false
                continue
            case Bytes.backtick:
                i = skipTemplate(i)
                regexAllowed = false
                afterDot = false
                continue
            case Bytes.lbrace:
                braces += 1
            case Bytes.rbrace:
                if braces == 0, closing != nil { i += 1; return }
                braces -= 1
            default:
                break
            }
            if Bytes.isIdentStart(c) || c == UInt8(ascii: "$") {
                var j = i
                while j < n && (Bytes.isIdent(b[j]) || b[j] == UInt8(ascii: "$")) { j += 1 }
                if !afterDot {
                    if Bytes.equals(b, i, j, "import") { i = importStatement(j); continue }
                    if Bytes.equals(b, i, j, "export") { i = exportStatement(j); continue }
                    if Bytes.equals(b, i, j, "require") { i = requireCall(j); continue }
                }
                regexAllowed = Self.regexKeywords.contains(Bytes.string(b, i, j))
                afterDot = false
                i = j
                continue
            }
            if Bytes.isDigit(c) {
                while i < n && (Bytes.isIdent(b[i]) || b[i] == Bytes.dot) { i += 1 }
                regexAllowed = false
                afterDot = false
                continue
            }
            afterDot = c == Bytes.dot
            regexAllowed = !(c == Bytes.rparen || c == Bytes.rbracket)
            i += 1
        }
    }

    /// Skips blanks, newlines and comments.
    mutating func skipSpace(_ at: Int) -> Int {
        var k = at
        while k < n {
            let c = b[k]
            if c == Bytes.newline { line += 1; k += 1 } else if Bytes.isBlank(c) { k += 1 } else if c == Bytes.slash && k + 1 < n && b[k + 1] == Bytes.slash {
                k = Bytes.skipLineComment(b, k)
            } else if c == Bytes.slash && k + 1 < n && b[k + 1] == Bytes.star {
                k = Bytes.skipBlockComment(b, k, line: &line, nested: false)
            } else { break }
        }
        return k
    }

    /// A string literal (or substitution-free template) at `k`: its text and the index after it.
    func literal(_ k: Int) -> (String, Int)? {
        guard k < n, b[k] == Bytes.quote || b[k] == Bytes.apostrophe || b[k] == Bytes.backtick else { return nil }
        let q = b[k]
        var e = k + 1
        while e < n && b[e] != q {
            if b[e] == Bytes.newline || b[e] == Bytes.backslash { return nil }
            if q == Bytes.backtick && b[e] == UInt8(ascii: "$") && e + 1 < n && b[e + 1] == Bytes.lbrace { return nil }
            e += 1
        }
        guard e < n else { return nil }
        return (Bytes.string(b, k + 1, e), e + 1)
    }

    func word(_ k: Int) -> (Int, Int)? {
        guard k < n, Bytes.isIdentStart(b[k]) || b[k] == UInt8(ascii: "$") else { return nil }
        var j = k
        while j < n && (Bytes.isIdent(b[j]) || b[j] == UInt8(ascii: "$")) { j += 1 }
        return (k, j)
    }

    /// After `import`: a call `import('x')`, `import.meta`, a bare `import 'x'`, or a declaration.
    mutating func importStatement(_ after: Int) -> Int {
        let startLine = line
        regexAllowed = false
        var k = skipSpace(after)
        guard k < n else { return k }
        if b[k] == Bytes.lparen { return call(k, line: startLine) }
        if b[k] == Bytes.dot { return k }
        if let (spec, end) = literal(k) {
            out.append(RawImport(spec, line: startLine))
            return end
        }
        var typeOnly = false
        if let (ws, we) = word(k), Bytes.equals(b, ws, we, "type") {
            let next = skipSpace(we)
            if let (ns, ne) = word(next), Bytes.equals(b, ns, ne, "from") {} else if next < n && b[next] != Bytes.comma && b[next] != Bytes.equals {
                typeOnly = true
            }
        }
        // Bindings up to `from '...'`: identifiers, `* as x`, `{ a as b, type c }`, commas.
        var braces = 0
        while k < n {
            k = skipSpace(k)
            guard k < n else { break }
            let c = b[k]
            if c == Bytes.lbrace { braces += 1; k += 1; continue }
            if c == Bytes.rbrace { braces -= 1; k += 1; continue }
            if c == Bytes.comma || c == Bytes.star { k += 1; continue }
            if let (ws, we) = word(k) {
                if braces == 0 && Bytes.equals(b, ws, we, "from") {
                    let s = skipSpace(we)
                    if let (spec, end) = literal(s) {
                        out.append(RawImport(spec, line: startLine, flags: typeOnly ? .typeOnly : []))
                        return end
                    }
                    return s
                }
                k = we
                continue
            }
            break
        }
        return k
    }

    /// After `export`: only `export * from`, `export * as x from`, `export {..} from` and their `type`
    /// forms name another module.
    mutating func exportStatement(_ after: Int) -> Int {
        let startLine = line
        var k = skipSpace(after)
        var typeOnly = false
        if let (ws, we) = word(k), Bytes.equals(b, ws, we, "type") {
            let next = skipSpace(we)
            if next < n && (b[next] == Bytes.lbrace || b[next] == Bytes.star) { typeOnly = true; k = next }
        }
        guard k < n else { return k }
        if b[k] == Bytes.star {
            k = skipSpace(k + 1)
            if let (ws, we) = word(k), Bytes.equals(b, ws, we, "as") {
                k = skipSpace(we)
                if let (_, ne) = word(k) { k = skipSpace(ne) } else if let (_, le) = literal(k) { k = skipSpace(le) }
            }
        } else if b[k] == Bytes.lbrace {
            var e = k + 1
            while e < n && b[e] != Bytes.rbrace {
                if b[e] == Bytes.newline { line += 1 }
                e += 1
            }
            k = skipSpace(min(e + 1, n))
        } else {
            regexAllowed = true
            return k
        }
        if let (ws, we) = word(k), Bytes.equals(b, ws, we, "from") {
            let s = skipSpace(we)
            if let (spec, end) = literal(s) {
                out.append(RawImport(spec, line: startLine, flags: typeOnly ? .typeOnly : []))
                return end
            }
        }
        regexAllowed = true
        return k
    }

    /// After `require`: `require('x')`.
    mutating func requireCall(_ after: Int) -> Int {
        let startLine = line
        regexAllowed = false
        let k = Bytes.skipBlanks(b, after)
        guard k < n, b[k] == Bytes.lparen else { return after }
        return call(k, line: startLine)
    }

    /// `( 'x' )` at `k`: records the literal when it is the only argument.
    mutating func call(_ k: Int, line startLine: Int32) -> Int {
        let s = skipSpace(k + 1)
        guard let (spec, end) = literal(s) else { return k + 1 }
        let close = skipSpace(end)
        if close < n && (b[close] == Bytes.rparen || b[close] == Bytes.comma) {
            out.append(RawImport(spec, line: startLine))
        }
        return end
    }

    mutating func skipRegex(_ at: Int) -> Int {
        var k = at + 1
        var inClass = false
        while k < n {
            let c = b[k]
            if c == Bytes.newline { return k }
            if c == Bytes.backslash { k += 2; continue }
            if c == Bytes.lbracket { inClass = true } else if c == Bytes.rbracket { inClass = false } else if c == Bytes.slash && !inClass {
                k += 1
                while k < n && Bytes.isIdent(b[k]) { k += 1 }
                return k
            }
            k += 1
        }
        return k
    }

    /// Skips a template literal, lexing the code of each `${...}` (which may hold imports or templates).
    mutating func skipTemplate(_ at: Int) -> Int {
        var k = at + 1
        while k < n {
            let c = b[k]
            if c == Bytes.backslash { k += 2; continue }
            if c == Bytes.newline { line += 1 }
            if c == Bytes.backtick { return k + 1 }
            if c == UInt8(ascii: "$") && k + 1 < n && b[k + 1] == Bytes.lbrace {
                let savedRegex = regexAllowed
                i = k + 2
                regexAllowed = true
                code(until: Bytes.rbrace)
                regexAllowed = savedRegex
                k = i
                continue
            }
            k += 1
        }
        return k
    }
}
