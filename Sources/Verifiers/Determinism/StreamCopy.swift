import ContentHash
import Foundation
import GateCore

/// Copies and hashes in one pass through a fixed buffer: outputs are never loaded whole.
enum StreamCopy {
    static let algorithm = HashAlgorithm.xxh3_128
    static let chunk = 256 * 1024

    struct Hashed: Sendable, Equatable {
        var digest: Digest
        var size: Int
    }

    struct Failure: Error, CustomStringConvertible {
        let description: String
        init(_ what: String, _ path: String, _ code: Int32 = errno) {
            description = "cannot \(what) '\(path)': \(String(cString: strerror(code)))"
        }
    }

    /// Hashes a file in place.
    static func hash(_ path: String) throws -> Hashed {
        do {
            let r = try FileHasher(bufferSize: chunk).hash(path: path, algorithm: algorithm)
            return Hashed(digest: r.digest, size: r.size)
        } catch {
            throw VerifierError("cannot read \(error.message)")
        }
    }

    /// Copies `source` to `destination` (creating directories) and returns the digest of the bytes.
    static func copy(from source: String, to destination: String) throws -> Hashed {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Failure("read", source) }
        defer { close(input) }
        let output = try create(destination)
        defer { close(output) }
        let hasher = StreamingHasher(algorithm)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 64)
        defer { buffer.deallocate() }
        var total = 0
        while true {
            let n = read(input, buffer.baseAddress, chunk)
            if n < 0 { if errno == EINTR { continue }; throw Failure("read", source) }
            if n == 0 { break }
            let part = UnsafeRawBufferPointer(rebasing: buffer[0..<n])
            hasher.update(part)
            try writeAll(output, part, destination)
            total += n
        }
        return Hashed(digest: hasher.finalize(), size: total)
    }

    /// Rewrites a text file line by line through `transform`, hashing what it writes.
    static func transformLines(from source: String, to destination: String,
                               _ transform: (String) -> String) throws -> Hashed {
        let input = open(source, O_RDONLY | O_CLOEXEC)
        guard input >= 0 else { throw Failure("read", source) }
        defer { close(input) }
        let output = try create(destination)
        defer { close(output) }
        let hasher = StreamingHasher(algorithm)
        var pending: [UInt8] = []
        var total = 0
        var buffer = [UInt8](repeating: 0, count: chunk)
        func emit(_ line: ArraySlice<UInt8>, newline: Bool) throws {
            var text = transform(String(decoding: line, as: UTF8.self))
            if newline { text += "\n" }
            var bytes = Array(text.utf8)
            total += bytes.count
            try bytes.withUnsafeMutableBytes { raw in
                hasher.update(UnsafeRawBufferPointer(raw))
                try writeAll(output, UnsafeRawBufferPointer(raw), destination)
            }
        }
        while true {
            let n = buffer.withUnsafeMutableBytes { read(input, $0.baseAddress, chunk) }
            if n < 0 { if errno == EINTR { continue }; throw Failure("read", source) }
            if n == 0 { break }
            pending.append(contentsOf: buffer[0..<n])
            var start = 0
            while let nl = pending[start...].firstIndex(of: 0x0A) {
                try emit(pending[start..<nl], newline: true)
                start = nl + 1
            }
            pending.removeFirst(start)
        }
        if !pending.isEmpty { try emit(pending[...], newline: false) }
        return Hashed(digest: hasher.finalize(), size: total)
    }

    /// Writes a small artifact (a manifest, a report) without the fsync an atomic write pays for: these
    /// are for inspection, rewritten every run, and a run writes several.
    static func writeArtifact(_ text: String, to path: String) throws {
        let fd = try create(path)
        defer { close(fd) }
        var bytes = Array(text.utf8)
        try bytes.withUnsafeMutableBytes { try writeAll(fd, UnsafeRawBufferPointer($0), path) }
    }

    private static func create(_ path: String) throws -> Int32 {
        try? AtomicFile.makeDirectory(PathUtil.dirname(path))
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
        guard fd >= 0 else { throw Failure("write", path) }
        return fd
    }

    private static func writeAll(_ fd: Int32, _ bytes: UnsafeRawBufferPointer, _ path: String) throws {
        var offset = 0
        while offset < bytes.count {
            let n = write(fd, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 { if errno == EINTR { continue }; throw Failure("write", path) }
            offset += n
        }
    }
}

/// Text or binary, the way git decides: a NUL byte in the first 8 KiB means binary.
enum BinarySniff {
    static func isBinary(path: String) -> Bool {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, 8192) }
        return n > 0 && buffer[0..<n].contains(0)
    }
}
