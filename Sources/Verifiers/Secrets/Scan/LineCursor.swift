import Glibc

/// Line and column bookkeeping that only moves forward, so that positions of many hits in one huge line
/// (a minified bundle) cost one pass over the bytes, and chunks of a large file can be dropped once read.
struct LineCursor {
    /// Absolute offset up to which bytes have been counted.
    private(set) var offset = 0
    /// 1-based line at `offset`.
    private(set) var line = 1
    /// Code points between the start of the line and `offset`.
    private(set) var column = 0
    /// Absolute offsets where the current and the previous line start (-1 when unknown).
    private(set) var lineStart = 0
    private(set) var previousLineStart = -1

    /// Counts bytes up to `target`. `buffer` holds the file's bytes from absolute offset `base`, and must
    /// contain `offset..<target`.
    mutating func advance(to target: Int, in buffer: UnsafeBufferPointer<UInt8>, base: Int) {
        guard target > offset, let p = buffer.baseAddress else { return }
        var i = offset - base
        let end = target - base
        // Line feeds are counted eight bytes at a time; only the last two need finding (a memchr per line
        // cost a tenth of a scan of short-lined files).
        let feeds = Self.lineFeeds(p, from: i, to: end)
        if feeds > 0 {
            let last = Self.lastLineFeed(p, before: end, floor: i)
            previousLineStart = feeds > 1 ? base + Self.lastLineFeed(p, before: last, floor: i) + 1 : lineStart
            lineStart = base + last + 1
            line += feeds
            column = 0
            i = last + 1
        }
        // Code points in the tail of the current line: every byte that is not a UTF-8 continuation byte.
        var j = max(i, lineStart - base)
        while j < end {
            if p[j] & 0xC0 != 0x80 { column += 1 }
            j += 1
        }
        offset = target
    }

    /// The number of line feeds in `p[from..<to]`.
    static func lineFeeds(_ p: UnsafePointer<UInt8>, from: Int, to: Int) -> Int {
        var i = from, count = 0
        let raw = UnsafeRawPointer(p)
        while i + 8 <= to {
            // A byte of `x` is zero where the input byte is a line feed; the high bit of each byte of `z`
            // is set exactly there (no carry crosses bytes: each sum is at most 0xFE).
            let x = raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) ^ 0x0A0A_0A0A_0A0A_0A0A
            let z = ~(((x & 0x7F7F_7F7F_7F7F_7F7F) &+ 0x7F7F_7F7F_7F7F_7F7F) | x | 0x7F7F_7F7F_7F7F_7F7F)
            count &+= z.nonzeroBitCount
            i += 8
        }
        while i < to {
            if p[i] == 10 { count += 1 }
            i += 1
        }
        return count
    }

    /// The offset of the last line feed before `before`, not before `floor` (the caller knows there is one).
    static func lastLineFeed(_ p: UnsafePointer<UInt8>, before: Int, floor: Int) -> Int {
        var j = before - 1
        while j > floor, p[j] != 10 { j -= 1 }
        return j
    }
}

/// Inline suppression markers. A marker on the secret's line (or on the line before, for
/// `gate:allow-next-line`) suppresses the finding unless `inline-ignores: false`. Only the part of a line
/// near the secret is searched, so a megabyte-long minified line costs no more than a short one.
enum InlineIgnore {
    static let sameLine: [[UInt8]] = ["gate:allow", "gitleaks:allow", "pragma: allowlist secret", "trufflehog:ignore"]
        .map { Array($0.utf8) }
    static let nextLine = Array("gate:allow-next-line".utf8)
    static let nextSuffix = Array("-next-line".utf8)
    /// How far from the secret a marker may sit on the same line.
    static let reach = 1024

    /// Whether `line` carries a same-line marker. `gate:allow-next-line` does not allow its own line.
    static func allowsSameLine(_ line: UnsafeBufferPointer<UInt8>) -> Bool {
        for marker in sameLine {
            var from = 0
            while let at = find(line, marker, from: from) {
                let after = at + marker.count
                if marker == sameLine[0], line.count - after >= nextSuffix.count,
                   line[after..<(after + nextSuffix.count)].elementsEqual(nextSuffix) {
                    from = at + 1
                    continue
                }
                return true
            }
        }
        return false
    }

    static func allowsNextLine(_ previous: UnsafeBufferPointer<UInt8>) -> Bool {
        find(previous, nextLine, from: 0) != nil
    }

    private static func find(_ hay: UnsafeBufferPointer<UInt8>, _ needle: [UInt8], from: Int) -> Int? {
        guard hay.count >= needle.count, from <= hay.count - needle.count else { return nil }
        var i = from
        let last = hay.count - needle.count
        while i <= last {
            if hay[i] == needle[0] {
                var k = 1
                while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                if k == needle.count { return i }
            }
            i += 1
        }
        return nil
    }
}
