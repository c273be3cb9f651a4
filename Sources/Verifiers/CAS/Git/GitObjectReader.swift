import ContentHash
import CZlib
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// Inflates git loose objects with the system zlib and hashes what comes out: `<type> <size>\0` then the
/// content, which is exactly what git hashes to name the object. One per worker (it owns its buffers).
final class GitObjectReader {
    private let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    private let output = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 * 1024, alignment: 16)

    deinit {
        input.deallocate()
        output.deallocate()
    }

    func verify(directoryFD: Int32, name: String, path: String,
                algorithm: HashAlgorithm) throws(FileHasher.Failure) -> HashOutcome {
        let fd = openat(directoryFD, name, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw .io(path: path, errno: errno) }
        defer { close(fd) }
        let st = FileStat.of(fd: fd)
        var stream = z_stream()
        guard inflateInit_(&stream, zlibVersion(), Int32(MemoryLayout<z_stream>.size)) == Z_OK else {
            throw .io(path: path, errno: ENOMEM)
        }
        defer { inflateEnd(&stream) }
        let hasher = StreamingHasher(algorithm)
        var header: [UInt8] = []
        var headerDone = false
        var contentBytes = 0
        var compressed = 0
        var status = Z_OK
        var problem: String?
        reading: while status != Z_STREAM_END {
            let n = read(fd, input.baseAddress, input.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, errno: errno)
            }
            if n == 0 { problem = "the zlib stream ends early (truncated)"; break }
            compressed += n
            stream.next_in = input.baseAddress!.assumingMemoryBound(to: Bytef.self)
            stream.avail_in = uInt(n)
            repeat {
                stream.next_out = output.baseAddress!.assumingMemoryBound(to: Bytef.self)
                stream.avail_out = uInt(output.count)
                status = inflate(&stream, Z_NO_FLUSH)
                if status != Z_OK && status != Z_STREAM_END && status != Z_BUF_ERROR {
                    let reason = stream.msg.map { String(cString: $0) } ?? String(cString: zError(status))
                    problem = "the zlib stream is corrupt (\(reason))"
                    break reading
                }
                let produced = output.count - Int(stream.avail_out)
                var chunk = UnsafeRawBufferPointer(rebasing: output[0..<produced])
                hasher.update(chunk)
                if !headerDone {
                    if let nul = chunk.firstIndex(of: 0) {
                        header += chunk[0..<nul]
                        headerDone = true
                        chunk = UnsafeRawBufferPointer(rebasing: chunk[(nul + 1)...])
                    } else {
                        header += chunk
                        if header.count > 64 { problem = "no object header"; break reading }
                        chunk = UnsafeRawBufferPointer(rebasing: chunk[chunk.count...])
                    }
                }
                contentBytes += chunk.count
            } while stream.avail_out == 0 && status == Z_OK
        }
        if problem == nil, stream.avail_in > 0 || (status == Z_STREAM_END && Self.hasMore(fd)) {
            problem = "trailing bytes after the zlib stream"
        }
        let digest = hasher.finalize()
        var outcome = HashOutcome(actual: digest, size: compressed, hashedBytes: compressed, stat: st)
        let declared = Self.parseHeader(header)
        if let problem {
            outcome.problem = { p in CASFindings.hashMismatch(path: p, expected: Self.expectedName(path), actual: "(\(problem))",
                                                              algorithm: algorithm) }
        } else if declared == nil {
            let text = String(decoding: header.prefix(40), as: UTF8.self)
            outcome.problem = { p in CASFindings.hashMismatch(path: p, expected: Self.expectedName(path),
                                                              actual: "(bad object header '\(text)')", algorithm: algorithm) }
        } else if let d = declared, d.size != contentBytes {
            let hex = digest.hex
            let actual = contentBytes
            outcome.problem = { p in CASFindings.sizeMismatch(path: p, expected: d.size, actual: actual, digest: hex,
                                                              what: "its '\(d.type)' header") }
        }
        return outcome
    }

    private static func hasMore(_ fd: Int32) -> Bool {
        var byte: UInt8 = 0
        return read(fd, &byte, 1) > 0
    }

    /// `objects/ab/cdef...` → `abcdef...`.
    static func expectedName(_ path: String) -> String {
        let parts = path.split(separator: "/")
        guard parts.count >= 2 else { return path }
        return String(parts[parts.count - 2]) + String(parts[parts.count - 1])
    }

    static let types: Set<String> = ["blob", "tree", "commit", "tag"]

    static func parseHeader(_ header: [UInt8]) -> (type: String, size: Int)? {
        guard let space = header.firstIndex(of: 32) else { return nil }
        let type = String(decoding: header[..<space], as: UTF8.self)
        let digits = header[(space + 1)...]
        guard types.contains(type), !digits.isEmpty, digits.allSatisfy({ $0 >= 48 && $0 <= 57 }),
            let size = Int(String(decoding: digits, as: UTF8.self)) else { return nil }
        return (type, size)
    }
}

/// Verifies files that end with the hash of everything before them: git's .pack and .idx.
final class TrailerReader {
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1 << 20, alignment: 64)

    deinit { buffer.deallocate() }

    func verify(directoryFD: Int32, name: String, path: String,
                algorithm: HashAlgorithm) throws(FileHasher.Failure) -> HashOutcome {
        let fd = openat(directoryFD, name, O_RDONLY | O_CLOEXEC | O_NOCTTY)
        guard fd >= 0 else { throw .io(path: path, errno: errno) }
        defer { close(fd) }
        guard let st = FileStat.of(fd: fd) else { throw .io(path: path, errno: errno) }
        let length = algorithm.digestLength
        let size = Int(st.size)
        let hasher = StreamingHasher(algorithm)
        var tail: [UInt8] = []
        var offset = 0
        while true {
            let n = read(fd, buffer.baseAddress, buffer.count)
            if n < 0 {
                if errno == EINTR { continue }
                throw .io(path: path, errno: errno)
            }
            if n == 0 { break }
            // Hash everything except the last `length` bytes of the file, which are kept as the trailer.
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            let hashable = max(0, min(n, size - length - offset))
            hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<hashable]))
            tail += chunk[hashable...]
            offset += n
        }
        var outcome = HashOutcome(actual: hasher.finalize(), size: offset, hashedBytes: offset, stat: st)
        if offset < length * 2 || tail.count != length {
            let count = offset
            outcome.problem = { p in CASFindings.sizeMismatch(path: p, expected: length * 2, actual: count, digest: nil,
                                                              what: "the smallest valid file") }
            return outcome
        }
        outcome.embedded = Hex.encode(tail)
        if name.hasSuffix(".idx"), offset >= 2 * length {
            // The idx ends with the pack's checksum, then its own.
            outcome.indexedPack = try packChecksum(fd: fd, at: offset - 2 * length, length: length, path: path)
        }
        return outcome
    }

    private func packChecksum(fd: Int32, at offset: Int, length: Int, path: String) throws(FileHasher.Failure) -> String {
        var bytes = [UInt8](repeating: 0, count: length)
        let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, length, off_t(offset)) }
        guard n == length else { throw .io(path: path, errno: n < 0 ? errno : EIO) }
        return Hex.encode(bytes)
    }
}
