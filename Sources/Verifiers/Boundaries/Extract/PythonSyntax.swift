/// A Python syntax error: where, and what.
struct PythonSyntaxIssue: Sendable, Hashable {
    var line: Int32
    var message: String
}

/// Finds syntax errors in Python source, so that a file import-linter would refuse (grimp stops with
/// "Syntax error in FILE, line N") is not silently read as if it had fewer imports.
///
/// This is a token-level checker, not a full parser: it finds unterminated strings, unbalanced and
/// mismatched brackets, indentation errors (unexpected indent, a missing indented block, an unindent
/// that matches no outer level), characters Python rejects (`$`, `?`, a backtick, a lone `!`, a stray
/// `\`, non-identifier Unicode), decimal literals with leading zeros, two operands in a row
/// (`print "x"`, `10L`, `a b`), an operator with no right operand (`x = (1 +)`, a line ending in `=`),
/// `(:`, `,,`, a compound statement without its `:`, and malformed `import` / `from` statements.
/// It accepts every valid program (it is checked against CPython's own compiler on the standard
/// library); a file only a complete grammar rejects (`f(**a, *b)`) is read as usual.
enum PythonSyntax {
    static func check(_ b: UnsafeBufferPointer<UInt8>) -> PythonSyntaxIssue? {
        var c = PythonSyntaxChecker(b: b)
        return c.run()
    }
}

struct PythonSyntaxChecker {
    enum Tok: Equatable {
        case name, keyword(Kw), number, string, ellipsis, open(UInt8), close(UInt8), op(Op), colon, comma, dot, semicolon
    }

    /// Operators by what may follow them.
    enum Op: Equatable {
        /// Needs a right operand: `+`, `==`, `=`, `+=`, `:=`, `@` ...
        case binary
        /// `*`, `**` and `/` may stand alone in parameter lists and `from x import *`.
        case star
        /// `->`.
        case arrow
    }

    enum Kw: Equatable {
        /// `True`, `False`, `None`: operands.
        case value
        /// Needs something after it: `and`, `import`, `lambda`, `if` ...
        case needsOperand
        /// May end a statement: `return`, `pass`, `yield` ...
        case standalone
    }

    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var line: Int32 = 1
    var brackets: [(UInt8, Int32)] = []
    var indents: [Int] = [0]
    var expectIndent = false
    /// The logical line: its tokens so far, its first word, whether a `:` appeared outside brackets.
    var prev: Tok?
    var lineTokens = 0
    var firstWord = ""
    var statementStart = true
    var statementWord = ""
    var statementTokens = 0
    var colonAtTop = false
    var sawImport = false

    init(b: UnsafeBufferPointer<UInt8>) { self.b = b }

    var n: Int { b.count }

    mutating func run() -> PythonSyntaxIssue? {
        var atLineStart = true
        while true {
            if atLineStart && brackets.isEmpty {
                var col = 0
                while i < n {
                    let c = b[i]
                    if c == Bytes.space { col += 1 } else if c == Bytes.tab { col = (col / 8 + 1) * 8 } else if c == 0x0C { col = 0 } else if c != Bytes.cr { break }
                    i += 1
                }
                if i >= n { break }
                if b[i] == Bytes.newline { line += 1; i += 1; continue }
                if b[i] == Bytes.hash { i = Bytes.skipLineComment(b, i); continue }
                if b[i] == Bytes.backslash && lineTokens == 0 {
                    // A line starting with a continuation joins the next one; Python allows it.
                    if let next = continuation(i) { i = next; continue }
                }
                atLineStart = false
                if lineTokens == 0, let issue = indentation(col) { return issue }
            }
            guard i < n else { break }
            let c = b[i]
            switch c {
            case Bytes.newline:
                line += 1
                i += 1
                if brackets.isEmpty {
                    if let issue = endLogicalLine() { return issue }
                    atLineStart = true
                }
            case Bytes.space, Bytes.tab, Bytes.cr, 0x0B, 0x0C:
                i += 1
            case Bytes.hash:
                i = Bytes.skipLineComment(b, i)
            case Bytes.backslash:
                guard let next = continuation(i) else { return issue("unexpected character after line continuation character") }
                i = next
            case Bytes.quote, Bytes.apostrophe:
                if let issue = string(at: i, formatted: false) { return issue }
            default:
                if let issue = token(c) { return issue }
            }
        }
        if let open = brackets.last { return PythonSyntaxIssue(line: open.1, message: "'\(Character(Unicode.Scalar(open.0)))' was never closed") }
        if lineTokens > 0 {
            line += 1  // as if the file ended with a newline
            if let issue = endLogicalLine() { return issue }
        }
        if expectIndent { return issue("expected an indented block") }
        return nil
    }

    func issue(_ message: String) -> PythonSyntaxIssue { PythonSyntaxIssue(line: line, message: message) }

    mutating func continuation(_ at: Int) -> Int? {
        var k = at + 1
        if k < n && b[k] == Bytes.cr { k += 1 }
        if k >= n { return k }
        guard b[k] == Bytes.newline else { return nil }
        line += 1
        return k + 1
    }

    mutating func indentation(_ col: Int) -> PythonSyntaxIssue? {
        let top = indents[indents.count - 1]
        if expectIndent {
            expectIndent = false
            guard col > top else { return issue("expected an indented block") }
            indents.append(col)
            return nil
        }
        if col > top { return issue("unexpected indent") }
        while col < indents[indents.count - 1] { indents.removeLast() }
        if col != indents[indents.count - 1] { return issue("unindent does not match any outer indentation level") }
        return nil
    }

    /// The end of a logical line (a newline outside brackets, or the end of the file).
    mutating func endLogicalLine() -> PythonSyntaxIssue? {
        defer {
            prev = nil
            lineTokens = 0
            firstWord = ""
            colonAtTop = false
            newStatement()
        }
        guard lineTokens > 0, let last = prev else { return nil }
        if let issue = endStatement(last, atLineEnd: true) { return issue }
        if Self.compound.contains(firstWord) && !colonAtTop { return PythonSyntaxIssue(line: line - 1, message: "expected ':'") }
        expectIndent = last == .colon
        return nil
    }

    mutating func newStatement() {
        statementStart = true
        statementWord = ""
        statementTokens = 0
        sawImport = false
    }

    /// Checks the end of a simple statement (at `;` or the end of the line).
    mutating func endStatement(_ last: Tok, atLineEnd: Bool) -> PythonSyntaxIssue? {
        let at = atLineEnd ? line - 1 : line
        switch last {
        case .op(.binary), .op(.arrow), .dot, .keyword(.needsOperand):
            return PythonSyntaxIssue(line: at, message: "invalid syntax: the statement ends with an operator or keyword that needs an operand")
        default: break
        }
        if statementWord == "from" && !sawImport { return PythonSyntaxIssue(line: at, message: "invalid syntax: 'from' without 'import'") }
        return nil
    }

    /// Records one token and checks it against the one before.
    mutating func emit(_ t: Tok, word: String = "") -> PythonSyntaxIssue? {
        defer {
            prev = t
            lineTokens += 1
            statementTokens += 1
        }
        if lineTokens == 0 { firstWord = word }
        let isStart = statementStart
        statementStart = false
        if isStart {
            statementWord = word
            if word == "from" || word == "import" { sawImport = word == "import" }
        } else if word == "import" {
            sawImport = true
        }
        guard let p = prev else { return nil }
        // Two operands in a row, unless the first is a soft keyword starting the statement.
        if Self.isOperandEnd(p) && Self.isOperandStart(t) && !(p == .string && t == .string) {
            let soft = statementTokens == 1 && Self.softKeywords.contains(statementWord)
            if !soft { return issue("invalid syntax: two operands in a row (a missing operator or comma?)") }
        }
        switch (p, t) {
        case (.open(let o), .colon) where o != Bytes.lbracket:
            return issue("invalid syntax")
        case (.open, .comma), (.comma, .comma):
            return issue("invalid syntax")
        case (.op(.binary), .close), (.op(.binary), .comma), (.dot, .close), (.dot, .comma):
            return issue("invalid syntax: an operator without its right operand")
        case (.keyword, _) where statementTokens == 1 && statementWord == "import":
            if t != .name { return issue("invalid syntax: 'import' must be followed by a module name") }
        default: break
        }
        return nil
    }

    static func isOperandEnd(_ t: Tok) -> Bool {
        switch t {
        case .name, .number, .string, .ellipsis, .close, .keyword(.value): true
        default: false
        }
    }

    static func isOperandStart(_ t: Tok) -> Bool {
        switch t {
        case .name, .number, .string, .ellipsis, .keyword(.value): true
        default: false
        }
    }

    /// Soft keywords that start a statement followed by an operand: `match x:`, `case 1:`, `type X = int`.
    static let softKeywords: Set<String> = ["match", "case", "type", "lazy"]
    static let compound: Set<String> = ["if", "elif", "else", "while", "for", "try", "except", "finally", "with", "def", "class", "async"]
}
