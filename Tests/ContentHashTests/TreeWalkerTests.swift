import ContentHash
import Foundation
import GateTestSupport
import Testing

final class Recorder: TreeVisitor {
    var paths: [String] = []
    var finishedDirectories: [String] = []
    func visit(_ entry: WalkEntry, in directory: WalkDirectory) { paths.append(entry.path) }
    func finishedDirectory(_ directory: WalkDirectory) { finishedDirectories.append(directory.relativePath) }
}

@Suite struct TreeWalkerTests {
    @Test func visitsEveryFileOnceAcrossWorkersAndChunks() async throws {
        let dir = try TempDir("walk")
        defer { dir.remove() }
        var files: [String: String] = [:]
        for i in 0..<1500 { files["flat/f\(i)"] = "" }
        for i in 0..<40 { files["deep/d\(i % 5)/e\(i)"] = "" }
        files["top"] = ""
        try dir.write(files)
        let walker = TreeWalker(root: dir.path, threads: 3, chunkSize: 64, descend: { $0 != "deep/d4" })
        let (visitors, issues) = try await walker.walk { _ in Recorder() }
        let all = visitors.flatMap(\.paths).sorted()
        #expect(issues.isEmpty)
        #expect(all.count == Set(all).count)
        #expect(all == files.keys.filter { !$0.hasPrefix("deep/d4/") }.sorted())
        let finished = visitors.flatMap(\.finishedDirectories).sorted()
        #expect(finished == ["", "deep", "deep/d0", "deep/d1", "deep/d2", "deep/d3", "flat"])
    }

    @Test func symlinksNeverLeaveTheRootAndLoopsAreReported() async throws {
        let dir = try TempDir("walk-links")
        defer { dir.remove() }
        let outside = try TempDir("walk-outside")
        defer { outside.remove() }
        try outside.write(["o": "x"])
        try dir.write(["a/file": "x"])
        #expect(symlink(outside.path, dir.file("out-dir")) == 0)
        #expect(symlink(outside.file("o"), dir.file("out-file")) == 0)
        #expect(symlink("..", dir.file("a/up")) == 0)
        #expect(symlink("file", dir.file("a/alias")) == 0)
        let (visitors, issues) = try await TreeWalker(root: dir.path, threads: 2).walk { _ in Recorder() }
        #expect(visitors.flatMap(\.paths).sorted() == ["a/alias", "a/file"])
        #expect(issues == [.symlinkLoop(path: "a/up", target: ".."),
                           .symlinkOutsideRoot(path: "out-dir", target: outside.path),
                           .symlinkOutsideRoot(path: "out-file", target: outside.file("o"))])
    }
}

@Suite struct FileHasherTests {
    /// Sizes around the buffer and the mmap threshold, against the one-shot hash of the same bytes.
    @Test func everyStrategyAgreesWithTheOneShotHash() throws {
        let dir = try TempDir("hasher")
        defer { dir.remove() }
        let hasher = FileHasher(bufferSize: 4096, mmapThreshold: 16384)
        for size in [0, 1, 4095, 4096, 4097, 16383, 16384, 100_000] {
            let bytes = (0..<size).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) }
            let path = dir.file("f\(size)")
            #expect(FileManager.default.createFile(atPath: path, contents: Data(bytes)))
            for algorithm in [HashAlgorithm.xxh3_128, .xxh3_64, .sha256] {
                let r = try hasher.hash(path: path, algorithm: algorithm)
                #expect(r.size == size)
                #expect(r.digest == ContentHash.hash(bytes, algorithm), "size \(size) \(algorithm)")
                let fd = open(dir.path, O_RDONLY | O_DIRECTORY)
                defer { close(fd) }
                let (at, st) = try hasher.hash(at: fd, name: "f\(size)", path: path, algorithm: algorithm)
                #expect(at == r)
                #expect(st.size == Int64(size))
            }
        }
    }

    /// The canonical big-endian hex that `xxhsum -H2` prints.
    @Test func xxh128MatchesXxhsum() {
        #expect(ContentHash.hash("a\n", .xxh3_128).hex == "5c73e7e3dcbb0395e841f27363849a18")
    }
}
