import CMappedHash
import CXXHash

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Hashes files through one buffer that the hasher owns and reuses. Create one per worker; it is not safe
/// to share between threads.
///
/// Small files take one read(2) into the buffer and one XXH3 call (no streaming state); larger ones stream
/// through the same 256 KiB buffer, which stays in the CPU cache between the copy and the hash. With
/// `mmapThreshold` set, files of at least that size are mapped with mmap(2) and hashed in place instead,
/// in C under a SIGBUS guard, so a file truncated meanwhile is reported as changed instead of killing
/// gate (XXH3 only). Reads are the default because they measured faster on a warm page cache
/// (Benchmarks/cas runs a C loop both ways: 17 GB/s read, 10 GB/s mapped on 2 cores).
public final class FileHasher {
    public enum Failure: Error, Equatable, Sendable {
        /// open(2) or read(2) failed; `errno` is kept for the message.
        case io(path: String, errno: Int32)
        /// The file shrank while it was being hashed (another process truncated or rewrote it).
        case changed(path: String)

        public var message: String {
            switch self {
            case .io(let path, let code): "'\(path)': \(String(cString: strerror(code)))"
            case .changed(let path): "'\(path)' changed while it was being hashed; run again once writers are done"
            }
        }
    }

    /// What hashing a file produced.
    public struct Result: Sendable, Equatable {
        public let digest: Digest
        public let size: Int

        public init(digest: Digest, size: Int) {
            self.digest = digest
            self.size = size
        }
    }

    private let buffer: UnsafeMutableRawBufferPointer
    /// Files at least this large are hashed through mmap(2); 0 turns mapping off.
    public var mmapThreshold: Int

    /// - Parameter bufferSize: the read size; 256 KiB measured well for both small and large files.
    /// - Parameter mmapThreshold: 0 (the default) reads every file. Mapping measured faster once and 1.65x
    ///   slower later on the same machine (hashing through 4 KiB page mappings costs TLB misses that a read
    ///   into a cache-sized buffer does not), so reads are the default; see docs/performance.md.
    public init(bufferSize: Int = 256 * 1024, mmapThreshold: Int = 0) {
        buffer = .allocate(byteCount: bufferSize, alignment: 64)
        self.mmapThreshold = mmapThreshold
    }

    deinit { buffer.deallocate() }

    /// Hashes the whole file at `path`.
    public func hash(path: String, algorithm: HashAlgorithm) throws(Failure) -> Result {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw .io(path: path, errno: errno) }
        defer { close(fd) }
        return try hash(fd: fd, path: path, algorithm: algorithm)
    }

    /// Hashes `name` in the open directory `directoryFD` (openat(2): no path walk from the root), and
    /// returns the file's stat as read from the open descriptor, for caches. `path` is for messages.
    public func hash(at directoryFD: Int32, name: String, path: String,
                     algorithm: HashAlgorithm) throws(Failure) -> (result: Result, stat: FileStat) {
        let fd = openat(directoryFD, name, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw .io(path: path, errno: errno) }
        defer { close(fd) }
        guard let st = FileStat.of(fd: fd) else { throw .io(path: path, errno: errno) }
        return (try hash(fd: fd, size: Int(st.size), path: path, algorithm: algorithm), st)
    }

    /// Hashes from an open descriptor until EOF.
    public func hash(fd: Int32, path: String, algorithm: HashAlgorithm) throws(Failure) -> Result {
        let size = FileStat.of(fd: fd).map { $0.isRegularFile ? Int($0.size) : -1 } ?? -1
        return try hash(fd: fd, size: size, path: path, algorithm: algorithm)
    }

    /// `size` is what fstat(2) said (-1 when unknown); it only picks the strategy, EOF decides the result.
    func hash(fd: Int32, size: Int, path: String, algorithm: HashAlgorithm) throws(Failure) -> Result {
        if mmapThreshold > 0 && size >= mmapThreshold, let r = try mapped(fd: fd, size: size, path: path, algorithm: algorithm) {
            return r
        }
        var first = 0
        if size >= 0 && size < buffer.count {
            first = try readSome(fd, path: path)
            // A short read that returns exactly the stat size is EOF for a regular file: skip the extra
            // read(2) that would return 0, which matters at hundreds of thousands of files per second.
            if first == size {
                return Result(digest: ContentHash.hash(UnsafeRawBufferPointer(rebasing: buffer[0..<first]), algorithm),
                              size: first)
            }
        }
        let hasher = StreamingHasher(algorithm)
        hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<first]))
        var total = first
        while true {
            let n = try readSome(fd, path: path)
            if n == 0 { break }
            hasher.update(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            total += n
        }
        return Result(digest: hasher.finalize(), size: total)
    }

    private func readSome(_ fd: Int32, path: String) throws(Failure) -> Int {
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n >= 0 { return n }
            if errno != EINTR { throw .io(path: path, errno: errno) }
        }
    }

    /// Nil when the file cannot be mapped (a pipe, a special file system) or the algorithm is not XXH3;
    /// the caller then reads it.
    private func mapped(fd: Int32, size: Int, path: String, algorithm: HashAlgorithm) throws(Failure) -> Result? {
        guard algorithm == .xxh3_64 || algorithm == .xxh3_128 else { return nil }
        var out = [UInt8](repeating: 0, count: 16)
        let wide: Int32 = algorithm == .xxh3_128 ? 1 : 0
        switch gate_xxh3_mapped(fd, size, wide, &out) {
        case 0: return Result(digest: Digest(algorithm: algorithm, bytes: Array(out.prefix(algorithm.digestLength))), size: size)
        case 1: throw .changed(path: path)
        default: return nil
        }
    }
}
