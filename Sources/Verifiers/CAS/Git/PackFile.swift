import ContentHash

#if canImport(Glibc)
import Glibc
#endif

/// An open `.pack`, read with pread(2) so that many workers share one descriptor. Reading, not
/// mapping: a mapped pack's pages count toward the process's resident size, and a pack can be
/// larger than the memory budget.
final class PackFile: @unchecked Sendable {
    let path: String
    let fd: Int32
    let size: Int
    let stat: FileStat

    init(path: String) throws(GitReadError) {
        let fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw GitReadError(path: path, errno: errno) }
        guard let st = FileStat.of(fd: fd), st.isRegularFile else {
            close(fd)
            throw GitReadError(path: path, reason: "not a regular file")
        }
        self.path = path
        self.fd = fd
        size = Int(st.size)
        stat = st
    }

    deinit { close(fd) }

    /// Reads exactly `count` bytes at `offset` into `into`.
    func read(_ offset: Int, _ count: Int, into: UnsafeMutableRawPointer) throws(GitReadError) {
        var done = 0
        while done < count {
            let n = pread(fd, into + done, count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            if n < 0 { throw GitReadError(path: path, errno: errno) }
            if n == 0 { throw GitReadError(path: path, reason: "ends at \(offset + done) bytes, before the \(offset + count) it should have") }
            done += n
        }
    }

    func bytes(_ offset: Int, _ count: Int) throws(GitReadError) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: count)
        var failure: GitReadError?
        out.withUnsafeMutableBytes { b in
            do throws(GitReadError) { try read(offset, count, into: b.baseAddress!) } catch { failure = error }
        }
        if let failure { throw failure }
        return out
    }

    /// The hash of everything before the trailer.
    func contentHash(_ algorithm: HashAlgorithm, buffer: UnsafeMutableRawBufferPointer,
                     cancelled: () -> Bool) throws(GitReadError) -> [UInt8] {
        let hasher = StreamingHasher(algorithm)
        let end = size - algorithm.digestLength
        var offset = 0
        while offset < end {
            if cancelled() { break }
            let n = min(buffer.count, end - offset)
            try read(offset, n, into: buffer.baseAddress!)
            hasher.update(UnsafeRawBufferPointer(start: buffer.baseAddress, count: n))
            offset += n
        }
        return hasher.finalize().bytes
    }
}

/// A growable scratch buffer owned by one worker.
final class ScratchBuffer {
    private(set) var pointer: UnsafeMutableRawPointer
    private(set) var capacity: Int

    init(_ capacity: Int) {
        self.capacity = max(capacity, 64)
        pointer = .allocate(byteCount: self.capacity, alignment: 16)
    }

    deinit { pointer.deallocate() }

    /// At least `count` bytes; the old content is not kept.
    func reserve(_ count: Int) -> UnsafeMutableRawPointer {
        if count > capacity {
            pointer.deallocate()
            capacity = max(count, capacity * 2)
            pointer = .allocate(byteCount: capacity, alignment: 16)
        }
        return pointer
    }

    /// Gives up memory after an unusually large object.
    func shrink(to limit: Int) {
        if capacity > limit {
            pointer.deallocate()
            capacity = limit
            pointer = .allocate(byteCount: capacity, alignment: 16)
        }
    }
}

/// An inflated object held as a delta base; freed when the last reference goes.
final class ObjectBuffer: @unchecked Sendable {
    let pointer: UnsafeMutableRawPointer
    let count: Int

    init(count: Int) {
        self.count = count
        pointer = .allocate(byteCount: count + 1, alignment: 16)
    }

    deinit { pointer.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: pointer, count: count) }
}
