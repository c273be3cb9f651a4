/// Byte classes and small scanning helpers shared by the extractors. Every extractor works on the raw
/// UTF-8 bytes of a file; non-ASCII bytes count as identifier characters, which is what every supported
/// language allows in names.
enum Bytes {
    static let newline = UInt8(ascii: "\n")
    static let cr = UInt8(ascii: "\r")
    static let space = UInt8(ascii: " ")
    static let tab = UInt8(ascii: "\t")
    static let slash = UInt8(ascii: "/")
    static let star = UInt8(ascii: "*")
    static let backslash = UInt8(ascii: "\\")
    static let dot = UInt8(ascii: ".")
    static let comma = UInt8(ascii: ",")
    static let semicolon = UInt8(ascii: ";")
    static let colon = UInt8(ascii: ":")
    static let quote = UInt8(ascii: "\"")
    static let apostrophe = UInt8(ascii: "'")
    static let backtick = UInt8(ascii: "`")
    static let hash = UInt8(ascii: "#")
    static let at = UInt8(ascii: "@")
    static let lparen = UInt8(ascii: "(")
    static let rparen = UInt8(ascii: ")")
    static let lbrace = UInt8(ascii: "{")
    static let rbrace = UInt8(ascii: "}")
    static let lbracket = UInt8(ascii: "[")
    static let rbracket = UInt8(ascii: "]")
    static let lt = UInt8(ascii: "<")
    static let gt = UInt8(ascii: ">")
    static let equals = UInt8(ascii: "=")

    @inline(__always) static func isIdentStart(_ c: UInt8) -> Bool {
        (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || c == 0x5F || c >= 0x80
    }

    @inline(__always) static func isIdent(_ c: UInt8) -> Bool {
        isIdentStart(c) || (c >= 0x30 && c <= 0x39)
    }

    @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    @inline(__always) static func isBlank(_ c: UInt8) -> Bool { c == space || c == tab || c == 0x0C || c == cr }

    /// The identifier starting at `i` (caller checked `isIdentStart`), and the index after it.
    @inline(__always)
    static func identifier(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i
        while j < b.count && isIdent(b[j]) { j += 1 }
        return j
    }

    /// True when `b[i..<j]` spells `word`.
    @inline(__always)
    static func equals(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ j: Int, _ word: StaticString) -> Bool {
        guard j - i == word.utf8CodeUnitCount else { return false }
        let w = word.utf8Start
        for k in 0..<(j - i) where b[i + k] != w[k] { return false }
        return true
    }

    static func string(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, _ j: Int) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: b[i..<j]), as: UTF8.self)
    }

    /// Skips a `//` comment: returns the index of the newline (or the end).
    @inline(__always)
    static func skipLineComment(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i
        while j < b.count && b[j] != newline { j += 1 }
        return j
    }

    /// Skips a `/* ... */` comment starting at `i`, counting newlines into `line`. Nested comments are
    /// honoured when `nested` (Swift, Rust, Kotlin).
    static func skipBlockComment(_ b: UnsafeBufferPointer<UInt8>, _ i: Int, line: inout Int32, nested: Bool) -> Int {
        var j = i + 2
        var depth = 1
        while j < b.count {
            let c = b[j]
            if c == newline { line += 1 }
            if c == star && j + 1 < b.count && b[j + 1] == slash {
                depth -= 1
                j += 2
                if depth == 0 || !nested { return j }
                continue
            }
            if nested && c == slash && j + 1 < b.count && b[j + 1] == star { depth += 1; j += 2; continue }
            j += 1
        }
        return j
    }

    /// Skips a C-family string or character literal opened by `b[i]`, ending at the matching quote or at
    /// the end of the line (an unterminated literal must not swallow the file).
    @inline(__always)
    static func skipQuoted(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        let q = b[i]
        var j = i + 1
        while j < b.count {
            let c = b[j]
            if c == backslash { j += 2; continue }
            if c == q { return j + 1 }
            if c == newline { return j }
            j += 1
        }
        return j
    }

    /// Skips blanks (not newlines).
    @inline(__always)
    static func skipBlanks(_ b: UnsafeBufferPointer<UInt8>, _ i: Int) -> Int {
        var j = i
        while j < b.count && isBlank(b[j]) { j += 1 }
        return j
    }
}
