/// Writes a parsed record in one `CanonicalForm`, leaving out (or nulling) the top-level members whose
/// key nodes are in `excluded`. The parser's tape is read, never changed; `out` is appended to.
struct CanonicalWriter {
    /// The parser's tape, held here: reading a class's properties costs a dynamic exclusivity check
    /// on every access, and the writer reads the tape once per value.
    let nodes: [JSONNode]
    let sortedKeys: [Int]
    let line: UnsafeBufferPointer<UInt8>
    /// Tape indices of the top-level keys of the hash members.
    let excluded: [Int]
    let mode: HashFieldsMode

    /// The first number RFC 8785 could not keep as written (`jcs` only).
    private(set) var precisionLoss: PrecisionLoss?

    init(parser: JSONLineParser, line: UnsafeBufferPointer<UInt8>, excluded: [Int], mode: HashFieldsMode) {
        nodes = parser.nodes
        sortedKeys = parser.sortedKeys
        self.line = line
        self.excluded = excluded
        self.mode = mode
    }

    mutating func write(_ form: CanonicalForm, into out: inout [UInt8]) throws(JSONProblem) {
        switch form {
        case .jcs: try jcs(0, key: -1, into: &out)
        case .sorted: sorted(0, into: &out)
        case .compact: compact(0, into: &out)
        case .bytes: bytes(into: &out)
        }
    }

    // MARK: RFC 8785

    private mutating func jcs(_ index: Int, key: Int, into out: inout [UInt8]) throws(JSONProblem) {
        let node = nodes[index]
        switch node.kind {
        case .object:
            out.append(UInt8(ascii: "{"))
            var first = true
            for k in 0..<node.count {
                let keyIndex = sortedKeys[node.sortedAt + k]
                let hashMember = index == 0 && excluded.contains(keyIndex)
                if hashMember && mode == .omit { continue }
                if !first { out.append(UInt8(ascii: ",")) }
                first = false
                try jcsString(nodes[keyIndex], into: &out)
                out.append(UInt8(ascii: ":"))
                if hashMember { out.append(contentsOf: mode.placeholder) } else { try jcs(keyIndex + 1, key: keyIndex, into: &out) }
            }
            out.append(UInt8(ascii: "}"))
        case .array:
            out.append(UInt8(ascii: "["))
            var child = index + 1
            for e in 0..<node.count {
                if e > 0 { out.append(UInt8(ascii: ",")) }
                try jcs(child, key: key, into: &out)
                child = nodes[child].next
            }
            out.append(UInt8(ascii: "]"))
        case .string:
            try jcsString(node, into: &out)
        case .number:
            try jcsNumber(node, key: key, into: &out)
        case .trueLiteral, .falseLiteral, .nullLiteral:
            raw(node.start, node.end, into: &out)
        }
    }

    /// RFC 8785 §3.2.2.2: `"` and `\` escaped, control characters as `\b \t \n \f \r` or `\u00xx`
    /// (lowercase), every other character as its UTF-8 bytes. A string without escapes is already that.
    private func jcsString(_ node: JSONNode, into out: inout [UInt8]) throws(JSONProblem) {
        if !node.escaped { raw(node.start, node.end, into: &out); return }
        out.append(UInt8(ascii: "\""))
        var lone: UInt32?
        JSONStrings.forEachScalar(line, node) { s in
            switch s {
            case 0x22: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\""))
            case 0x5C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "\\"))
            case 0x08: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "b"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0C: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "f"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u"), UInt8(ascii: "0"), UInt8(ascii: "0"),
                                        hex[Int(s >> 4)], hex[Int(s & 15)]])
            case 0xD800...0xDFFF:
                if lone == nil { lone = s }
            default:
                Self.appendUTF8(s, to: &out)
            }
        }
        if let lone {
            throw JSONProblem(.loneSurrogate, at: node.start,
                              "the string holds a lone surrogate \\u\(String(lone, radix: 16)), which RFC 8785 cannot canonicalise")
        }
        out.append(UInt8(ascii: "\""))
    }

    /// RFC 8785 §3.2.2.3: the double the literal denotes, in ECMAScript's form. Integers of up to 15
    /// digits are exact doubles that ECMAScript prints digit for digit, so they are copied (`-0` is `0`).
    private mutating func jcsNumber(_ node: JSONNode, key: Int, into out: inout [UInt8]) throws(JSONProblem) {
        let literal = UnsafeBufferPointer(rebasing: line[node.start..<node.end])
        if node.simpleInteger {
            if literal.count == 2, literal[0] == UInt8(ascii: "-"), literal[1] == UInt8(ascii: "0") {
                out.append(UInt8(ascii: "0"))
            } else {
                out.append(contentsOf: literal)
            }
            return
        }
        let text = String(decoding: literal, as: UTF8.self)
        guard let x = Double(text), x.isFinite else {
            throw JSONProblem(.numberRange, at: node.start,
                              "the number \(text.prefix(40)) is beyond the range of an IEEE-754 double, which RFC 8785 requires",
                              key: keyName(key))
        }
        let start = out.count
        ESNumber.append(x, to: &out)
        if precisionLoss == nil, ESNumber.digits(x) != ESNumber.literalDigits(literal) {
            precisionLoss = PrecisionLoss(key: keyName(key) ?? "", written: String(text.prefix(60)),
                                          canonical: String(decoding: out[start...], as: UTF8.self))
        }
    }

    private func keyName(_ key: Int) -> String? {
        key < 0 ? nil : JSONStrings.decode(line, nodes[key])
    }

    static func appendUTF8(_ s: UInt32, to out: inout [UInt8]) {
        switch s {
        case 0..<0x80:
            out.append(UInt8(s))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | s >> 6)); out.append(UInt8(0x80 | s & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | s >> 12)); out.append(UInt8(0x80 | s >> 6 & 0x3F)); out.append(UInt8(0x80 | s & 0x3F))
        default:
            out.append(UInt8(0xF0 | s >> 18)); out.append(UInt8(0x80 | s >> 12 & 0x3F))
            out.append(UInt8(0x80 | s >> 6 & 0x3F)); out.append(UInt8(0x80 | s & 0x3F))
        }
    }

    // MARK: Values as written

    private func sorted(_ index: Int, into out: inout [UInt8]) {
        let node = nodes[index]
        switch node.kind {
        case .object:
            out.append(UInt8(ascii: "{"))
            var keys = Array(sortedKeys[node.sortedAt..<(node.sortedAt + node.count)])
            if keys.contains(where: { !nodes[$0].ascii }) {
                // UTF-16 order and code point order differ only above U+FFFF; sort those objects again.
                keys.sort { codePointOrder($0, $1) }
            }
            members(keys, parent: index, into: &out) { s, i, o in s.sorted(i, into: &o) }
            out.append(UInt8(ascii: "}"))
        case .array:
            elements(node, index, into: &out) { s, i, o in s.sorted(i, into: &o) }
        default:
            raw(node.start, node.end, into: &out)
        }
    }

    private func compact(_ index: Int, into out: inout [UInt8]) {
        let node = nodes[index]
        switch node.kind {
        case .object:
            out.append(UInt8(ascii: "{"))
            var keys: [Int] = []
            var child = index + 1
            for _ in 0..<node.count {
                keys.append(child)
                child = nodes[child + 1].next
            }
            members(keys, parent: index, into: &out) { s, i, o in s.compact(i, into: &o) }
            out.append(UInt8(ascii: "}"))
        case .array:
            elements(node, index, into: &out) { s, i, o in s.compact(i, into: &o) }
        default:
            raw(node.start, node.end, into: &out)
        }
    }

    private func members(_ keys: [Int], parent: Int, into out: inout [UInt8],
                         _ value: (CanonicalWriter, Int, inout [UInt8]) -> Void) {
        var first = true
        for keyIndex in keys {
            let hashMember = parent == 0 && excluded.contains(keyIndex)
            if hashMember && mode == .omit { continue }
            if !first { out.append(UInt8(ascii: ",")) }
            first = false
            let key = nodes[keyIndex]
            raw(key.start, key.end, into: &out)
            out.append(UInt8(ascii: ":"))
            if hashMember { out.append(contentsOf: mode.placeholder) } else { value(self, keyIndex + 1, &out) }
        }
    }

    private func elements(_ node: JSONNode, _ index: Int, into out: inout [UInt8],
                          _ value: (CanonicalWriter, Int, inout [UInt8]) -> Void) {
        out.append(UInt8(ascii: "["))
        var child = index + 1
        for e in 0..<node.count {
            if e > 0 { out.append(UInt8(ascii: ",")) }
            value(self, child, &out)
            child = nodes[child].next
        }
        out.append(UInt8(ascii: "]"))
    }

    private func codePointOrder(_ x: Int, _ y: Int) -> Bool {
        let a = JSONStrings.decode(line, nodes[x]).unicodeScalars.map(\.value)
        let b = JSONStrings.decode(line, nodes[y]).unicodeScalars.map(\.value)
        return a.lexicographicallyPrecedes(b)
    }

    // MARK: The line as written

    /// Cuts each hash member out with the separator before it (or, for the first member, the one after
    /// it), so that `{"a":1,"hash":"…"}` and `{"hash":"…", "a":1}` both become `{"a":1}`.
    private func bytes(into out: inout [UInt8]) {
        let root = nodes[0]
        var spans: [(key: Int, start: Int, end: Int)] = []
        var child = 1
        for _ in 0..<root.count {
            spans.append((child, nodes[child].start, nodes[child + 1].end))
            child = nodes[child + 1].next
        }
        guard !spans.isEmpty else { raw(0, line.count, into: &out); return }
        raw(0, spans[0].start, into: &out)
        var wroteMember = false
        for (j, span) in spans.enumerated() {
            let hashMember = excluded.contains(span.key)
            if hashMember && mode == .omit { continue }
            if wroteMember { raw(spans[j - 1].end, span.start, into: &out) }
            wroteMember = true
            if hashMember {
                raw(span.start, nodes[span.key + 1].start, into: &out)
                out.append(contentsOf: mode.placeholder)
            } else {
                raw(span.start, span.end, into: &out)
            }
        }
        raw(spans[spans.count - 1].end, line.count, into: &out)
    }

    @inline(__always)
    private func raw(_ start: Int, _ end: Int, into out: inout [UInt8]) {
        guard end > start else { return }
        out.append(contentsOf: UnsafeBufferPointer(rebasing: line[start..<end]))
    }
}
