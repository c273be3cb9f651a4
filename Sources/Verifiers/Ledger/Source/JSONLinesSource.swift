import Foundation
import GateCore

/// JSON Lines files, read in order with plain `read(2)` into chunk buffers: memory stays at a few chunks
/// and one record whatever the file's size, and a line longer than `max-record-bytes` is skipped unread.
struct JSONLinesSource: LedgerSource {
    let files: [String]
    let root: String
    let patterns: [String]

    init(patterns: [String], root: String) throws(VerifierError) {
        self.patterns = patterns
        self.root = root
        files = try SourceFiles.resolve(patterns, root: root)
    }

    var description: String {
        files.count == 1 ? PathUtil.relative(files[0], to: root)
            : "\(patterns.joined(separator: ", ")) (\(files.count) files)"
    }

    var isTable: Bool { false }

    func partName(_ part: Int) -> String { PathUtil.relative(files[part], to: root) }

    func part(named name: String?, key: String?) -> Int? {
        files.firstIndex { PathUtil.relative($0, to: root) == name }
    }

    func reaches(part: Int, end: Int64) -> Bool {
        var st = stat()
        return stat(files[part], &st) == 0 && Int64(st.st_size) >= end
    }

    func read(from resume: ResumePoint?, chunkBytes: Int, maxRecordBytes: Int, batch: Int,
              _ body: ([LineChunk]) throws -> Bool) throws {
        var pending: [LineChunk] = []
        var stopped = false
        func emit(_ chunk: LineChunk) throws {
            pending.append(chunk)
            if pending.count >= batch {
                stopped = try !body(pending)
                pending.removeAll(keepingCapacity: true)
            }
        }
        for part in (resume?.part ?? 0)..<files.count where !stopped {
            let fd = open(files[part], O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else {
                throw VerifierError("cannot open '\(partName(part))': \(String(cString: strerror(errno)))")
            }
            defer { close(fd) }
            var reader = ChunkReader(fd: fd, part: part, start: part == resume?.part ? resume!.offset : 0,
                                     chunkBytes: chunkBytes, maxRecordBytes: maxRecordBytes, name: partName(part))
            while !stopped, let chunk = try reader.next() { try emit(chunk) }
        }
        if !stopped && !pending.isEmpty { _ = try body(pending) }
    }

    /// Reads across file boundaries: the record before a rotated file's first line is the previous file's last.
    func window(part: Int, offset: Int64, key: String?, before: Int, after: Int, maxRecordBytes: Int) throws
        -> (lines: [(bytes: [UInt8], part: Int)], at: Int) {
        var back: [(bytes: [UInt8], part: Int)] = []
        var p = part, end = offset
        while back.count < before && p >= 0 {
            back = lines(part: p, before: end, want: before - back.count).map { ($0, p) } + back
            p -= 1
            if p >= 0 { end = size(p) }
        }
        var ahead: [(bytes: [UInt8], part: Int)] = []
        p = part
        var start = offset
        while ahead.count < after + 1 && p < files.count {
            ahead += lines(part: p, from: start, want: after + 1 - ahead.count, maxRecordBytes: maxRecordBytes).map { ($0, p) }
            p += 1
            start = 0
        }
        return (back + ahead, back.count)
    }

    private func size(_ part: Int) -> Int64 {
        var st = stat()
        return stat(files[part], &st) == 0 ? Int64(st.st_size) : 0
    }

    /// Up to `want` whole lines ending at `end` (within the 1 MiB before it).
    private func lines(part: Int, before end: Int64, want: Int) -> [[UInt8]] {
        guard end > 0, want > 0 else { return [] }
        let fd = open(files[part], O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        let start = max(0, end - (1 << 20))
        let block = Self.pread(fd, at: start, count: Int(end - start))
        var lines = block.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if lines.last?.isEmpty == true { lines.removeLast() }
        if start > 0 && !lines.isEmpty { lines.removeFirst() }
        return Array(lines.suffix(want))
    }

    /// Up to `want` whole lines from `start`.
    private func lines(part: Int, from start: Int64, want: Int, maxRecordBytes: Int) -> [[UInt8]] {
        let fd = open(files[part], O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        let count = max(1 << 20, min(maxRecordBytes, 64 << 20))
        let block = Self.pread(fd, at: start, count: count)
        var lines = block.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
        if block.count == count && lines.count > 1 { lines.removeLast() }
        if lines.last?.isEmpty == true { lines.removeLast() }
        return Array(lines.prefix(want))
    }

    static func pread(_ fd: Int32, at offset: Int64, count: Int) -> [UInt8] {
        guard count > 0 else { return [] }
        return [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            var done = 0
            while done < count {
                let n = Foundation.pread(fd, buffer.baseAddress! + done, count - done, off_t(offset) + off_t(done))
                if n <= 0 { break }
                done += n
            }
            initialized = done
        }
    }
}

/// Cuts one file into chunks of whole lines. A line without a final newline (the last one) is still a
/// line; a line longer than the limit becomes an `oversized` chunk and is skipped without buffering it.
struct ChunkReader {
    let fd: Int32
    let part: Int
    let chunkBytes: Int
    let maxRecordBytes: Int
    let name: String
    private var carry: [UInt8] = []
    /// File offset of `carry[0]`.
    private var carryOffset: Int64
    private var skippingFrom: Int64?
    private var eof = false

    init(fd: Int32, part: Int, start: Int64, chunkBytes: Int, maxRecordBytes: Int, name: String) {
        self.fd = fd
        self.part = part
        self.chunkBytes = chunkBytes
        self.maxRecordBytes = maxRecordBytes
        self.name = name
        carryOffset = start
        lseek(fd, off_t(start), SEEK_SET)
    }

    static func lastNewline(_ buffer: [UInt8]) -> Int? {
        // From the end: the last line of a chunk is short, so this stops early.
        buffer.withUnsafeBufferPointer { b in
            var i = b.count - 1
            while i >= 0 {
                if b[i] == 0x0A { return i }
                i -= 1
            }
            return nil
        }
    }

    mutating func next() throws -> LineChunk? {
        while !eof {
            // Uninitialised capacity: the read fills it (zero-filling 4 MiB first cost seconds in debug builds).
            let have = carry.count
            var readError: Int32 = 0
            var buffer = [UInt8](unsafeUninitializedCapacity: have + chunkBytes) { raw, initialized in
                if have > 0 { carry.withUnsafeBufferPointer { raw.baseAddress!.initialize(from: $0.baseAddress!, count: have) } }
                var done = 0
                while done < chunkBytes {
                    let n = Foundation.read(fd, raw.baseAddress! + have + done, chunkBytes - done)
                    if n < 0 && errno == EINTR { continue }
                    if n < 0 { readError = errno; break }
                    if n == 0 { break }
                    done += n
                }
                initialized = have + done
            }
            carry = []
            let got = readError != 0 ? -1 : buffer.count - have
            if got < 0 { throw VerifierError("cannot read '\(name)': \(String(cString: strerror(readError)))") }
            if got == 0 { eof = true }
            if let from = skippingFrom {
                guard let nl = buffer.withUnsafeBufferPointer({ b in
                    b.baseAddress.flatMap { memchr($0, 0x0A, b.count) }.map { UnsafePointer($0.assumingMemoryBound(to: UInt8.self)) - b.baseAddress! }
                }) else {
                    carryOffset += Int64(buffer.count)
                    if eof { skippingFrom = nil; return LineChunk(body: .oversized(length: carryOffset - from), part: part, offset: from) }
                    continue
                }
                let end = carryOffset + Int64(nl)
                carry = Array(buffer[(nl + 1)...])
                carryOffset = end + 1
                skippingFrom = nil
                return LineChunk(body: .oversized(length: end - from), part: part, offset: from)
            }
            if let last = Self.lastNewline(buffer) {
                let offset = carryOffset
                carry = Array(buffer[(last + 1)...])
                carryOffset += Int64(last + 1)
                buffer.removeLast(buffer.count - last - 1)
                return LineChunk(body: .lines(buffer), part: part, offset: offset)
            }
            if eof {
                guard !buffer.isEmpty else { return nil }
                buffer.append(0x0A)
                return LineChunk(body: .lines(buffer), part: part, offset: carryOffset)
            }
            if buffer.count > maxRecordBytes {
                skippingFrom = carryOffset
                carryOffset += Int64(buffer.count)
                continue
            }
            carry = buffer
        }
        return nil
    }
}
