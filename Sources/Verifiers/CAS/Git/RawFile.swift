import ContentHash
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// A whole small file (a pack index, a reverse index, the index) read once into memory it owns, so hot
/// loops read it through a stable pointer. Immutable after `init`, hence Sendable.
final class RawFile: @unchecked Sendable {
    let base: UnsafeRawPointer
    let count: Int
    let stat: FileStat?

    /// Reads `path`; files over `limit` bytes are refused (git caps its own index files far lower).
    init(path: String, limit: Int = 1 << 34) throws(GitReadError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw GitReadError(path: path, errno: errno) }
        defer { close(fd) }
        guard let st = FileStat.of(fd: fd), st.isRegularFile else { throw GitReadError(path: path, reason: "not a regular file") }
        guard st.size <= limit else { throw GitReadError(path: path, reason: "\(st.size) bytes is more than gate reads (\(limit))") }
        let size = Int(st.size)
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(size, 1), alignment: 16)
        var done = 0
        while done < size {
            let n = pread(fd, buffer + done, size - done, off_t(done))
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                let code = n < 0 ? errno : EIO
                buffer.deallocate()
                throw GitReadError(path: path, errno: code)
            }
            done += n
        }
        base = UnsafeRawPointer(buffer)
        count = size
        stat = st
    }

    /// Takes ownership of memory allocated with `UnsafeMutableRawPointer.allocate(byteCount:alignment:)`.
    init(owning pointer: UnsafeMutableRawPointer, count: Int) {
        base = UnsafeRawPointer(pointer)
        self.count = count
        stat = nil
    }

    /// For tests and fuzzing: the file is these bytes.
    init(bytes: [UInt8]) {
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(bytes.count, 1), alignment: 16)
        bytes.withUnsafeBytes { if let b = $0.baseAddress { buffer.copyMemory(from: b, byteCount: bytes.count) } }
        base = UnsafeRawPointer(buffer)
        count = bytes.count
        stat = nil
    }

    deinit { UnsafeMutableRawPointer(mutating: base).deallocate() }

    var buffer: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: count) }

    @inline(__always)
    func u32(_ offset: Int) -> UInt32 { UInt32(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt32.self)) }

    @inline(__always)
    func u64(_ offset: Int) -> UInt64 { UInt64(bigEndian: base.loadUnaligned(fromByteOffset: offset, as: UInt64.self)) }

    func bytes(_ offset: Int, _ length: Int) -> [UInt8] {
        Array(UnsafeRawBufferPointer(start: base + offset, count: length))
    }

    /// The hash of everything but the last `length` bytes, compared with those bytes.
    func trailerMatches(_ algorithm: HashAlgorithm) -> (ok: Bool, actual: String, stored: String) {
        let length = algorithm.digestLength
        guard count >= length else { return (false, "", "") }
        let digest = ContentHash.hash(UnsafeRawBufferPointer(start: base, count: count - length), algorithm)
        let stored = bytes(count - length, length)
        return (digest.bytes == stored, digest.hex, Hex.encode(stored))
    }
}

extension RawFile {
    /// A regular file's size and its first `count` bytes (fewer when it is shorter), without reading the
    /// rest: for headers that decide whether the whole file is worth reading. Nil when it cannot be opened.
    static func head(path: String, count: Int) -> (size: Int, bytes: [UInt8])? {
        guard case .success(let f) = BoundedFile.openRegular(path) else { return nil }
        defer { close(f.fd) }
        var b = [UInt8](repeating: 0, count: count)
        let got = b.withUnsafeMutableBytes { pread(f.fd, $0.baseAddress!, count, 0) }
        return (f.size, Array(b.prefix(max(0, got))))
    }

    /// `trailerMatches` without holding the file: the hash of all but the last digest's bytes, read in 1 MiB
    /// pieces, compared with those bytes. For files that are read whole only once they are known to be
    /// intact: a sparse commit-graph of 3 GB (no disk) took gate to 3 GB resident before its checksum
    /// was looked at, where git rejects it from a few pages.
    static func streamedTrailerMatches(path: String, algorithm: HashAlgorithm, limit: Int = 1 << 34)
        throws(GitReadError) -> (ok: Bool, actual: String, stored: String) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw GitReadError(path: path, errno: errno) }
        defer { close(fd) }
        guard let st = FileStat.of(fd: fd), st.isRegularFile else { throw GitReadError(path: path, reason: "not a regular file") }
        guard st.size <= limit else { throw GitReadError(path: path, reason: "\(st.size) bytes is more than gate reads (\(limit))") }
        let size = Int(st.size), width = algorithm.digestLength
        guard size >= width else { return (false, "", "") }
        let chunk = 1 << 20
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: chunk, alignment: 16)
        defer { buffer.deallocate() }
        func fill(_ at: Int, _ n: Int) throws(GitReadError) {
            var done = 0
            while done < n {
                let got = pread(fd, buffer + done, n - done, off_t(at + done))
                if got < 0 && errno == EINTR { continue }
                guard got > 0 else { throw GitReadError(path: path, errno: got < 0 ? errno : EIO) }
                done += got
            }
        }
        let hasher = StreamingHasher(algorithm)
        var at = 0
        while at < size - width {
            let n = min(chunk, size - width - at)
            try fill(at, n)
            hasher.update(UnsafeRawBufferPointer(start: buffer, count: n))
            at += n
        }
        try fill(size - width, width)
        let stored = Array(UnsafeRawBufferPointer(start: buffer, count: width))
        let digest = hasher.finalize()
        return (digest.bytes == stored, digest.hex, Hex.encode(stored))
    }
}

/// A file gate could not read, with the reason.
struct GitReadError: Error, Sendable, CustomStringConvertible {
    let path: String
    let reason: String

    init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    init(path: String, errno code: Int32) {
        self.init(path: path, reason: String(cString: strerror(code)))
    }

    var description: String { reason }
}
