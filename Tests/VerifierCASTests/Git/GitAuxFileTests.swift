import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

/// The files beside the packs: reverse indexes, bitmaps, the multi-pack-index and the commit-graph,
/// written by git, then damaged with their checksums resealed so that only their content can tell.
@Suite struct GitAuxFileTests {
    func withEverything(_ format: String = "sha1") async throws -> GitFixture {
        let f = try await GitFixture.make(format, commits: 4)
        try await f.git("-c", "pack.writeReverseIndex=true", "repack", "-q", "-adb")
        try await f.git("multi-pack-index", "write")
        try await f.git("commit-graph", "write", "--reachable")
        return f
    }

    /// Recomputes a file's trailing checksum after its content changed.
    static func reseal(_ path: String, _ algorithm: HashAlgorithm) throws {
        let w = algorithm.digestLength
        var b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
        b.replaceSubrange((b.count - w)..., with: ContentHash.hash(Array(b[..<(b.count - w)]), algorithm).bytes)
        try Data(b).write(to: URL(fileURLWithPath: path))
    }

    @Test(arguments: GitFsckParityTests.formats)
    func everyAuxiliaryFileChecksOutOnAHealthyRepository(format: String) async throws {
        let f = try await withEverything(format)
        defer { f.remove() }
        #expect(try !f.packs(".rev").isEmpty && !f.packs(".bitmap").isEmpty)
        #expect(FileManager.default.fileExists(atPath: f.path + "/.git/objects/pack/multi-pack-index"))
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck())
        #expect(o.summary.contains("commit-graph") && o.summary.contains("bitmaps"), "\(o.summary)")
    }

    @Test func aCommitGraphThatLiesAboutATreeFails() async throws {
        let f = try await withEverything()
        defer { f.remove() }
        let path = f.path + "/.git/objects/info/commit-graph"
        // The CDAT chunk starts with the first commit's tree id: change one byte of it.
        let file = try RawFile(path: path)
        let chunks = Int(file.bytes(6, 1)[0])
        var cdat = 0
        for i in 0..<chunks where file.bytes(8 + 12 * i, 4) == Array("CDAT".utf8) { cdat = Int(file.u64(8 + 12 * i + 4)) }
        #expect(cdat > 0)
        try GitFixture.flip(path, at: cdat + 3)
        try Self.reseal(path, .sha1)
        // builtin/fsck.c runs `git commit-graph verify`: "root tree OID for commit ... is ...", ERROR_COMMIT_GRAPH.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck())
        #expect(o.findings.contains { $0.path == ".git/objects/info/commit-graph" }, "\(o.findings.map(\.message))")
    }

    @Test func aMultiPackIndexWithAWrongOffsetFails() async throws {
        let f = try await withEverything()
        defer { f.remove() }
        let path = f.path + "/.git/objects/pack/multi-pack-index"
        let file = try RawFile(path: path)
        let chunks = Int(file.bytes(6, 1)[0])
        var ooff = 0
        for i in 0..<chunks where file.bytes(12 + 12 * i, 4) == Array("OOFF".utf8) { ooff = Int(file.u64(12 + 12 * i + 4)) }
        #expect(ooff > 0)
        try GitFixture.flip(path, at: ooff + 7)  // the low byte of the first object's offset
        try Self.reseal(path, .sha1)
        // builtin/fsck.c runs `git multi-pack-index verify`: "incorrect object offset", ERROR_MULTI_PACK_INDEX.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck())
        #expect(o.findings.contains { $0.path == ".git/objects/pack/multi-pack-index" }, "\(o.findings.map(\.message))")
    }

    /// A chunk offset of 2^63 or more in the table of contents of the commit-graph and of the
    /// multi-pack-index (checksums resealed): a finding on each file from the built binary. gate converted
    /// the offset to Int before comparing it with the file's size, and trapped.
    @Test func aChunkOffsetBeyondAnyFileIsAFindingNotACrash() async throws {
        let f = try await withEverything()
        defer { f.remove() }
        let files = [(".git/objects/info/commit-graph", 8), (".git/objects/pack/multi-pack-index", 12)]
        for (name, header) in files {
            let path = f.path + "/" + name
            chmod(path, 0o644)
            var b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            b[header + 4] |= 0x80  // the top bit of the first chunk's 64-bit offset
            try Data(b).write(to: URL(fileURLWithPath: path))
            try Self.reseal(path, .sha1)
        }
        let r = try await Exec.gate(["check", "cas", ".", "--set", "layout=git", "--set", "cache=false", "-v"], cwd: f.path)
        #expect(r.code == 1 && r.signal == nil, "exit \(r.code): \(r.stdout)\(r.stderr)")
        for (name, _) in files {
            #expect(r.stdout.contains(name) && r.stdout.contains("at offset 92233720368547"), "\(name): \(r.stdout)")
        }
        #expect(r.stdout.contains("improper chunk offset"), "\(r.stdout)")
    }

    @Test func aReverseIndexOutOfOrderIsReported() async throws {
        let f = try await withEverything()
        defer { f.remove() }
        let rev = try f.packs(".rev")[0]
        chmod(rev, 0o644)
        var b = [UInt8](try Data(contentsOf: URL(fileURLWithPath: rev)))
        b.swapAt(12 + 3, 12 + 7)  // swap the low bytes of the first two positions
        try Data(b).write(to: URL(fileURLWithPath: rev))
        try Self.reseal(rev, .sha1)
        // git reads .rev lazily and may not notice; a reverse index that lies about pack order is broken all the
        // same (git would compute wrong object sizes and bitmaps from it): gate reports it on purpose.
        let o = try await f.gate()
        #expect(o.findings.contains { $0.path == ".git/objects/pack/" + PathUtil.basename(rev) && $0.rule == "cas/bad-manifest" },
                "\(o.findings.map(\.message))")
    }
}
