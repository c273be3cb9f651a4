import Foundation

/// One token of SQL outside comments: keywords and names are what the destructive-change scan reads.
struct SQLToken: Equatable, Sendable {
    enum Kind: Sendable { case word, quoted, string, number, symbol }

    var kind: Kind
    /// Words uppercased; quoted identifiers without their quotes; symbols as written.
    var text: String
    var line: Int

    func isWord(_ w: String) -> Bool { kind == .word && text == w }
}

/// One statement of a migration script, with where it starts and the annotations that apply to it.
struct SQLStatement: Sendable {
    /// From the first token through the terminating `;` (if any).
    var text: String
    /// 1-based line of the first token.
    var line: Int
    var tokens: [SQLToken]
    /// Reasons given by `-- gate:allow-destructive <reason>` comments before the statement, inside it, or
    /// after its `;` on the same line.
    var allowances: [String] = []
    /// An allowance comment without a reason was found; it does not count, and the finding says so.
    var allowanceWithoutReason = false

    /// The statement on one line, shortened for messages.
    var preview: String {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return flat.count > 160 ? String(flat.prefix(157)) + "..." : flat
    }

    var firstWord: String? { tokens.first { $0.kind == .word }?.text }

    /// BEGIN/COMMIT/ROLLBACK/END at the top level: the script manages its own transaction.
    var controlsTransaction: Bool {
        guard let w = firstWord else { return false }
        if ["BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT", "RELEASE"].contains(w) { return true }
        return w == "END" && tokens.count <= 3
    }
}

/// Splits a migration script into statements the way SQLite reads it: `;` ends a statement unless it is
/// inside a string, a quoted name, a comment, a Postgres dollar-quoted body, or a `CREATE TRIGGER ...
/// BEGIN ... END` body. Works on UTF-8 bytes so that 10,000 files split quickly.
enum SQLScript {
    static let allowMarker = Array("gate:allow-destructive".utf8)

    static func split(_ text: String) -> [SQLStatement] {
        var splitter = Splitter(Array(text.utf8))
        return splitter.run()
    }

    private struct Splitter {
        let b: [UInt8]
        var i = 0
        var line = 1
        var statements: [SQLStatement] = []
        var tokens: [SQLToken] = []
        var firstTokenOffset = 0
        var allowances: [String] = []
        var bareAllowance = false
        var triggerDepth = 0
        var isTrigger = false
        var leadingWords: [String] = []
        var lastTerminatorLine = -1

        init(_ bytes: [UInt8]) { b = bytes }

        mutating func run() -> [SQLStatement] {
            while i < b.count {
                let c = b[i]
                switch c {
                case 0x0A: line += 1; i += 1
                case 0x20, 0x09, 0x0D, 0x0C: i += 1
                case UInt8(ascii: "-") where peek(1) == UInt8(ascii: "-"):
                    let start = i, startLine = line
                    while i < b.count, b[i] != 0x0A { i += 1 }
                    comment(start + 2, i, line: startLine)
                case UInt8(ascii: "/") where peek(1) == UInt8(ascii: "*"):
                    let start = i, startLine = line
                    i += 2
                    while i < b.count, !(b[i] == UInt8(ascii: "*") && peek(1) == UInt8(ascii: "/")) { advance() }
                    let end = min(i, b.count)
                    i = min(i + 2, b.count)
                    comment(start + 2, end, line: startLine)
                case UInt8(ascii: "'"): quoted(c, kind: .string)
                case UInt8(ascii: "\""), UInt8(ascii: "`"): quoted(c, kind: .quoted)
                case UInt8(ascii: "["): quoted(UInt8(ascii: "]"), kind: .quoted)
                case UInt8(ascii: "$") where dollarTag() != nil: dollarQuoted(dollarTag()!)
                case UInt8(ascii: ";"): terminator()
                default:
                    if isWordStart(c) { word() } else if isDigit(c) { number() } else { symbol() }
                }
            }
            finish(end: b.count, terminated: false)
            return statements
        }

        func peek(_ n: Int) -> UInt8? { i + n < b.count ? b[i + n] : nil }

        mutating func advance() {
            if b[i] == 0x0A { line += 1 }
            i += 1
        }

        func isWordStart(_ c: UInt8) -> Bool {
            (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c >= 0x80
        }

        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

        mutating func startToken() {
            if tokens.isEmpty { firstTokenOffset = i }
        }

        mutating func append(_ kind: SQLToken.Kind, _ text: String, line l: Int) {
            tokens.append(SQLToken(kind: kind, text: text, line: l))
        }

        mutating func word() {
            startToken()
            let start = i
            while i < b.count, isWordStart(b[i]) || isDigit(b[i]) || b[i] == UInt8(ascii: "$") { i += 1 }
            let w = String(decoding: b[start..<i], as: UTF8.self).uppercased()
            append(.word, w, line: line)
            trackTrigger(w)
        }

        /// Inside CREATE TRIGGER, `;` separates body statements until the body's END.
        mutating func trackTrigger(_ w: String) {
            if leadingWords.count < 3 {
                leadingWords.append(w)
                let t = leadingWords
                isTrigger = t.first == "CREATE"
                    && (t.dropFirst().first == "TRIGGER" || (t.count == 3 && ["TEMP", "TEMPORARY"].contains(t[1]) && t[2] == "TRIGGER"))
            }
            guard isTrigger else { return }
            if w == "BEGIN" || w == "CASE" { triggerDepth += 1 }
            if w == "END", triggerDepth > 0 { triggerDepth -= 1 }
        }

        mutating func number() {
            startToken()
            let start = i
            while i < b.count, isDigit(b[i]) || b[i] == UInt8(ascii: ".") || isWordStart(b[i]) { i += 1 }
            append(.number, String(decoding: b[start..<i], as: UTF8.self), line: line)
        }

        mutating func symbol() {
            startToken()
            append(.symbol, String(decoding: b[i..<(i + 1)], as: UTF8.self), line: line)
            i += 1
        }

        /// A quoted string or name; the closing quote doubled is an escaped quote.
        mutating func quoted(_ close: UInt8, kind: SQLToken.Kind) {
            startToken()
            let startLine = line
            i += 1
            var content: [UInt8] = []
            while i < b.count {
                if b[i] == close {
                    if peek(1) == close, close != UInt8(ascii: "]") { content.append(close); i += 2; continue }
                    break
                }
                content.append(b[i])
                advance()
            }
            i = min(i + 1, b.count)
            append(kind, String(decoding: content, as: UTF8.self), line: startLine)
        }

        /// `$$` or `$tag$` opening a Postgres dollar-quoted string, as bytes including both dollars.
        func dollarTag() -> [UInt8]? {
            var j = i + 1
            while j < b.count, isWordStart(b[j]) || (j > i + 1 && isDigit(b[j])) { j += 1 }
            guard j < b.count, b[j] == UInt8(ascii: "$") else { return nil }
            return Array(b[i...j])
        }

        mutating func dollarQuoted(_ tag: [UInt8]) {
            startToken()
            let startLine = line
            i += tag.count
            while i < b.count {
                if b[i] == UInt8(ascii: "$"), i + tag.count <= b.count, Array(b[i..<(i + tag.count)]) == tag {
                    i += tag.count
                    break
                }
                advance()
            }
            append(.string, "", line: startLine)
        }

        mutating func terminator() {
            if isTrigger && triggerDepth > 0 {
                symbol()
                return
            }
            finish(end: i + 1, terminated: true)
            lastTerminatorLine = line
            i += 1
        }

        mutating func comment(_ start: Int, _ end: Int, line commentLine: Int) {
            guard let reason = Self.allowance(b[start..<max(start, end)]) else { return }
            // A comment on the line a statement ended belongs to that statement.
            if tokens.isEmpty, commentLine == lastTerminatorLine, !statements.isEmpty {
                if reason.isEmpty { statements[statements.count - 1].allowanceWithoutReason = true } else {
                    statements[statements.count - 1].allowances.append(reason)
                }
            } else if reason.isEmpty {
                bareAllowance = true
            } else {
                allowances.append(reason)
            }
        }

        /// The reason after `gate:allow-destructive`, "" when none, nil when the comment is not one.
        static func allowance(_ text: ArraySlice<UInt8>) -> String? {
            let marker = SQLScript.allowMarker
            guard text.count >= marker.count else { return nil }
            var k = text.startIndex
            while k + marker.count <= text.endIndex {
                if text[k..<(k + marker.count)].elementsEqual(marker) {
                    let rest = String(decoding: text[(k + marker.count)...], as: UTF8.self)
                    var reason = rest.trimmingCharacters(in: .whitespaces)
                    if reason.hasPrefix(":") { reason = String(reason.dropFirst()).trimmingCharacters(in: .whitespaces) }
                    return reason
                }
                k += 1
            }
            return nil
        }

        mutating func finish(end: Int, terminated: Bool) {
            defer {
                tokens = []
                allowances = []
                bareAllowance = false
                triggerDepth = 0
                isTrigger = false
                leadingWords = []
            }
            guard !tokens.isEmpty else { return }
            let text = String(decoding: b[firstTokenOffset..<min(end, b.count)], as: UTF8.self)
            statements.append(SQLStatement(
                text: text.trimmingCharacters(in: .whitespacesAndNewlines), line: tokens[0].line, tokens: tokens,
                allowances: allowances, allowanceWithoutReason: bareAllowance))
        }
    }
}
