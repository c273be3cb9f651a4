import ContentHash
import Foundation
import GateCore

/// A checksum manifest as a compact index, so that a manifest of a million lines costs about 24 MB, like
/// the native store's own bookkeeping, instead of its text, an entry per line and a dictionary of paths.
///
/// The manifest is read once in 64 KiB pieces. Each good line leaves one 24-byte slot: the XXH3-64 of its
/// path, where the line is in the file, and its line number; the slots are sorted by hash. A lookup hashes
/// the path, reads the candidate lines back from the file (pread) and parses them again, so the paths and
/// digests themselves are never held. A line-sized bit set records which entries the scan met.
final class ChecksumIndex: @unchecked Sendable {
    struct Slot {
        var hash: UInt64
        var offset: Int64
        var length: UInt32
        var line: UInt32
    }

    private let fd: Int32
    private let algorithm: HashAlgorithm?
    private let slots: [Slot]
    private let seen: Locked<[UInt64]>
    /// The algorithms the good lines use, sorted.
    let algorithms: [String]
    /// Lines that do not parse, as `cas/bad-manifest` findings.
    let problems: FindingCollector

    var count: Int { slots.count }

    /// The longest line read (a path is at most 4 KiB on Linux; a digest at most 128 hex characters).
    static let maxLine = 64 << 10

    /// Reads and indexes the manifest at `path`; `display` names it in findings. Throws when it cannot be
    /// read or is not UTF-8.
    init(path: String, display: String, algorithm: HashAlgorithm?) throws(VerifierError) {
        let unreadable = VerifierError("cannot read the checksum manifest '\(display)'; check 'manifest'")
        fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw unreadable }
        self.algorithm = algorithm
        guard var read = Self.read(fd, display: display, algorithm: algorithm) else {
            close(fd)
            throw unreadable
        }
        // By hash, and by position among equal hashes: the last line for a path wins, as it always has.
        // Sorted in place: a sorted copy would hold the slots twice.
        var sorted = read.slots
        read.slots = []
        sorted.sort { $0.hash != $1.hash ? $0.hash < $1.hash : $0.offset < $1.offset }
        slots = sorted
        algorithms = read.algorithms.sorted()
        problems = read.problems
        seen = Locked([UInt64](repeating: 0, count: (slots.count + 63) / 64))
    }

    /// One pass over the manifest in 64 KiB pieces: a slot per good line, a finding per bad one. Nil when
    /// it cannot be read or is not UTF-8.
    private static func read(_ fd: Int32, display: String, algorithm: HashAlgorithm?)
        -> (slots: [Slot], algorithms: Set<String>, problems: FindingCollector)? {
        var slots: [Slot] = []
        var problems = FindingCollector()
        var algorithms: Set<String> = []
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        var line: [UInt8] = []
        var lineStart: Int64 = 0, position: Int64 = 0, lineNo = 0
        var invalid = false, tooLong = false

        func finish() {
            lineNo += 1
            defer { tooLong = false }
            if tooLong {
                problems.append(CASFindings.badManifest(path: display, line: lineNo,
                                                        problem: "a line longer than \(maxLine >> 10) KiB"))
                return
            }
            var bytes = line[...]
            if bytes.last == 0x0D { bytes = bytes.dropLast() }
            guard let text = String(validating: bytes, as: UTF8.self) else { invalid = true; return }
            let trimmed = text.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty || trimmed.hasPrefix("#") { return }
            switch ChecksumManifest.parseLine(Substring(text), algorithm: algorithm) {
            case .success(let e):
                algorithms.insert(e.algorithm.rawValue)
                slots.append(Slot(hash: ContentHash.xxh3_64(e.path), offset: lineStart, length: UInt32(clamping: line.count),
                                  line: UInt32(clamping: lineNo)))
            case .failure(let p):
                problems.append(CASFindings.badManifest(path: display, line: lineNo, problem: p.message))
            }
        }

        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress!, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return nil }
            if n == 0 { break }
            var start = 0
            func take(_ end: Int) {
                if line.count + (end - start) > maxLine { tooLong = true; line.removeAll(keepingCapacity: true) }
                if !tooLong { line += buffer[start..<end] }
            }
            for i in 0..<n where buffer[i] == 0x0A {
                take(i)
                finish()
                line.removeAll(keepingCapacity: true)
                lineStart = position + Int64(i) + 1
                start = i + 1
            }
            take(n)
            position += Int64(n)
            if invalid { return nil }
        }
        if !line.isEmpty || tooLong { finish() }
        return invalid ? nil : (slots, algorithms, problems)
    }

    deinit { close(fd) }

    /// The entry for `path` (the last line naming it), marked as met.
    func lookup(_ path: String) -> ChecksumManifest.Entry? {
        let hash = ContentHash.xxh3_64(path)
        var low = 0, high = slots.count
        while low < high {
            let mid = (low + high) / 2
            if slots[mid].hash < hash { low = mid + 1 } else { high = mid }
        }
        var i = low
        while i < slots.count && slots[i].hash == hash { i += 1 }
        // Equal hashes from the last line back.
        while i > low {
            i -= 1
            if let e = entry(at: i), e.path == path {
                let index = i
                seen.withLock { $0[index / 64] |= 1 << UInt64(index % 64) }
                return e
            }
        }
        return nil
    }

    /// Calls `body` for each entry the scan did not meet, reading them back one at a time.
    func forEachUnmet(_ body: (ChecksumManifest.Entry) -> Void) {
        let bits = seen.withLock { $0 }
        for i in slots.indices where bits[i / 64] & (1 << UInt64(i % 64)) == 0 {
            if let e = entry(at: i) { body(e) }
        }
    }

    /// The entry of slot `i`, read back from the manifest.
    private func entry(at i: Int) -> ChecksumManifest.Entry? {
        let s = slots[i]
        var bytes = [UInt8](repeating: 0, count: Int(s.length))
        var got = 0
        while got < bytes.count {
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress! + got, $0.count - got, off_t(s.offset) + off_t(got)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return nil }
            got += n
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        guard case .success(var e) = ChecksumManifest.parseLine(Substring(String(decoding: bytes, as: UTF8.self)),
                                                                algorithm: algorithm) else { return nil }
        e.line = Int(s.line)
        return e
    }
}
