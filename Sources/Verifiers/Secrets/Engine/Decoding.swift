import Glibc

/// Finds encoded stretches of a buffer (base64, hex, percent-encoding) and decodes those that hold text,
/// so that secrets written encoded (a base64 `.dockerconfigjson`, a hex-encoded `.env`, a percent-encoded
/// query string) are scanned too.
///
/// Bounded on every side: stretches shorter than `minLength` or longer than `maxSegment` are left alone,
/// a stretch is decoded only when its first bytes decode to text, and the caller caps the depth (an
/// encoding inside an encoding) and the total bytes decoded per buffer.
enum Decoding {
    enum Encoding: String, Sendable {
        case base64, hex, percent
    }

    struct Segment {
        var range: Range<Int>
        var encoding: Encoding
    }

    /// Shortest encoded stretch worth decoding: 24 base64 characters are 18 bytes, shorter than most secrets
    /// with their context.
    static let minLength = 24
    /// Longest stretch decoded: larger blobs are images, archives and fonts, not configuration.
    static let maxSegment = 256 << 10

    // Byte classes: 1 base64 (standard and URL-safe alphabets), 2 hex digit (also base64), 4 percent-safe;
    // and the kind of a base64 byte: 8 upper case, 16 lower case, 32 digit.
    private static let classes: [UInt8] = {
        var t = [UInt8](repeating: 0, count: 256)
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { t[Int(b)] |= 1 | 4 | 8 }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { t[Int(b)] |= 1 | 4 | 16 }
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") { t[Int(b)] |= 1 | 2 | 4 | 32 }
        for b in UInt8(ascii: "a")...UInt8(ascii: "f") { t[Int(b)] |= 2 }
        for b in UInt8(ascii: "A")...UInt8(ascii: "F") { t[Int(b)] |= 2 }
        for c in "+/-_" { t[Int(c.asciiValue!)] |= 1 }
        for c in "%._~-+=&:/@!$'*;,?#[]" { t[Int(c.asciiValue!)] |= 4 }
        return t
    }()

    /// Encoded stretches starting inside `range`, in order.
    static func segments(_ buf: UnsafeBufferPointer<UInt8>, in range: Range<Int>) -> [Segment] {
        guard let base = buf.baseAddress, !range.isEmpty else { return [] }
        return classes.withUnsafeBufferPointer { segments(base, count: buf.count, in: range, classes: $0.baseAddress!) }
    }

    // Every stretch is `minLength` bytes or more of base64 characters (or of URL characters, for a
    // percent-encoded one), so one that starts at or after `i` holds every byte up to `i + minLength - 1`:
    // the last byte there that can be in none is found reading backwards from that end, and the scan jumps
    // past it. URL characters count only where a '%' they could reach is near. Most lines of code have a
    // space, a quote or a bracket every 24 bytes, so few bytes are read one by one (this loop was a
    // quarter of a scan's time).
    private static func segments(_ buf: UnsafePointer<UInt8>, count n: Int, in range: Range<Int>,
                                 classes cls: UnsafePointer<UInt8>) -> [Segment] {
        var out: [Segment] = []
        // The next '%' at or after `i`, and the start of the run of URL characters that holds it (n: none).
        var nextPercent = -1, percentRun = n
        var i = range.lowerBound
        while i < range.upperBound {
            guard i + minLength <= n else { break }
            if nextPercent < i {
                if let p = memchr(buf + i, Int32(UInt8(ascii: "%")), n - i) {
                    nextPercent = buf.distance(to: p.assumingMemoryBound(to: UInt8.self))
                    var start = nextPercent
                    while start > i, cls[Int(buf[start - 1])] & 4 != 0 { start -= 1 }
                    percentRun = start
                } else {
                    nextPercent = n
                    percentRun = n
                }
            }
            let last = i + minLength - 1
            let mask: UInt8 = last >= percentRun ? 1 | 4 : 1
            if mask == 1 {
                // The last byte of the 24 that is not base64, eight bytes at a time from the top (a byte loop
                // mispredicted its exit at nearly every jump, and was a seventh of a scan's time).
                var block = i + 16, outside: UInt64 = 0
                while true {
                    outside = Self.nonBase64(UnsafeRawPointer(buf).loadUnaligned(fromByteOffset: block, as: UInt64.self))
                    if outside != 0 || block == i { break }
                    block -= 8
                }
                if outside != 0 {
                    i = block + ((63 - outside.leadingZeroBitCount) >> 3) + 1
                    continue
                }
            } else {
                var p = last
                while p >= i, cls[Int(buf[p])] & mask != 0 { p -= 1 }
                if p >= i {
                    i = p + 1
                    continue
                }
            }
            // Only a base64 character or a '%' starts a stretch.
            if cls[Int(buf[i])] & 1 == 0 && buf[i] != UInt8(ascii: "%") {
                i += 1
                while i < range.upperBound, cls[Int(buf[i])] & 1 == 0, buf[i] != UInt8(ascii: "%") { i += 1 }
                continue
            }
            // A run of base64 characters; `=` padding after it. Base64 of text mixes upper case, lower
            // case and digits; identifiers (`load_user_profile`) and paths (`src/main/java`) do not, and
            // are not decoded.
            var j = i
            var all: UInt8 = 0xFF, kinds: UInt8 = 0
            while j < n {
                let k = cls[Int(buf[j])]
                guard k & 1 != 0 else { break }
                all &= k
                kinds |= k
                j += 1
            }
            let allHex = all & 2 != 0
            var end = j
            while end < n, end < j + 2, buf[end] == UInt8(ascii: "=") { end += 1 }
            // A run of URL characters holding %XX escapes.
            if j < n, buf[j] == UInt8(ascii: "%") || (j == i) {
                var k = i, percent = false
                while k < n, cls[Int(buf[k])] & 4 != 0 {
                    if buf[k] == UInt8(ascii: "%"), k + 2 < n, cls[Int(buf[k + 1])] & 2 != 0, cls[Int(buf[k + 2])] & 2 != 0 {
                        percent = true
                    }
                    k += 1
                }
                if percent, k - i >= minLength, k - i <= maxSegment {
                    out.append(Segment(range: i..<k, encoding: .percent))
                    i = k
                    continue
                }
            }
            let length = j - i
            if length >= minLength, end - i <= maxSegment, i > 0 ? cls[Int(buf[i - 1])] & 1 == 0 : true {
                if allHex && length % 2 == 0 {
                    out.append(Segment(range: i..<j, encoding: .hex))
                } else if !allHex, kinds & (8 | 16 | 32) == 8 | 16 | 32 {
                    out.append(Segment(range: i..<end, encoding: .base64))
                }
            }
            i = max(end, i + 1)
        }
        return out
    }

    /// 0x80 in each byte of `x` that is not a base64 character (class 1: letters, digits, `+/-_`), else 0.
    /// Each test adds to bytes of at most 0x7F, so no carry crosses into the next byte.
    @inline(__always)
    static func nonBase64(_ x: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101, high = 0x80 &* ones, low7 = 0x7F &* ones
        let y = x & low7, z = y | (0x20 &* ones)
        let letter = (z &+ 0x1F &* ones) & ~(z &+ 0x05 &* ones)  // 0x61 <= z <= 0x7A
        let digit = (y &+ 0x50 &* ones) & ~(y &+ 0x46 &* ones)  // 0x30 <= y <= 0x39
        @inline(__always) func equal(_ c: UInt64) -> UInt64 {
            let t = y ^ (c &* ones)
            return ~((t &+ low7) | t)
        }
        let member = (letter | digit | equal(0x2B) | equal(0x2F) | equal(0x2D) | equal(0x5F)) & ~x & high
        return ~member & high
    }

    /// The decoded bytes when they are text (printable ASCII or UTF-8, tabs and line breaks), else nil.
    static func decode(_ bytes: UnsafeBufferPointer<UInt8>, _ encoding: Encoding) -> [UInt8]? {
        let out: [UInt8]?
        switch encoding {
        case .base64: out = base64(bytes)
        case .hex: out = hex(bytes)
        case .percent: out = percentDecoded(bytes)
        }
        guard let out, out.count >= 8, isText(out) else { return nil }
        return out
    }

    /// Text: no NUL or other control bytes but tab and line breaks, and at most a tenth of bytes above 0x7F.
    static func isText(_ b: [UInt8]) -> Bool {
        var high = 0
        for x in b {
            if x < 0x20 && x != 9 && x != 10 && x != 13 { return false }
            if x == 0x7F { return false }
            if x >= 0x80 { high += 1 }
        }
        return high * 10 <= b.count
    }

    private static let base64Values: [UInt8] = {
        var t = [UInt8](repeating: 255, count: 256)
        for (i, c) in "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        t[Int(UInt8(ascii: "-"))] = 62
        t[Int(UInt8(ascii: "_"))] = 63
        return t
    }()

    /// Standard or URL-safe base64, padded or not. Stops (nil) at the first byte that is not base64 text,
    /// and gives up early when the first 48 decoded bytes are not text.
    static func base64(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard textStart(s, bitsPerChar: 6, value: { base64Values[Int($0)] }) else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(s.count * 3 / 4)
        var acc: UInt32 = 0, bits = 0
        for c in s {
            if c == UInt8(ascii: "=") { break }
            let v = base64Values[Int(c)]
            guard v != 255 else { return nil }
            acc = acc << 6 | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
                if out.count == 48, !isText(out) { return nil }
            }
        }
        return out
    }

    /// Whether the first 48 bytes that `s` decodes to (`bitsPerChar` bits a character) can start text, read
    /// without allocating: false at a control byte, or at a fifth byte above 0x7F (more than a tenth of 48,
    /// which `isText` refuses). Most runs of base64 or hex letters in code are identifiers, digests and
    /// random keys, whose first bytes are not text: they are dropped here, before the decoded copy is made.
    @inline(__always)
    private static func textStart(_ s: UnsafeBufferPointer<UInt8>, bitsPerChar: Int, value: (UInt8) -> UInt8) -> Bool {
        var acc: UInt32 = 0, bits = 0, produced = 0, high = 0
        for c in s {
            if c == UInt8(ascii: "=") { break }
            let v = value(c)
            guard v != 255 else { return true }  // the full decode says what this is
            acc = (acc << UInt32(bitsPerChar) | UInt32(v)) & 0xFFFF
            bits += bitsPerChar
            if bits >= 8 {
                bits -= 8
                let x = UInt8(truncatingIfNeeded: acc >> UInt32(bits))
                if (x < 0x20 && x != 9 && x != 10 && x != 13) || x == 0x7F { return false }
                if x >= 0x80 {
                    high += 1
                    if high > 4 { return false }
                }
                produced += 1
                if produced == 48 { return true }
            }
        }
        return true
    }

    private static let hexValues: [UInt8] = {
        var t = [UInt8](repeating: 255, count: 256)
        for (i, c) in "0123456789abcdef".utf8.enumerated() { t[Int(c)] = UInt8(i) }
        for (i, c) in "ABCDEF".utf8.enumerated() { t[Int(c)] = UInt8(10 + i) }
        return t
    }()

    static func hex(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        guard s.count < 6 || textStart(s, bitsPerChar: 4, value: { hexValues[Int($0)] }) else { return nil }
        func v(_ c: UInt8) -> UInt8? {
            switch c {
            case 48...57: c - 48
            case 97...102: c - 87
            case 65...70: c - 55
            default: nil
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(s.count / 2)
        var i = 0
        while i + 1 < s.count {
            guard let hi = v(s[i]), let lo = v(s[i + 1]) else { return nil }
            out.append(hi << 4 | lo)
            if out.count == 48, !isText(out) { return nil }
            i += 2
        }
        return out
    }

    /// `%XX` escapes decoded, `+` kept (it is a space only in form bodies, and secrets hold `+`).
    static func percentDecoded(_ s: UnsafeBufferPointer<UInt8>) -> [UInt8]? {
        var out: [UInt8] = []
        out.reserveCapacity(s.count)
        var i = 0
        while i < s.count {
            if s[i] == UInt8(ascii: "%"), i + 2 < s.count, let h = hex(UnsafeBufferPointer(rebasing: s[(i + 1)...(i + 2)])) {
                out += h
                i += 3
            } else {
                out.append(s[i])
                i += 1
            }
        }
        return out
    }
}
