/// Which redaction rules can match a text, found in one pass over its bytes: most texts (summaries, paths,
/// rule ids, most logs) have no trigger, and then no regex runs at all.
enum Prefilter {
    struct Result {
        /// Bit `i` set: rule `i` of `RedactionRule.all` has a trigger in the text.
        var rules: UInt64
        /// The text holds an escape sequence (ESC, or the one-character CSI U+009B).
        var escapes: Bool
    }

    private struct Trigger {
        var bytes: [UInt8]
        var anyCase: Bool
        var rule: Int
    }

    /// Triggers by their first byte (both cases of it for a case-blind trigger).
    private static let byFirstByte: [[Trigger]] = {
        precondition(RedactionRule.all.count <= 64, "the prefilter's rule mask has 64 bits")
        var table = [[Trigger]](repeating: [], count: 256)
        for (i, rule) in RedactionRule.all.enumerated() {
            for t in rule.triggers {
                let bytes = rule.anyCase ? t.utf8.map(lower) : Array(t.utf8)
                let trigger = Trigger(bytes: bytes, anyCase: rule.anyCase, rule: i)
                table[Int(bytes[0])].append(trigger)
                if rule.anyCase, bytes[0] >= 97, bytes[0] <= 122 { table[Int(bytes[0] - 32)].append(trigger) }
            }
        }
        return table
    }()

    /// 1: a byte some trigger starts with; 2: a base64 character (for the key-body rule).
    private static let classes: [UInt8] = {
        var c = [UInt8](repeating: 0, count: 256)
        for b in 0..<256 where !byFirstByte[b].isEmpty { c[b] |= 1 }
        for b in Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8) { c[Int(b)] |= 2 }
        return c
    }()

    @inline(__always) private static func lower(_ b: UInt8) -> UInt8 { b >= 65 && b <= 90 ? b + 32 : b }

    static func scan(_ text: UnsafeBufferPointer<UInt8>) -> Result {
        var mask: UInt64 = 0
        var escapes = false
        var run = 0
        let keyBody: UInt64 = 1 << UInt64(RedactionRule.keyBodyIndex)
        let n = text.count
        classes.withUnsafeBufferPointer { cls in
            byFirstByte.withUnsafeBufferPointer { table in
                var i = 0
                while i < n {
                    let b = text[i]
                    let c = cls[Int(b)]
                    if c & 2 != 0 {
                        run += 1
                        if run >= RedactionRule.base64Run { mask |= keyBody }
                    } else {
                        run = 0
                        if b == 0x1B || (b == 0xC2 && i + 1 < n && (text[i + 1] == 0x9B || text[i + 1] == 0x9D)) { escapes = true }
                    }
                    if c & 1 != 0 {
                        for t in table[Int(b)] where mask & (1 << UInt64(t.rule)) == 0 && matches(t, text, at: i) {
                            mask |= 1 << UInt64(t.rule)
                        }
                    }
                    i += 1
                }
            }
        }
        return Result(rules: mask, escapes: escapes)
    }

    @inline(__always) private static func matches(_ t: Trigger, _ text: UnsafeBufferPointer<UInt8>, at i: Int) -> Bool {
        guard i + t.bytes.count <= text.count else { return false }
        var k = 1
        while k < t.bytes.count {
            let b = t.anyCase ? lower(text[i + k]) : text[i + k]
            if b != t.bytes[k] { return false }
            k += 1
        }
        return true
    }
}

/// A text with its terminal escape sequences set aside, and where each remaining byte came from.
enum EscapeView {
    /// CSI sequences (`ESC [ ... final`, also U+009B) go whole; other escapes lose ESC and their
    /// intermediate bytes. String sequences (OSC
    /// `ESC ]`, DCS, APC, PM, SOS; U+009D) lose their introducer and terminator but keep their payload in
    /// view: a window title can show a token too. BEL goes.
    static func strip(_ text: UnsafeBufferPointer<UInt8>) -> ([UInt8], [Int]) {
        var view: [UInt8] = [], origin: [Int] = []
        view.reserveCapacity(text.count)
        origin.reserveCapacity(text.count)
        let n = text.count
        var i = 0
        func csi(from start: Int) -> Int {
            var j = start
            // Parameters and intermediates, then one final byte; a broken sequence ends at the first other byte.
            while j < n, j - start < 64, (0x20...0x3F).contains(text[j]) { j += 1 }
            if j < n, (0x40...0x7E).contains(text[j]) { j += 1 }
            return j
        }
        while i < n {
            let b = text[i]
            if b == 0x1B {
                guard i + 1 < n else { i += 1; continue }
                let next = text[i + 1]
                switch next {
                case UInt8(ascii: "["): i = csi(from: i + 2)
                case UInt8(ascii: "]"), UInt8(ascii: "P"), UInt8(ascii: "_"), UInt8(ascii: "^"), UInt8(ascii: "X"): i += 2
                default:
                    // `ESC 7`, `ESC ( B`: the final byte stays in view, so that `\eghp_...` keeps its `g`.
                    var j = i + 1
                    while j < n, (0x20...0x2F).contains(text[j]) { j += 1 }
                    i = j
                }
                continue
            }
            if b == 0xC2, i + 1 < n, text[i + 1] == 0x9B { i = csi(from: i + 2); continue }
            if b == 0xC2, i + 1 < n, text[i + 1] == 0x9D { i += 2; continue }
            if b == 0x07 { i += 1; continue }
            view.append(b)
            origin.append(i)
            i += 1
        }
        return (view, origin)
    }
}
