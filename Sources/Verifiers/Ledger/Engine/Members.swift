/// The top-level members of a parsed record that the ledger's rules name, by tape index of their values.
struct Members {
    var hash: Int?
    var chain: Int?
    var prev: Int?
    var sequence: Int?
    var timestamp: Int?
    var id: Int?

    /// Walks the root object's members once; the key indices of the hash members go to `excluded`.
    mutating func find(_ parser: JSONLineParser, _ line: UnsafeBufferPointer<UInt8>, _ s: CheckSettings,
                       excluded: inout [Int]) {
        let nodes = parser.nodes
        var key = 1
        for _ in 0..<nodes[0].count {
            let k = nodes[key]
            let value = key + 1
            if let n = s.names.hash, JSONStrings.equals(line, k, n) { hash = value }
            else if let n = s.names.chain, JSONStrings.equals(line, k, n) { chain = value }
            else if let n = s.names.prev, JSONStrings.equals(line, k, n) { prev = value }
            else if let n = s.names.sequence, JSONStrings.equals(line, k, n) { sequence = value }
            else if let n = s.names.timestamp, JSONStrings.equals(line, k, n) { timestamp = value }
            if let n = s.names.id, JSONStrings.equals(line, k, n) { id = value }
            for n in s.names.hashMembers where JSONStrings.equals(line, k, n) {
                excluded.append(key)
                break
            }
            key = nodes[value].next
        }
    }

    /// A string value's decoded bytes (digests are never escaped in practice, so this is usually a copy).
    static func stringBytes(_ parser: JSONLineParser, _ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> [UInt8] {
        let node = parser.nodes[index]
        guard node.kind == .string else { return [] }
        if !node.escaped { return Array(UnsafeBufferPointer(rebasing: line[(node.start + 1)..<(node.end - 1)])) }
        return Array(JSONStrings.decode(line, node).utf8)
    }

    /// Appends a string value's decoded bytes to `out`, straight from the line when it holds no escape.
    static func appendString(_ parser: JSONLineParser, _ line: UnsafeBufferPointer<UInt8>, _ index: Int, to out: inout [UInt8]) {
        let node = parser.nodes[index]
        guard node.kind == .string else { return }
        if !node.escaped { out.append(contentsOf: UnsafeBufferPointer(rebasing: line[(node.start + 1)..<(node.end - 1)])) }
        else { out.append(contentsOf: JSONStrings.decode(line, node).utf8) }
    }

    /// An integer written as a JSON number without fraction or exponent, or as a string of digits.
    static func integer(_ parser: JSONLineParser, _ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> Int64? {
        let node = parser.nodes[index]
        var start = node.start, end = node.end
        switch node.kind {
        case .number: break
        case .string where !node.escaped: start += 1; end -= 1
        default: return nil
        }
        var negative = false
        if start < end, line[start] == UInt8(ascii: "-") { negative = true; start += 1 }
        guard start < end, end - start <= 18 else { return nil }
        var v: Int64 = 0
        for k in start..<end {
            let c = line[k]
            guard c >= UInt8(ascii: "0"), c <= UInt8(ascii: "9") else { return nil }
            v = v * 10 + Int64(c - UInt8(ascii: "0"))
        }
        return negative ? -v : v
    }

    /// RFC 3339 text, or a number (integer or decimal) of `unit` nanoseconds.
    static func timestamp(_ parser: JSONLineParser, _ line: UnsafeBufferPointer<UInt8>, _ index: Int, unit: Int64) -> Int64? {
        let node = parser.nodes[index]
        switch node.kind {
        case .string where !node.escaped:
            return Timestamps.parse(UnsafeBufferPointer(rebasing: line[(node.start + 1)..<(node.end - 1)]))
        case .number:
            if let v = integer(parser, line, index) {
                let (scaled, overflow) = v.multipliedReportingOverflow(by: unit)
                return overflow ? nil : scaled
            }
            let text = String(decoding: UnsafeBufferPointer(rebasing: line[node.start..<node.end]), as: UTF8.self)
            guard let x = Double(text), x.isFinite else { return nil }
            let scaled = x * Double(unit)
            return scaled.magnitude < 9.2e18 ? Int64(scaled) : nil
        default:
            return nil
        }
    }

    /// Whether a timestamp that `timestamp` could not read is a well-formed one outside what 64-bit
    /// nanoseconds since 1970 hold (1677-09-21 to 2262-04-11): RFC 3339 text whose year is outside them, or
    /// a whole number too large once scaled to nanoseconds. For the message, which then says so instead of
    /// calling the value unreadable.
    static func timestampOutOfRange(_ parser: JSONLineParser, _ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> Bool {
        let node = parser.nodes[index]
        switch node.kind {
        case .string where !node.escaped && node.end - node.start >= 12:
            let b = line[(node.start + 1)..<(node.end - 1)]
            let head = Array(b.prefix(5))
            guard head.count == 5, head[4] == UInt8(ascii: "-"),
                  head[0..<4].allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return false }
            let year = head[0..<4].reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
            return year <= 1677 || year >= 2262
        case .number:
            return integer(parser, line, index) != nil
        default:
            return false
        }
    }

    /// The id member's value as text, for findings.
    static func text(_ parser: JSONLineParser, _ line: UnsafeBufferPointer<UInt8>, _ index: Int) -> String {
        let node = parser.nodes[index]
        if node.kind == .string { return JSONStrings.decode(line, node) }
        return String(decoding: UnsafeBufferPointer(rebasing: line[node.start..<node.end]), as: UTF8.self)
    }
}
