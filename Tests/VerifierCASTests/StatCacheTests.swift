import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

@Suite struct StatCacheTests {
    @Test func unchangedObjectsAreSkippedAndFullHashesAgain() async throws {
        let dir = try TempDir("cas-cache")
        defer { dir.remove() }
        try dir.write(["format": "gate-cas 1\n"])
        for i in 0..<50 { try CASHarness.putNative(dir, "object \(i)\n") }
        let first = try await CASHarness.run(dir.path)
        #expect(CASHarness.stat(first, "skippedByCache") == 0)
        #expect(FileManager.default.fileExists(atPath: dir.file(".gate/cas-cache.sqlite")))
        let second = try await CASHarness.run(dir.path)
        #expect(CASHarness.stat(second, "skippedByCache") == 50)
        #expect(CASHarness.stat(second, "bytesHashed") == 0)
        let full = try await CASHarness.run(dir.path, ["full": true])
        #expect(CASHarness.stat(full, "skippedByCache") == 0)
        #expect(CASHarness.stat(full, "objects") == 50)
        let off = try await CASHarness.run(dir.path, ["cache": false])
        #expect(CASHarness.stat(off, "skippedByCache") == 0)
    }

    /// A directory whose rows partly stand (hits kept by reference) and partly change (new objects, removed
    /// ones): the next run hashes only the new objects, and the run after that hashes nothing.
    @Test func addedAndRemovedObjectsUpdateOnlyTheirRecords() async throws {
        let dir = try TempDir("cas-cache-merge")
        defer { dir.remove() }
        try dir.write(["format": "gate-cas 1\n"])
        var paths: [String] = []
        for i in 0..<40 { paths.append(try CASHarness.putNative(dir, "kept \(i)\n")) }
        _ = try await CASHarness.run(dir.path)
        for p in paths.prefix(2) { #expect(unlink(dir.file(p)) == 0) }
        for i in 0..<3 { _ = try CASHarness.putNative(dir, "added \(i)\n") }
        let changed = try await CASHarness.run(dir.path)
        #expect(changed.findings.isEmpty)
        #expect(CASHarness.stat(changed, "objects") == 41)
        #expect(CASHarness.stat(changed, "skippedByCache") == 38)
        let settled = try await CASHarness.run(dir.path)
        #expect(CASHarness.stat(settled, "skippedByCache") == 41)
        #expect(CASHarness.stat(settled, "bytesHashed") == 0)
    }

    /// The write keeps the size and puts the mtime back; only the ctime (and, after a rename, the inode)
    /// can tell. The cache must not vouch for the object.
    @Test func sameSizeChangeWithRewoundMtimeIsCaught() async throws {
        let dir = try TempDir("cas-cache-mtime")
        defer { dir.remove() }
        try dir.write(["format": "gate-cas 1\n"])
        let path = dir.file(try CASHarness.putNative(dir, "the original bytes\n"))
        var before = stat()
        #expect(lstat(path, &before) == 0)
        let warm = try await CASHarness.run(dir.path)
        #expect(warm.findings.isEmpty)
        #expect(CASHarness.stat(try await CASHarness.run(dir.path), "skippedByCache") == 1)

        try CASHarness.overwrite(path, at: 4, with: UInt8(ascii: "O"))
        var times = [before.st_atim, before.st_mtim]
        #expect(utimensat(AT_FDCWD, path, &times, 0) == 0)
        var after = stat()
        #expect(lstat(path, &after) == 0)
        #expect(after.st_size == before.st_size && after.st_mtim.tv_nsec == before.st_mtim.tv_nsec
                && after.st_mtim.tv_sec == before.st_mtim.tv_sec)

        let o = try await CASHarness.run(dir.path)
        #expect(o.findings.map(\.rule) == ["cas/hash-mismatch"])
        #expect(CASHarness.stat(o, "skippedByCache") == 0)
    }

    @Test func aReplacedFileWithTheSameStatTimesIsCaughtByItsInode() async throws {
        let dir = try TempDir("cas-cache-inode")
        defer { dir.remove() }
        try dir.write(["format": "gate-cas 1\n"])
        let rel = try CASHarness.putNative(dir, "first\n")
        _ = try await CASHarness.run(dir.path)
        try dir.write(["replacement": "firsT\n"])
        #expect(rename(dir.file("replacement"), dir.file(rel)) == 0)
        let o = try await CASHarness.run(dir.path)
        #expect(o.findings.map(\.rule) == ["cas/hash-mismatch"])
    }

    @Test func segmentsPackAndFindRecords() {
        var raw: [UInt8] = []
        for (ino, name) in [(9, "b"), (3, "a"), (9, "a")] {
            let s = FileStat(device: 1, inode: UInt64(ino), size: 5, mtimeNs: 7, ctimeNs: 8, mode: 0o100644)
            CacheSegment.append(to: &raw, nameHash: ContentHash.xxh3_64(name), stat: s, digest: [UInt8](repeating: UInt8(ino), count: 4), length: 4)
        }
        let seg = CacheSegment(bytes: CacheSegment.pack(raw, recordSize: 52), digestLength: 4)
        #expect(seg.count == 3)
        let i = seg.find(inode: 9, nameHash: ContentHash.xxh3_64("a"))
        #expect(i != nil)
        #expect(seg.find(inode: 4, nameHash: ContentHash.xxh3_64("a")) == nil)
        let s = FileStat(device: 1, inode: 9, size: 5, mtimeNs: 7, ctimeNs: 8, mode: 0)
        #expect(seg.matches(i!, s))
        #expect(!seg.matches(i!, FileStat(device: 1, inode: 9, size: 5, mtimeNs: 7, ctimeNs: 9, mode: 0)))
    }
}
