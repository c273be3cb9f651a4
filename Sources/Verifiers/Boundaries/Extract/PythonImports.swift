/// Extracts Python imports from bytes: `import a.b as c, d`, `from ..x import (y as z, w)`,
/// `from . import x`, `from x import *`, anywhere in the file (inside functions, classes, `try`, `if`),
/// which is how lazy imports count. Strings (including triple-quoted and f-strings), comments and
/// bracketed continuations are skipped, so an `import` inside a docstring is not an import.
///
/// Targets follow import-linter's convention: `from a import b` yields `a.b` (resolution later falls back
/// to `a` when `a.b` is not a module), relative imports keep their leading dots. Imports inside an
/// `if TYPE_CHECKING:` or `elif TYPE_CHECKING:` branch (also `typing.TYPE_CHECKING`, any `x.TYPE_CHECKING`)
/// are flagged type-only, as in grimp; `else` branches and other tests are not. `lazy import` counts.
enum PythonImports {
    static func extract(_ bytes: UnsafeBufferPointer<UInt8>) -> [RawImport] {
        var lexer = PythonLexer(b: bytes)
        lexer.run()
        return lexer.out
    }
}

/// The lexer behind `PythonImports`; string skipping lives in PythonImports+Strings.swift.
struct PythonLexer {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var line: Int32 = 1
    var depth = 0
    var out: [RawImport] = []
    /// Indentation of the `if TYPE_CHECKING:` whose block we are in, or -1.
    var typeCheckingIndent = -1

    init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

    var n: Int { b.count }

    mutating func run() {
        var atLineStart = true
        var statementStart = true
        var lineIndent = 0
        while i < n {
            if atLineStart {
                var col = 0
                while i < n {
                    let c = b[i]
                    if c == Bytes.space { col += 1 } else if c == Bytes.tab { col = (col / 8 + 1) * 8 } else if c == 0x0C { col = 0 } else if c != Bytes.cr { break }
                    i += 1
                }
                guard i < n else { break }
                if b[i] == Bytes.newline { line += 1; i += 1; continue }
                if b[i] == Bytes.hash { i = Bytes.skipLineComment(b, i); continue }
                atLineStart = false
                statementStart = true
                lineIndent = col
                // The block ends at the first line back at the `if`'s indentation; its `elif` and `else`
                // branches run at runtime, so they are not type-only (import-linter agrees).
                if typeCheckingIndent >= 0 && col <= typeCheckingIndent { typeCheckingIndent = -1 }
            }
            let c = b[i]
            switch c {
            case Bytes.newline:
                line += 1
                i += 1
                if depth == 0 { atLineStart = true }
            case Bytes.hash:
                i = Bytes.skipLineComment(b, i)
            case Bytes.backslash:
                i = skipContinuation(i) ?? (i + 1)
            case Bytes.quote, Bytes.apostrophe:
                i = skipString(i, formatted: false)
                statementStart = false
            case Bytes.lparen, Bytes.lbracket, Bytes.lbrace:
                depth += 1
                i += 1
                statementStart = false
            case Bytes.rparen, Bytes.rbracket, Bytes.rbrace:
                if depth > 0 { depth -= 1 }
                i += 1
                statementStart = false
            case Bytes.semicolon:
                if depth == 0 { statementStart = true }
                i += 1
            case Bytes.colon:
                // A compound statement's body may follow on the same line: `if x: import y`.
                if depth == 0 && !(i + 1 < n && b[i + 1] == Bytes.equals) { statementStart = true }
                i += 1
            case Bytes.space, Bytes.tab, Bytes.cr, 0x0C:
                i += 1
            default:
                if Bytes.isIdentStart(c) {
                    let j = Bytes.identifier(b, i)
                    if j < n && (b[j] == Bytes.quote || b[j] == Bytes.apostrophe), let formatted = stringPrefix(i, j) {
                        i = skipString(j, formatted: formatted)
                        statementStart = false
                        continue
                    }
                    if statementStart && depth == 0 {
                        if Bytes.equals(b, i, j, "import") { parseImport(from: j); statementStart = false; continue }
                        if Bytes.equals(b, i, j, "from") { parseFrom(from: j); statementStart = false; continue }
                        // grimp 3.20 `Visitor::visit_stmt`: an `if` or `elif` branch is type-checking only when its
                        // test is `TYPE_CHECKING` or `<anything>.TYPE_CHECKING`; nested blocks inherit it.
                        if (Bytes.equals(b, i, j, "if") || Bytes.equals(b, i, j, "elif")) && typeCheckingIndent < 0 && isTypeCheckingTest(j) {
                            typeCheckingIndent = lineIndent
                        }
                        // PEP 810 `lazy import x` / `lazy from x import y`: a soft keyword; the import counts.
                        if Bytes.equals(b, i, j, "lazy") {
                            let k = skipSpace(j, multiline: false)
                            if k > j, k < n, Bytes.isIdentStart(b[k]) {
                                let e = Bytes.identifier(b, k)
                                if Bytes.equals(b, k, e, "import") || Bytes.equals(b, k, e, "from") { i = k; continue }
                            }
                        }
                    }
                    statementStart = false
                    i = j
                } else if Bytes.isDigit(c) {
                    while i < n && (Bytes.isIdent(b[i]) || b[i] == Bytes.dot) { i += 1 }
                    statementStart = false
                } else {
                    i += 1
                    statementStart = false
                }
            }
        }
    }

    /// `\` followed by a newline: returns the index after the newline.
    mutating func skipContinuation(_ at: Int) -> Int? {
        var k = at + 1
        if k < n && b[k] == Bytes.cr { k += 1 }
        guard k < n && b[k] == Bytes.newline else { return nil }
        line += 1
        return k + 1
    }

    /// Blanks and backslash continuations; inside parentheses also newlines and comments.
    mutating func skipSpace(_ at: Int, multiline: Bool) -> Int {
        var k = at
        while k < n {
            let c = b[k]
            if Bytes.isBlank(c) { k += 1; continue }
            if c == Bytes.backslash, let next = skipContinuation(k) { k = next; continue }
            if multiline && c == Bytes.newline { line += 1; k += 1; continue }
            if multiline && c == Bytes.hash { k = Bytes.skipLineComment(b, k); continue }
            break
        }
        return k
    }

    /// Reads `a.b.c` (blanks allowed around dots); returns the name and the index after it.
    mutating func dottedName(_ at: Int, multiline: Bool) -> (String, Int)? {
        var k = at
        guard k < n, Bytes.isIdentStart(b[k]) else { return nil }
        var parts: [String] = []
        while true {
            let j = Bytes.identifier(b, k)
            parts.append(Bytes.string(b, k, j))
            // Look ahead for `.name`; the newlines skipped while looking are counted again by the caller.
            let savedLine = line
            let after = skipSpace(j, multiline: multiline)
            guard after < n, b[after] == Bytes.dot else { line = savedLine; return (parts.joined(separator: "."), j) }
            let next = skipSpace(after + 1, multiline: multiline)
            guard next < n, Bytes.isIdentStart(b[next]) else { line = savedLine; return (parts.joined(separator: "."), j) }
            k = next
        }
    }

    var flags: RawImport.Flags { typeCheckingIndent >= 0 ? .typeOnly : [] }

    mutating func parseImport(from start: Int) {
        let stmtLine = line
        var k = start
        while true {
            k = skipSpace(k, multiline: false)
            guard let (name, end) = dottedName(k, multiline: false) else { break }
            out.append(RawImport(name, line: stmtLine, flags: flags))
            k = skipAlias(end, multiline: false)
            k = skipSpace(k, multiline: false)
            guard k < n, b[k] == Bytes.comma else { break }
            k += 1
        }
        i = k
    }

    /// Skips `as name` when present.
    mutating func skipAlias(_ at: Int, multiline: Bool) -> Int {
        let savedLine = line
        let k = skipSpace(at, multiline: multiline)
        guard k < n, Bytes.isIdentStart(b[k]) else { line = savedLine; return at }
        let j = Bytes.identifier(b, k)
        guard Bytes.equals(b, k, j, "as") else { line = savedLine; return at }
        let m = skipSpace(j, multiline: multiline)
        return m < n && Bytes.isIdentStart(b[m]) ? Bytes.identifier(b, m) : m
    }

    mutating func parseFrom(from start: Int) {
        let stmtLine = line
        var k = skipSpace(start, multiline: false)
        var dots = 0
        while k < n && b[k] == Bytes.dot { dots += 1; k = skipSpace(k + 1, multiline: false) }
        var module = ""
        if k < n, Bytes.isIdentStart(b[k]) {
            let j = Bytes.identifier(b, k)
            if !(dots > 0 && Bytes.equals(b, k, j, "import")) {
                guard let (name, end) = dottedName(k, multiline: false) else { i = k; return }
                module = name
                k = skipSpace(end, multiline: false)
            }
        }
        guard dots > 0 || !module.isEmpty, k < n, Bytes.isIdentStart(b[k]) else { i = k; return }
        let kw = Bytes.identifier(b, k)
        guard Bytes.equals(b, k, kw, "import") else { i = kw; return }
        let prefix = String(repeating: ".", count: dots) + module
        func target(_ name: String) -> String { module.isEmpty ? prefix + name : prefix + "." + name }
        k = skipSpace(kw, multiline: false)
        guard k < n else { i = k; return }
        if b[k] == Bytes.star {
            out.append(RawImport(target("*"), line: stmtLine, flags: flags))
            i = k + 1
            return
        }
        let parenthesised = b[k] == Bytes.lparen
        if parenthesised { k += 1 }
        while true {
            k = skipSpace(k, multiline: parenthesised)
            guard k < n, Bytes.isIdentStart(b[k]) else { break }
            let j = Bytes.identifier(b, k)
            out.append(RawImport(target(Bytes.string(b, k, j)), line: stmtLine, flags: flags))
            k = skipSpace(skipAlias(j, multiline: parenthesised), multiline: parenthesised)
            guard k < n, b[k] == Bytes.comma else { break }
            k += 1
        }
        if parenthesised {
            k = skipSpace(k, multiline: true)
            if k < n && b[k] == Bytes.rparen { k += 1 }
        }
        i = k
    }

    /// After `if` or `elif`: is the test exactly `TYPE_CHECKING` or `something.TYPE_CHECKING` (in any
    /// number of parentheses), then `:`? grimp's `is_type_checking` looks at the expression the same way,
    /// so `if not TYPE_CHECKING`, `if TYPE_CHECKING and x` and an alias `if TC:` are runtime branches.
    mutating func isTypeCheckingTest(_ start: Int) -> Bool {
        let saved = line
        defer { line = saved }
        var k = skipSpace(start, multiline: false)
        var parens = 0
        while k < n && b[k] == Bytes.lparen { parens += 1; k = skipSpace(k + 1, multiline: true) }
        guard let (name, end) = dottedName(k, multiline: parens > 0) else { return false }
        guard name == "TYPE_CHECKING" || name.hasSuffix(".TYPE_CHECKING") else { return false }
        var after = skipSpace(end, multiline: parens > 0)
        while parens > 0 {
            guard after < n && b[after] == Bytes.rparen else { return false }
            parens -= 1
            after = skipSpace(after + 1, multiline: parens > 0)
        }
        return after < n && b[after] == Bytes.colon
    }
}
