import GateCore

/// Parses one JSON Lines record into a tape of `JSONNode`s in a single pass: strict RFC 8259 syntax,
/// UTF-8 validated inside strings (the only place a byte above 0x7F may appear), duplicate keys refused
/// (I-JSON, RFC 7493 §2.3, which RFC 8785 requires), nesting bounded, and every object's keys sorted the
/// way RFC 8785 §3.2.3 orders them (by UTF-16 code units), so that canonical writers need no sort of
/// their own. Reused line after line: its arrays keep their capacity, so a steady stream allocates nothing.
final class JSONLineParser {
    private(set) var nodes: [JSONNode] = []
    /// Key node indices of every object, each object's run in RFC 8785 order (`JSONNode.sortedAt`).
    private(set) var sortedKeys: [Int] = []
    let maxDepth: Int
    private var spare = JSONScanner.Buffers()

    init(maxDepth: Int = 256) {
        self.maxDepth = maxDepth
        nodes.reserveCapacity(64)
        sortedKeys.reserveCapacity(32)
    }

    /// Parses `line` (without its newline). The root must be an object unless `anyRoot` (for tests of the
    /// canonical writer on RFC 8785's vectors). After a throw the tape is partial.
    ///
    /// The scan runs on a local `JSONScanner` that owns the arrays for its duration (moved out and back,
    /// never copied): a class's stored properties cost a dynamic exclusivity check on each access, which
    /// took a fifth of the CPU time of a full verify when the scan's state lived here.
    func parse(_ line: UnsafeBufferPointer<UInt8>, anyRoot: Bool = false) throws(JSONProblem) {
        var scanner = JSONScanner(line: line, maxDepth: maxDepth)
        swap(&scanner.nodes, &nodes)
        swap(&scanner.sortedKeys, &sortedKeys)
        swap(&scanner.buffers, &spare)
        defer {
            swap(&scanner.nodes, &nodes)
            swap(&scanner.sortedKeys, &sortedKeys)
            swap(&scanner.buffers, &spare)
        }
        try scanner.parse(anyRoot: anyRoot)
    }

    /// A byte as a reader should see it in a message: printable ASCII as is, anything else as hex.
    static func show(_ c: UInt8) -> String {
        c >= 0x21 && c < 0x7F ? String(UnicodeScalar(c)) : "0x" + JSONStrings.hex2(c)
    }
}

/// The parser's state during one line, as a value: its accesses are checked at compile time.
struct JSONScanner {
    /// Scratch arrays kept from line to line.
    struct Buffers {
        var keyStack: [Int] = []
        var left: [UInt16] = [], right: [UInt16] = []
    }

    var nodes: [JSONNode] = []
    var sortedKeys: [Int] = []
    var buffers = Buffers()
    let maxDepth: Int
    private let b: UnsafeBufferPointer<UInt8>
    private var i = 0

    init(line: UnsafeBufferPointer<UInt8>, maxDepth: Int) {
        b = line
        self.maxDepth = maxDepth
    }

    mutating func parse(anyRoot: Bool) throws(JSONProblem) {
        nodes.removeAll(keepingCapacity: true)
        sortedKeys.removeAll(keepingCapacity: true)
        buffers.keyStack.removeAll(keepingCapacity: true)
        skipWhitespace()
        guard i < b.count else { throw JSONProblem(.syntax, at: 0, "the line is blank") }
        if anyRoot {
            try value(depth: 0)
        } else {
            guard b[i] == UInt8(ascii: "{") else {
                throw JSONProblem(.notAnObject, at: i, "a record must be a JSON object, and this line starts with '\(Self.show(b[i]))'")
            }
            try object(depth: 0)
        }
        skipWhitespace()
        if i < b.count { throw syntax("unexpected '\(Self.show(b[i]))' after the end of the record") }
    }

    private static func show(_ c: UInt8) -> String { JSONLineParser.show(c) }

    // MARK: Values

    private mutating func value(depth: Int) throws(JSONProblem) {
        guard i < b.count else { throw syntax("the line ends where a value should start") }
        switch b[i] {
        case UInt8(ascii: "{"): try object(depth: depth)
        case UInt8(ascii: "["): try array(depth: depth)
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        case UInt8(ascii: "t"): try literal("true", .trueLiteral)
        case UInt8(ascii: "f"): try literal("false", .falseLiteral)
        case UInt8(ascii: "n"): try literal("null", .nullLiteral)
        default: throw syntax("unexpected '\(Self.show(b[i]))' where a value should start")
        }
    }

    private mutating func object(depth: Int) throws(JSONProblem) {
        guard depth < maxDepth else { throw JSONProblem(.tooDeep, at: i, "objects and arrays nest deeper than \(maxDepth) levels") }
        let index = nodes.count
        nodes.append(JSONNode(kind: .object, start: i))
        let mark = buffers.keyStack.count
        i += 1
        skipWhitespace()
        var count = 0
        if i < b.count && b[i] == UInt8(ascii: "}") {
            i += 1
        } else {
            while true {
                guard i < b.count, b[i] == UInt8(ascii: "\"") else {
                    throw syntax(i < b.count ? "expected a key in double quotes, found '\(Self.show(b[i]))'" : "the line ends inside an object")
                }
                buffers.keyStack.append(nodes.count)
                try string()
                skipWhitespace()
                guard i < b.count, b[i] == UInt8(ascii: ":") else { throw syntax("expected ':' after the key") }
                i += 1
                skipWhitespace()
                try value(depth: depth + 1)
                count += 1
                skipWhitespace()
                guard i < b.count else { throw syntax("the line ends inside an object") }
                if b[i] == UInt8(ascii: ",") { i += 1; skipWhitespace(); continue }
                if b[i] == UInt8(ascii: "}") { i += 1; break }
                throw syntax("expected ',' or '}' after a member, found '\(Self.show(b[i]))'")
            }
        }
        nodes[index].end = i
        nodes[index].next = nodes.count
        nodes[index].count = count
        nodes[index].sortedAt = sortedKeys.count
        sortedKeys.append(contentsOf: buffers.keyStack[mark...])
        buffers.keyStack.removeSubrange(mark...)
        try sortKeys(from: nodes[index].sortedAt, count: count)
    }

    private mutating func array(depth: Int) throws(JSONProblem) {
        guard depth < maxDepth else { throw JSONProblem(.tooDeep, at: i, "objects and arrays nest deeper than \(maxDepth) levels") }
        let index = nodes.count
        nodes.append(JSONNode(kind: .array, start: i))
        i += 1
        skipWhitespace()
        var count = 0
        if i < b.count && b[i] == UInt8(ascii: "]") {
            i += 1
        } else {
            while true {
                try value(depth: depth + 1)
                count += 1
                skipWhitespace()
                guard i < b.count else { throw syntax("the line ends inside an array") }
                if b[i] == UInt8(ascii: ",") { i += 1; skipWhitespace(); continue }
                if b[i] == UInt8(ascii: "]") { i += 1; break }
                throw syntax("expected ',' or ']' after an element, found '\(Self.show(b[i]))'")
            }
        }
        nodes[index].end = i
        nodes[index].next = nodes.count
        nodes[index].count = count
    }

    private mutating func string() throws(JSONProblem) {
        var node = JSONNode(kind: .string, start: i)
        let n = b.count
        i += 1
        while true {
            // Printable ASCII other than '"' and '\\', most of a record's text: eight bytes at a time while
            // none of them needs a look, then byte by byte up to the one that does.
            if let base = b.baseAddress {
                while i + 8 <= n, !Self.needsALook(UnsafeRawPointer(base + i).loadUnaligned(as: UInt64.self)) { i += 8 }
            }
            while i < n, b[i] &- 0x20 < 0x60, b[i] != UInt8(ascii: "\""), b[i] != UInt8(ascii: "\\") { i += 1 }
            guard i < n else { throw JSONProblem(.syntax, at: node.start, "a string is not terminated") }
            let c = b[i]
            if c == UInt8(ascii: "\"") { i += 1; break }
            if c == UInt8(ascii: "\\") {
                node.escaped = true
                guard i + 1 < n else { throw JSONProblem(.syntax, at: node.start, "a string is not terminated") }
                switch b[i + 1] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    i += 2
                case UInt8(ascii: "u"):
                    guard i + 5 < n, JSONStrings.isHex(b[i + 2]), JSONStrings.isHex(b[i + 3]), JSONStrings.isHex(b[i + 4]),
                          JSONStrings.isHex(b[i + 5]) else {
                        throw syntax("'\\u' must be followed by four hex digits")
                    }
                    i += 6
                default:
                    throw syntax("'\\\(Self.show(b[i + 1]))' is not a JSON escape")
                }
                continue
            }
            if c < 0x20 { throw syntax("control character U+00\(JSONStrings.hex2(c)) must be escaped inside a string") }
            if c >= 0x80 {
                node.ascii = false
                guard let length = UTF8Validation.sequenceLength(b, at: i) else {
                    throw JSONProblem(.invalidUTF8, at: i, "byte 0x\(JSONStrings.hex2(c)) does not start a valid UTF-8 sequence")
                }
                i += length
                continue
            }
            i += 1
        }
        node.end = i
        node.next = nodes.count + 1
        nodes.append(node)
    }

    private mutating func number() throws(JSONProblem) {
        var node = JSONNode(kind: .number, start: i)
        let n = b.count
        if b[i] == UInt8(ascii: "-") { i += 1 }
        guard i < n, Self.isDigit(b[i]) else { throw syntax("a number needs a digit after its '-'") }
        let digits = i
        if b[i] == UInt8(ascii: "0") {
            i += 1
            if i < n, Self.isDigit(b[i]) { throw syntax("a number cannot start with a leading zero") }
        } else {
            while i < n, Self.isDigit(b[i]) { i += 1 }
        }
        var simple = i - digits <= 15
        if i < n, b[i] == UInt8(ascii: ".") {
            simple = false
            i += 1
            guard i < n, Self.isDigit(b[i]) else { throw syntax("a number needs a digit after its '.'") }
            while i < n, Self.isDigit(b[i]) { i += 1 }
        }
        if i < n, b[i] == UInt8(ascii: "e") || b[i] == UInt8(ascii: "E") {
            simple = false
            i += 1
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            guard i < n, Self.isDigit(b[i]) else { throw syntax("a number needs a digit in its exponent") }
            while i < n, Self.isDigit(b[i]) { i += 1 }
        }
        node.simpleInteger = simple
        node.end = i
        node.next = nodes.count + 1
        nodes.append(node)
    }

    private mutating func literal(_ word: StaticString, _ kind: JSONNode.Kind) throws(JSONProblem) {
        let count = word.utf8CodeUnitCount
        guard i + count <= b.count,
              (0..<count).allSatisfy({ b[i + $0] == word.utf8Start[$0] }) else {
            throw syntax("unexpected '\(Self.show(b[i]))' where a value should start")
        }
        var node = JSONNode(kind: kind, start: i)
        i += count
        node.end = i
        node.next = nodes.count + 1
        nodes.append(node)
    }

    // MARK: Keys

    /// Sorts one object's keys in place (insertion sort for the usual handful, the library sort beyond)
    /// and refuses a key that appears twice.
    ///
    /// The insertion sort finds duplicates itself: each key, once in place, was compared with the key
    /// now before it (the comparison that stopped its move), and a key inserted later between two keys
    /// is compared with the one before it in turn, so every pair of neighbours in the final order was
    /// compared once; an equal pair is a duplicate. Keys written in order cost one comparison each. It
    /// names the first key that repeats an earlier one in the text; the large-object path names the same
    /// (equal keys sorted by position, then the pair whose later key comes first), so the message does not
    /// depend on the object's size.
    private mutating func sortKeys(from start: Int, count: Int) throws(JSONProblem) {
        guard count > 1 else { return }
        let end = start + count
        if count <= 16 {
            var k = start + 1
            while k < end {
                let key = sortedKeys[k]
                var j = k - 1
                while j >= start {
                    let order = compareKeys(sortedKeys[j], key)
                    if order == 0 { throw duplicate(sortedKeys[j], key) }
                    if order < 0 { break }
                    sortedKeys[j + 1] = sortedKeys[j]
                    j -= 1
                }
                sortedKeys[j + 1] = key
                k += 1
            }
            return
        }
        var run = Array(sortedKeys[start..<end])
        run.sort { x, y in
            let order = compareKeys(x, y)
            return order != 0 ? order < 0 : nodes[x].start < nodes[y].start
        }
        sortedKeys.replaceSubrange(start..<end, with: run)
        var first: (earlier: Int, later: Int)?
        for k in (start + 1)..<end where compareKeys(sortedKeys[k - 1], sortedKeys[k]) == 0 {
            if first.map({ nodes[sortedKeys[k]].start < nodes[$0.later].start }) ?? true { first = (sortedKeys[k - 1], sortedKeys[k]) }
        }
        if let first { throw duplicate(first.earlier, first.later) }
    }

    /// The problem of a key that appears twice, placed at its later appearance.
    private func duplicate(_ x: Int, _ y: Int) -> JSONProblem {
        let later = max(nodes[x].start, nodes[y].start)
        let name = JSONStrings.decode(b, nodes[y])
        return JSONProblem(.duplicateKey, at: later, "the key '\(name)' appears twice in one object", key: name)
    }

    /// RFC 8785 §3.2.3 order: UTF-16 code units, compared as unsigned numbers.
    mutating func compareKeys(_ x: Int, _ y: Int) -> Int {
        let a = nodes[x], c = nodes[y]
        if a.ascii && c.ascii && !a.escaped && !c.escaped {
            return JSONStrings.compareRaw(b, a, c)
        }
        JSONStrings.utf16(b, a, into: &buffers.left)
        JSONStrings.utf16(b, c, into: &buffers.right)
        let left = buffers.left, right = buffers.right
        for k in 0..<min(left.count, right.count) where left[k] != right[k] {
            return left[k] < right[k] ? -1 : 1
        }
        return left.count == right.count ? 0 : (left.count < right.count ? -1 : 1)
    }

    // MARK: Helpers

    private mutating func skipWhitespace() {
        while i < b.count {
            switch b[i] {
            case 0x20, 0x09, 0x0A, 0x0D: i += 1
            default: return
            }
        }
    }

    /// True when one of the eight bytes in `x` is '"', '\\', below 0x20 or above 0x7F (SWAR: a byte
    /// below n sets its top bit in (x - n) & ~x, exactly when some byte is; '"' and '\\' are zero bytes of
    /// x XOR the character).
    @inline(__always)
    static func needsALook(_ x: UInt64) -> Bool {
        let ones: UInt64 = 0x0101_0101_0101_0101, high: UInt64 = 0x8080_8080_8080_8080
        let quote = x ^ (ones &* 0x22), backslash = x ^ (ones &* 0x5C)
        let below = (x &- ones &* 0x20) & ~x
        let zeroQuote = (quote &- ones) & ~quote
        let zeroBackslash = (backslash &- ones) & ~backslash
        return (x | below | zeroQuote | zeroBackslash) & high != 0
    }

    private func syntax(_ message: String) -> JSONProblem { JSONProblem(.syntax, at: i, message) }

    private static func isDigit(_ c: UInt8) -> Bool { c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9") }
}
