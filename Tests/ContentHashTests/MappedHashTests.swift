import Foundation
import GateTestSupport
import Testing

@testable import ContentHash

/// The mmap path survives a file that is shorter than its mapping (what a concurrent truncation causes).
@Suite struct MappedHashTests {
    @Test func truncationDuringHashingIsReportedNotFatal() throws {
        let dir = try TempDir("mapped")
        defer { dir.remove() }
        let path = dir.file("object")
        try Data(repeating: 0x5A, count: 1 << 20).write(to: URL(fileURLWithPath: path))
        let fd = open(path, O_RDONLY)
        defer { close(fd) }
        let hasher = FileHasher(mmapThreshold: 1 << 20)
        // Claim the file is 4 MiB: pages past its real end raise SIGBUS when touched.
        #expect(throws: FileHasher.Failure.changed(path: path)) {
            _ = try hasher.hash(fd: fd, size: 4 << 20, path: path, algorithm: .xxh3_128)
        }
        // The hasher (and the process) still work afterwards, and the mapped digest matches a streamed one.
        let mapped = try hasher.hash(path: path, algorithm: .xxh3_128)
        let streamed = try FileHasher(mmapThreshold: 0).hash(path: path, algorithm: .xxh3_128)
        #expect(mapped == streamed)
        #expect(mapped.size == 1 << 20)
    }

    @Test func shaNeverTakesTheMappedPath() throws {
        let dir = try TempDir("mapped-sha")
        defer { dir.remove() }
        let path = dir.file("object")
        try Data(repeating: 1, count: 2 << 20).write(to: URL(fileURLWithPath: path))
        let r = try FileHasher(mmapThreshold: 1).hash(path: path, algorithm: .sha256)
        #expect(r.digest.hex == ContentHash.hash([UInt8](repeating: 1, count: 2 << 20), .sha256).hex)
    }
}
