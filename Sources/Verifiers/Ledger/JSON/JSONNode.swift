/// One JSON value of a parsed record line: its kind, its byte span in the line, and where its subtree ends
/// in the tape. A record parses into a flat array of these (the tape), in document order; an object's
/// members follow it as key, value, key, value.
struct JSONNode {
    enum Kind: UInt8 {
        case object, array, string, number, trueLiteral, falseLiteral, nullLiteral
    }

    var kind: Kind
    /// Strings: the text holds a backslash escape.
    var escaped = false
    /// Strings: every byte is ASCII.
    var ascii = true
    /// Numbers: `-?digits` with at most 15 digits, which RFC 8785 writes back unchanged (but `-0`).
    var simpleInteger = false
    /// Offset of the first byte (the quote of a string, the brace of an object).
    var start: Int
    /// Offset after the last byte.
    var end: Int
    /// Index of the first node after this value's subtree.
    var next: Int
    /// Objects: members; arrays: elements.
    var count = 0
    /// Objects: where their members' key indices, in RFC 8785 order, start in `JSONLineParser.sortedKeys`.
    var sortedAt = 0

    init(kind: Kind, start: Int) {
        self.kind = kind
        self.start = start
        self.end = start
        self.next = 0
    }
}

/// Why a line is not a record gate can canonicalise. `offset` is a byte offset in the line; `key` names the
/// member involved (a duplicate key, the key whose value is out of range) when there is one.
struct JSONProblem: Error, Equatable, Sendable {
    enum Kind: String, Sendable {
        case syntax = "invalid JSON"
        case invalidUTF8 = "invalid UTF-8"
        case duplicateKey = "duplicate key"
        case tooDeep = "nesting too deep"
        case notAnObject = "not a JSON object"
        case numberRange = "number out of range"
        case loneSurrogate = "lone surrogate"
    }

    var kind: Kind
    var offset: Int
    var message: String
    var key: String?

    init(_ kind: Kind, at offset: Int, _ message: String, key: String? = nil) {
        self.kind = kind
        self.offset = offset
        self.message = message
        self.key = key
    }
}
