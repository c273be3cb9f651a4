import Foundation

/// Where two files first differ, found by streaming both through fixed buffers.
struct FirstDifference: Sendable, Equatable {
    /// Byte offset of the first difference (or the shorter file's size when one is a prefix of the other).
    var offset: Int
    /// 1-based line and byte column of `offset`.
    var line: Int
    var column: Int
    /// Offset where that line starts, and where the diff context (three lines earlier) starts.
    var lineStart: Int
    var contextStart: Int
    var contextLine: Int
    var sizeA: Int
    var sizeB: Int
}

enum ByteCompare {
    static let chunk = 256 * 1024

    /// nil when the files are byte-identical.
    static func first(_ a: String, _ b: String) throws -> FirstDifference? {
        let fa = open(a, O_RDONLY | O_CLOEXEC), fb = open(b, O_RDONLY | O_CLOEXEC)
        defer { if fa >= 0 { close(fa) }; if fb >= 0 { close(fb) } }
        guard fa >= 0 else { throw StreamCopy.Failure("read", a) }
        guard fb >= 0 else { throw StreamCopy.Failure("read", b) }
        let ba = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        let bb = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { ba.deallocate(); bb.deallocate() }
        var base = 0
        var newlines = 0
        var recent: [Int] = []  // offsets of the last four newlines
        while true {
            let na = readFull(fa, ba), nb = readFull(fb, bb)
            let m = min(na, nb)
            var same = m
            if memcmp(ba.baseAddress!, bb.baseAddress!, m) != 0 {
                same = 0
                while ba[same] == bb[same] { same += 1 }
            }
            // Count lines in the equal part.
            var i = 0
            while i < same, let hit = memchr(ba.baseAddress! + i, 0x0A, same - i) {
                let at = hit - UnsafeMutableRawPointer(ba.baseAddress!)
                newlines += 1
                recent.append(base + at)
                if recent.count > 4 { recent.removeFirst() }
                i = at + 1
            }
            if same < m || na != nb {
                let offset = base + same
                let lineStart = recent.last.map { $0 + 1 } ?? 0
                let contextStart = newlines >= 4 ? recent[recent.count - 4] + 1 : 0
                let sizeA = FileInfo.size(a) ?? 0, sizeB = FileInfo.size(b) ?? 0
                return FirstDifference(offset: offset, line: newlines + 1, column: offset - lineStart + 1,
                                       lineStart: lineStart, contextStart: contextStart,
                                       contextLine: max(1, newlines + 1 - 3), sizeA: sizeA, sizeB: sizeB)
            }
            if na == 0 { return nil }
            base += na
        }
    }

    /// Reads until the buffer is full or the file ends.
    private static func readFull(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) -> Int {
        var filled = 0
        while filled < buffer.count {
            let n = read(fd, buffer.baseAddress! + filled, buffer.count - filled)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            filled += n
        }
        return filled
    }

    /// Up to `count` bytes at `offset`.
    static func bytes(_ path: String, at offset: Int, count: Int) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0, count > 0 else { return [] }
        defer { close(fd) }
        var out = [UInt8](repeating: 0, count: count)
        let n = out.withUnsafeMutableBytes { pread(fd, $0.baseAddress, count, off_t(offset)) }
        return n > 0 ? Array(out[0..<n]) : []
    }

    /// Lines starting at `offset`: at most `maxLines` and `maxBytes`. `complete` is false when cut short.
    static func lines(_ path: String, from offset: Int, maxLines: Int, maxBytes: Int = 64 * 1024)
        -> (lines: [String], complete: Bool) {
        let raw = bytes(path, at: offset, count: maxBytes)
        var lines = raw.split(separator: 0x0A, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
        var complete = raw.count < maxBytes
        if complete, lines.last == "" { lines.removeLast() } else if !complete { lines.removeLast() }
        if lines.count > maxLines { lines = Array(lines.prefix(maxLines)); complete = false }
        return (lines, complete)
    }
}
