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
        while i < end {
            guard let nl = memchr(p + i, 10, end - i) else { break }
            let at = p.distance(to: nl.assumingMemoryBound(to: UInt8.self))
            line += 1
            previousLineStart = lineStart
            lineStart = base + at + 1
            column = 0
            i = at + 1
        }
        // Code points in the tail of the current line: every byte that is not a UTF-8 continuation byte.
        var j = max(i, lineStart - base)
        while j < end {
            if p[j] & 0xC0 != 0x80 { column += 1 }
            j += 1
        }
        offset = target
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
