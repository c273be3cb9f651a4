import Glibc

/// Reads files in bounded chunks and scans them. One per thread; its buffer is reused for every file, so
/// memory stays at one chunk per thread whatever the file sizes.
///
/// A file larger than a chunk is scanned in overlapping pieces: each piece also sees `overlap` bytes of
/// its neighbours, and only reports secrets that start in its own part, so nothing is lost or doubled.
final class FileScanner {
    let scanner: BufferScanner
    let chunk: Int
    let overlap: Int
    private let buffer: UnsafeMutablePointer<UInt8>
    private let capacity: Int
    var stats = ScanStats()

    init(engine: SecretEngine, chunk: Int = 8 << 20, overlap: Int = 64 << 10) {
        scanner = BufferScanner(engine: engine)
        self.chunk = chunk
        self.overlap = overlap
        capacity = chunk + 2 * overlap
        buffer = .allocate(capacity: capacity)
    }

    deinit { buffer.deallocate() }

    /// Scans the file at `absolute`, reported as `path`. Problems are counted, never thrown.
    func scanFile(absolute: String, path: String, maxSize: Int) -> [SecretHit] {
        let fd = open(absolute, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK)
        guard fd >= 0 else {
            if errno == ENOENT || errno == ENOTDIR { stats.vanished += 1; stats.warn("vanished", path) } else {
                stats.unreadable += 1
                stats.warn("unreadable", path)
            }
            return []
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return [] }
        if Int(st.st_size) > maxSize { stats.tooLarge += 1; return [] }
        guard scanner.begin(path: path) else { stats.allowlistedFiles += 1; return [] }

        var hits: [SecretHit] = []
        var cursor = LineCursor()
        var base = 0, filled = 0, reportFrom = 0
        var first = true, validUTF8 = true
        while true {
            var eof = false
            while filled < capacity {
                let n = read(fd, buffer + filled, capacity - filled)
                if n < 0 {
                    if errno == EINTR { continue }
                    stats.unreadable += 1
                    stats.warn("unreadable", path)
                    return hits
                }
                if n == 0 { eof = true; break }
                filled += n
            }
            let view = UnsafeBufferPointer(start: buffer, count: filled)
            if first {
                first = false
                if memchr(buffer, 0, min(filled, 8000)) != nil { stats.binary += 1; return [] }
            }
            let reportTo = eof ? base + filled : base + filled - overlap
            if validUTF8 { validUTF8 = UTF8Check.valid(view, from: reportFrom - base, to: reportTo - base) }
            // Decoded secrets come after the plain ones: sort, because the line cursor only moves forward.
            let found = scanner.scan(view, report: (reportFrom - base)..<(reportTo - base), path: path, commit: nil)
                .sorted { $0.secret.lowerBound < $1.secret.lowerBound }
            for h in found { hits.append(locate(h, view, base: base, path: path, cursor: &cursor, commit: nil)) }
            if eof {
                stats.bytes += base + filled
                break
            }
            // Lines are counted up to the boundary only when another piece follows (and needs them).
            cursor.advance(to: reportTo, in: view, base: base)
            // Keep `overlap` bytes before the boundary as context for the next piece, and what follows it.
            let keep = reportTo - overlap - base
            memmove(buffer, buffer + keep, filled - keep)
            base += keep
            filled -= keep
            reportFrom = reportTo
        }
        stats.files += 1
        if !validUTF8 { stats.nonUTF8 += 1; stats.warn("nonUTF8", path) }
        stats.regexLimit = scanner.regexLimitHits
        stats.decoded = scanner.decodedHits
        return hits
    }

    /// Scans an in-memory buffer whose lines map to `lineNumbers`.
    func scanText(_ bytes: [UInt8], path: String, lineNumbers: [Int], commit: String?) -> [SecretHit] {
        scanHunk(bytes, path: path, lineNumbers: lineNumbers, added: Array(repeating: true, count: lineNumbers.count),
                 commit: commit)
    }

    /// Scans a diff hunk (added lines and their context), keeping only the secrets that touch an added
    /// line: a secret that lies wholly in the context did not change in this commit.
    func scanHunk(_ bytes: [UInt8], path: String, lineNumbers: [Int], added: [Bool], commit: String?) -> [SecretHit] {
        guard scanner.begin(path: path) else { return [] }
        return bytes.withUnsafeBufferPointer { view in
            var cursor = LineCursor()
            let found = scanner.scan(view, report: 0..<view.count, path: path, commit: commit)
                .sorted { $0.secret.lowerBound < $1.secret.lowerBound }
            var out: [SecretHit] = []
            for h in found {
                var hit = locate(h, view, base: 0, path: path, cursor: &cursor, commit: commit)
                // A decoded secret stands for its whole encoded stretch.
                let span = h.decoded == nil ? h.secret : h.match
                let first = hit.line - 1
                let last = min(first + Self.lineFeeds(view, span), added.count - 1)
                guard first < added.count, added[first...max(first, last)].contains(true) else { continue }
                hit.line = lineNumbers[first]
                out.append(hit)
            }
            stats.regexLimit = scanner.regexLimitHits
            stats.decoded = scanner.decodedHits
            return out
        }
    }

    private static func lineFeeds(_ view: UnsafeBufferPointer<UInt8>, _ r: Range<Int>) -> Int {
        var n = 0
        for i in r where view[i] == 10 { n += 1 }
        return n
    }

    private func locate(_ h: BufferHit, _ view: UnsafeBufferPointer<UInt8>, base: Int, path: String,
                        cursor: inout LineCursor, commit: String?) -> SecretHit {
        cursor.advance(to: base + h.secret.lowerBound, in: view, base: base)
        var hit = (h.decoded?.secret ?? Array(view[h.secret])).withUnsafeBufferPointer { secret in
            SecretHit(rule: h.rule, path: path, line: cursor.line, column: cursor.column + 1,
                      value: SecretValue(secret), preview: SecretHit.preview(secret), commit: commit)
        }
        hit.decoded = h.decoded?.description
        hit.inlineIgnored = ignored(h, view, base: base, cursor: cursor)
        return hit
    }

    /// Markers on the first or last line of the secret, or `gate:allow-next-line` on the line before it.
    private func ignored(_ h: BufferHit, _ view: UnsafeBufferPointer<UInt8>, base: Int, cursor: LineCursor) -> Bool {
        guard let p = view.baseAddress else { return false }
        let reach = InlineIgnore.reach
        let lineStart = max(0, cursor.lineStart - base)
        let start = max(lineStart, h.secret.lowerBound - reach)
        let firstLineEnd = BufferScanner.lineEnd(p, h.secret.lowerBound, ceiling: min(view.count, h.secret.upperBound + reach))
        if InlineIgnore.allowsSameLine(UnsafeBufferPointer(rebasing: view[start..<firstLineEnd])) { return true }
        if firstLineEnd < h.secret.upperBound {
            let end = BufferScanner.lineEnd(p, h.secret.upperBound, ceiling: min(view.count, h.secret.upperBound + reach))
            let lastStart = max(BufferScanner.lineStart(p, h.secret.upperBound, floor: firstLineEnd), h.secret.upperBound - reach)
            if InlineIgnore.allowsSameLine(UnsafeBufferPointer(rebasing: view[lastStart..<end])) { return true }
        }
        if cursor.previousLineStart >= base, lineStart > 0 {
            let prevStart = max(cursor.previousLineStart - base, lineStart - 1 - reach)
            if InlineIgnore.allowsNextLine(UnsafeBufferPointer(rebasing: view[prevStart..<(lineStart - 1)])) { return true }
        }
        return false
    }
}
