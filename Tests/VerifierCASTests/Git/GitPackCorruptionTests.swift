import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

/// Broken packs beyond the table: truncated, paired with another pack's idx, deltas against
/// absent bases, delta cycles, thin packs; and every single-byte flip of a small pack.
@Suite struct GitPackCorruptionTests {
    @Test(arguments: GitFsckParityTests.formats)
    func aTruncatedPackFails(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        try await f.git("gc", "-q")
        let pack = try f.packs()[0]
        chmod(pack, 0o644)
        let size = FileManager.default.sizeOf(pack)
        truncate(pack, off_t(size - 30))
        // packfile.c open_packed_git_1: the trailer no longer matches the idx ("packfile ... does not match
        // index"): the pack is unusable, every ref an invalid pointer.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck(), names: [try await f.rev("HEAD")])
        #expect(o.findings.contains { $0.path == ".git/objects/pack/" + PathUtil.basename(pack) && $0.message.contains("truncated") },
                "\(o.findings.map(\.message))")
    }

    @Test(arguments: GitFsckParityTests.formats)
    func aPackWithTheIdxOfAnotherPackFails(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        try await f.git("gc", "-q")
        try f.dir.write(["later.txt": "one more\n"])
        try await f.git("add", "-A")
        try await f.git("commit", "-q", "-m", "later")
        try await f.git("repack", "-q")  // a second pack with the new objects
        let packs = try f.packs()
        #expect(packs.count == 2)
        let idxA = String(packs[0].dropLast(5)) + ".idx", idxB = String(packs[1].dropLast(5)) + ".idx"
        chmod(idxA, 0o644)
        try FileManager.default.removeItem(atPath: idxA)
        try FileManager.default.copyItem(atPath: idxB, toPath: idxA)
        // packfile.c open_packed_git_1: "packfile ... claims to have N objects while index indicates M" or
        // "does not match index": pack A is unusable.
        // Which objects go missing depends on which of the two packs sorts first; both name the pack.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck(), names: [PathUtil.basename(packs[0])])
        #expect(o.findings.contains { $0.path == ".git/objects/pack/" + PathUtil.basename(packs[0]) }, "\(o.findings.map(\.message))")
    }

    @Test(arguments: GitFsckParityTests.formats)
    func aDeltaWhoseBaseIsMissingFails(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        let a = f.algorithm
        let absentBase = PackWriter.objectID("blob", Array("never written\n".utf8), a)
        let result = Array("a delta result\n".utf8)
        let id = PackWriter.objectID("blob", result, a)
        try PackWriter.write([.refDelta(base: absentBase, baseSize: 14, result: result, id: id)],
                             to: f.path + "/.git/objects/pack", algorithm: a)
        // packfile.c unpack_entry: "failed to validate delta base reference", "cannot unpack <id>": exit 4.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck(), names: [Hex.encode(id)])
        #expect(o.findings.contains { $0.message.contains(Hex.encode(absentBase)) }, "\(o.findings.map(\.message))")
    }

    /// A size in an object header, or in a delta's header, that its bytes cannot produce: found as corrupt by
    /// the built binary, before any memory is set aside for it. A flipped byte in everySingleByteFlip... made
    /// gate reserve 21 TB for an inflated object and abort ("failed to allocate 23086615445742 bytes"), taking
    /// the whole run down. git fails on both too: packfile.c unpack_entry cannot allocate the declared size
    /// ("Out of memory, malloc failed") or patch-delta.c finds the result size wrong.
    @Test func sizesTheBytesCannotProduceAreFindingsNotAborts() async throws {
        let f = try await GitFixture.make("sha1", commits: 2)
        defer { f.remove() }
        let a = f.algorithm
        let huge = 1 << 44
        let data = Array("twenty bytes of blob".utf8)
        let blobID = PackWriter.objectID("blob", data, a)
        // A blob whose header declares 2^44 bytes for a zlib stream of 31 bytes (deflate: 1032:1 at most).
        let claimed = PackWriter.objectID("blob", Array("claimed\n".utf8), a)
        let oversized = PackWriter.header(3, huge) + PackWriter.zlibStored(data)
        // A delta on that real blob whose header declares a 2^44-byte result for one insert of 8 bytes.
        let result = Array("inserted".utf8)
        let deltaID = PackWriter.objectID("blob", result, a)
        let delta = PackWriter.varint(data.count) + PackWriter.varint(huge) + [UInt8(result.count)] + result
        let oversizedDelta = PackWriter.header(7, delta.count) + blobID + PackWriter.zlibStored(delta)
        try PackWriter.write([.object(type: 3, data: data, id: blobID), .raw(bytes: oversized, id: claimed),
                              .raw(bytes: oversizedDelta, id: deltaID)],
                             to: f.path + "/.git/objects/pack", algorithm: a)
        let r = try await Exec.gate(["check", "cas", ".", "--set", "layout=git", "--set", "cache=false", "-v"], cwd: f.path)
        #expect(r.code == 1, "exit \(r.code): \(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("\(Hex.encode(claimed))") && r.stdout.contains("the object header says it inflates to "
            + "17592186044416 bytes, more than its 31 compressed bytes can hold"), "\(r.stdout)")
        #expect(r.stdout.contains("\(Hex.encode(deltaID))") && r.stdout.contains("the delta produces 8 bytes, not the "
            + "17592186044416 it declares"), "\(r.stdout)")
    }

    /// An idx whose 64-bit offset table places an object at 2^63 (idx resealed): once in a pack whose trailer
    /// no longer matches the idx, once in an intact pack holding the base of another pack's delta. Findings
    /// from the built binary; gate converted the offset to Int before comparing it with the pack's size (in
    /// the pairing message, and when reading the base by id) and trapped.
    @Test func aSixtyFourBitOffsetBeyondThePackIsAFindingNotACrash() async throws {
        let f = try await GitFixture.make("sha1", commits: 2)
        defer { f.remove() }
        let a = f.algorithm, w = a.digestLength
        let dir = f.path + "/.git/objects/pack"
        func blob(_ s: String) -> PackWriter.Entry {
            let data = Array(s.utf8)
            return .object(type: 3, data: data, id: PackWriter.objectID("blob", data, a))
        }
        /// Points the idx's last object at the first row of a 64-bit offset table holding 2^63.
        func farOffset(_ pack: String) throws {
            let path = String(pack.dropLast(5)) + ".idx"
            var idx = [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
            let n = Int(idx[8 + 1020]) << 24 | Int(idx[8 + 1021]) << 16 | Int(idx[8 + 1022]) << 8 | Int(idx[8 + 1023])
            let last = 8 + 1024 + n * (w + 4) + (n - 1) * 4
            idx.replaceSubrange(last..<(last + 4), with: PackWriter.be32(0x8000_0000))
            idx.insert(contentsOf: [0x80, 0, 0, 0, 0, 0, 0, 0], at: idx.count - 2 * w)
            idx.replaceSubrange((idx.count - w)..., with: ContentHash.hash(Array(idx[..<(idx.count - w)]), a).bytes)
            try Data(idx).write(to: URL(fileURLWithPath: path))
        }
        // A pack whose trailer no longer matches its idx.
        let unpaired = try PackWriter.write([blob("one\n"), blob("two\n")], to: dir, algorithm: a)
        try farOffset(unpaired)
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: unpaired)))
        bytes[bytes.count - 1] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: unpaired))
        // An intact pack whose idx puts a base out of reach, and a thin pack with a delta on that base.
        let base = Array("the base\n".utf8), baseID = PackWriter.objectID("blob", base, a)
        let far = try PackWriter.write([blob("three\n"), .object(type: 3, data: base, id: baseID)], to: dir, algorithm: a)
        let farIndex = try PackIndex(file: RawFile(path: String(far.dropLast(5)) + ".idx"), width: w)
        #expect(farIndex.id(1) == baseID, "the base must be the idx's last object")
        try farOffset(far)
        let result = Array("the result\n".utf8)
        try PackWriter.write([.refDelta(base: baseID, baseSize: base.count, result: result,
                                        id: PackWriter.objectID("blob", result, a))], to: dir, algorithm: a)
        let r = try await Exec.gate(["check", "cas", ".", "--set", "layout=git", "--set", "cache=false", "-v"], cwd: f.path)
        #expect(r.code == 1 && r.signal == nil, "exit \(r.code): \(r.stdout)\(r.stderr.prefix(3000))")
        #expect(r.stdout.contains("the idx has an object at offset 9223372036854775808"), "\(r.stdout)")
        #expect(r.stdout.contains("at offset 9223372036854775808, past the end of the pack's objects"), "\(r.stdout)")
    }

    @Test(arguments: GitFsckParityTests.formats)
    func aDeltaCycleFailsWhereGitNeverFinishes(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        let a = f.algorithm
        let x = Array("cycle x\n".utf8), y = Array("cycle y\n".utf8)
        let xid = PackWriter.objectID("blob", x, a), yid = PackWriter.objectID("blob", y, a)
        try PackWriter.write([.refDelta(base: yid, baseSize: y.count, result: x, id: xid),
                              .refDelta(base: xid, baseSize: x.count, result: y, id: yid)],
                             to: f.path + "/.git/objects/pack", algorithm: a)
        // packfile.c unpack_entry follows the chain for ever: git fsck is killed by the test's limits.
        let git = try await f.fsck()
        #expect(git.failed)
        let o = try await f.gate()
        let cycle = try #require(o.findings.first { $0.message.contains("loops back on itself") }, "\(o.findings.map(\.message))")
        #expect(cycle.message.contains(Hex.encode(xid)) && cycle.message.contains(Hex.encode(yid)))
        #expect(!CASHarness.errors(o).isEmpty)
    }

    @Test(arguments: GitFsckParityTests.formats)
    func aDeltaCycleAcrossTwoPacksEnds(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        let a = f.algorithm
        let x = Array("across x\n".utf8), y = Array("across y\n".utf8)
        let xid = PackWriter.objectID("blob", x, a), yid = PackWriter.objectID("blob", y, a)
        // Each pack holds one delta whose base is the other pack's object: every base is outside its pack.
        try PackWriter.write([.refDelta(base: yid, baseSize: y.count, result: x, id: xid)], to: f.path + "/.git/objects/pack", algorithm: a)
        try PackWriter.write([.refDelta(base: xid, baseSize: x.count, result: y, id: yid)], to: f.path + "/.git/objects/pack", algorithm: a)
        // packfile.c unpack_entry looks a REF_DELTA base up in the same pack only: "failed to validate delta
        // base reference", "cannot unpack <id>": exit 4. gate follows bases into other packs (thin packs),
        // so its own chain reader must end on the cycle, not recurse until the worker's stack runs out.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck(), names: [Hex.encode(xid), Hex.encode(yid)])
    }

    @Test(arguments: GitFsckParityTests.formats)
    func aThinPackIsResolvedButRefusedAsGitRefusesIt(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        let a = f.algorithm
        let base = Array("readme 3\n".utf8)  // README.md of the last commit, a loose blob
        let baseID = try await f.rev("HEAD:README.md")
        #expect(Hex.encode(PackWriter.objectID("blob", base, a)) == baseID)
        let result = Array("readme 3, extended\n".utf8)
        let id = PackWriter.objectID("blob", result, a)
        try PackWriter.write([.refDelta(base: Hex.decode(baseID)!, baseSize: base.count, result: result, id: id)],
                             to: f.path + "/.git/objects/pack", algorithm: a)
        // packfile.c: REF_DELTA bases are looked up in the same pack only; "cannot unpack": exit 4.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck(), names: [Hex.encode(id)])
        #expect(o.findings.contains { $0.message.contains("thin pack") }, "\(o.findings.map(\.message))")
        // gate resolved it against the loose base: the result is verified, so it is a dangling blob, not corrupt.
        #expect(o.findings.contains { $0.rule == "cas/orphan" && $0.message.contains(Hex.encode(id)) })
    }

    @Test(arguments: GitFsckParityTests.formats)
    func anIdxThatLiesAboutAnObjectIDFails(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        let a = f.algorithm
        let data = Array("what the pack holds\n".utf8)
        let claimed = PackWriter.objectID("blob", Array("what the idx claims\n".utf8), a)
        try PackWriter.write([.object(type: 3, data: data, id: claimed)], to: f.path + "/.git/objects/pack", algorithm: a)
        // pack-check.c verify_packfile: "packed <id> from <pack> is corrupt": exit 4.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck(), names: [Hex.encode(claimed)])
        #expect(o.findings.contains { $0.rule == "cas/hash-mismatch" && $0.evidence?["actual"] == Hex.encode(PackWriter.objectID("blob", data, a)) })
    }

    /// Every byte of a small pack (and of its idx), inverted one at a time, is reported.
    @Test func everySingleByteFlipOfASmallPackIsDetected() async throws {
        let f = try await GitFixture.make("sha1", commits: 2)
        defer { f.remove() }
        try await f.git("gc", "-q")
        try? FileManager.default.removeItem(atPath: f.path + "/.git/objects/info/commit-graph")
        let pack = try f.packs()[0]
        let idx = String(pack.dropLast(5)) + ".idx"
        chmod(pack, 0o644)
        chmod(idx, 0o644)
        for file in [pack, idx] {
            let missed = try await f.undetectedFlips(of: file)
            #expect(missed.isEmpty, "\(PathUtil.basename(file)): flips not detected at \(missed)")
        }
        // And the untouched pack passes again.
        #expect(CASHarness.errors(try await f.gate()).isEmpty)
    }
}
