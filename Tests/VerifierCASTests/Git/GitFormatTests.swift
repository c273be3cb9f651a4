import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

/// The readers on their own: names git guards against, git's config syntax, submodule rules, delta
/// instructions, and pack/idx variants git writes (index version 1, index version 4, large blobs).
@Suite struct GitFormatTests {
    @Test func dotGitSpellingsAsGitSeesThem() {
        // utf8.c is_hfs_dotgit and path.c is_ntfs_dotgit.
        for name in [".git", ".GIT", ".Git", "git~1", ".git.", ".git ", ".g\u{200C}it", "\u{FEFF}.git"] {
            #expect(GitNames.isDotGit(Array(name.utf8)), "\(name)")
        }
        for name in [".gitx", "git", ".gi", "gitt~1", "x.git"] {
            #expect(!GitNames.isDotGit(Array(name.utf8)), "\(name)")
        }
        for name in [".gitmodules", ".GITMODULES", "gitmod~1", "GI7EBA~1", ".gitmodules::$DATA", ".gitmodules "] {
            #expect(GitNames.isDotGitmodules(Array(name.utf8)), "\(name)")
        }
        #expect(!GitNames.isDotGitmodules(Array(".gitmodulesx".utf8)))
    }

    @Test func refNamesFollowCheckRefnameFormat() {
        for good in ["refs/tags/v1.0", "refs/tags/release-2026", "refs/heads/a/b"] {
            #expect(GitNames.isValidRefName(Array(good.utf8)), "\(good)")
        }
        for bad in ["refs/tags/a..b", "refs/tags/.hidden", "refs/tags/x.lock", "refs/tags/a b", "refs/tags/a~1", "refs/tags/",
                    "refs/tags/x.", "refs//x", "refs/tags/a@{b", "@", "single"] {
            #expect(!GitNames.isValidRefName(Array(bad.utf8)), "\(bad)")
        }
    }

    @Test func gitConfigSyntax() throws {
        let text = """
            # comment
            [core]
            \tbare = false ; trailing comment
            [remote "origin"]
            \turl = "https://example.invalid/a b.git"
            \tpromisor
            [fsck]
            \tzeroPaddedFilemode = ignore
            [Section.Legacy]
            \tkey = v\\
            continued
            """
        let c = try GitConfigFile(text: Array(text.utf8))
        #expect(c.bool("core", nil, "bare") == false)
        #expect(c.value("remote", "origin", "url") == "https://example.invalid/a b.git")
        #expect(c.bool("remote", "origin", "promisor") == true)
        #expect(c.value("fsck", nil, "zeropaddedfilemode") == "ignore")
        #expect(c.value("section", "legacy", "key") == "vcontinued")
        #expect(throws: GitConfigFile.ParseError.self) { try GitConfigFile(text: Array("[unterminated\nx = 1\n".utf8)) }
        #expect(throws: GitConfigFile.ParseError.self) { try GitConfigFile(text: Array("[s]\nkey = \"open\n".utf8)) }
    }

    @Test func submoduleRules() {
        // submodule-config.c check_submodule_name / check_submodule_url.
        #expect(SpecialBlobs.validSubmoduleName("lib/vendor"))
        #expect(!SpecialBlobs.validSubmoduleName("../escape"))
        #expect(!SpecialBlobs.validSubmoduleName("a\\..\\b"))
        #expect(!SpecialBlobs.validSubmoduleName(""))
        #expect(SpecialBlobs.validSubmoduleURL("https://example.invalid/x.git"))
        #expect(SpecialBlobs.validSubmoduleURL("../sibling.git"))
        #expect(!SpecialBlobs.validSubmoduleURL("-upload-pack=evil"))
        #expect(!SpecialBlobs.validSubmoduleURL("../../:evil"))
        #expect(!SpecialBlobs.validSubmoduleURL("https://example.invalid/%0aevil"))
        #expect(!SpecialBlobs.validSubmoduleURL("https:///example.invalid"))
    }

    @Test func deltasNeverReachOutside() throws {
        let base = Array("0123456789".utf8)
        func apply(_ delta: [UInt8], size: Int) throws -> [UInt8] {
            var out = [UInt8](repeating: 0, count: size + 1)
            try delta.withUnsafeBytes { d in
                try base.withUnsafeBytes { b in
                    let (n, at) = try GitDelta.sizes(d, baseCount: base.count)
                    try out.withUnsafeMutableBytes { try GitDelta.apply(d, start: at, base: b, into: $0.baseAddress!, resultSize: n) }
                }
            }
            return Array(out.prefix(size))
        }
        // copy offset 2, length 3; insert "ab"
        #expect(try apply([10, 5, 0x91, 2, 3, 2, 0x61, 0x62], size: 5) == Array("234ab".utf8))
        #expect(throws: GitDelta.Problem.self) { try apply([10, 5, 0x91, 9, 3], size: 5) }  // past the base
        #expect(throws: GitDelta.Problem.self) { try apply([10, 2, 0x91, 0, 3], size: 2) }  // past the result
        #expect(throws: GitDelta.Problem.self) { try apply([11, 1, 1, 0x61], size: 1) }    // wrong base size
        #expect(throws: GitDelta.Problem.self) { try apply([10, 1, 0], size: 1) }          // reserved opcode
        #expect(throws: GitDelta.Problem.self) { try apply([10, 3, 2, 0x61, 0x62], size: 3) }  // short result
    }

    @Test func indexVersionOneIsReadAndEveryPackByteFlipStillCaught() async throws {
        let f = try await GitFixture.make("sha1", commits: 2)
        defer { f.remove() }
        let (pack, idx) = try await f.packedWithIndex("--index-version=1")
        let v1 = try RawFile(path: idx)
        #expect(v1.u32(0) != 0xff74_4f63, "not a version-1 index")
        f.expectParity(try await f.gate(), try await f.fsck())
        // Without CRCs, only inflating and hashing every object can notice a flipped byte.
        let missed = try await f.undetectedFlips(of: pack)
        #expect(missed.isEmpty, "flips not detected at \(missed)")
    }

    @Test(arguments: GitFsckParityTests.formats)
    func sixtyFourBitOffsetsAreRead(format: String) async throws {
        let f = try await GitFixture.make(format, commits: 2)
        defer { f.remove() }
        // builtin/index-pack.c: "--index-version=2,<offset>" (for git's own tests) writes every object past
        // <offset> through the 64-bit offset table, as a pack over 2 GiB would have.
        let (_, idx) = try await f.packedWithIndex("--index-version=2,0x20")
        let file = try RawFile(path: idx)
        let index = try PackIndex(file: file, width: f.width)
        // Version 2: header, fan-out, then per object its id, CRC-32 and 32-bit offset; the 64-bit table
        // sits between those and the two trailing checksums.
        let objects = Int(file.u32(8 + 255 * 4))
        let tableStart = 8 + 256 * 4 + objects * (f.width + 8)
        #expect(file.count - 2 * f.width - tableStart >= 8, "no 64-bit offsets were written")
        #expect((0..<objects).contains { index.offset($0) > 0x20 })
        f.expectParity(try await f.gate(), try await f.fsck())
        // A 64-bit offset that points elsewhere in the pack (idx checksum resealed): both refuse the pack.
        // pack-check.c verify_packfile / packfile.c nth_packed_object_offset read it; the entry there is not
        // the object (CRC and hash differ): exit 4.
        try GitFixture.flip(idx, at: tableStart + 7)
        try GitAuxFileTests.reseal(idx, f.algorithm)
        f.expectParity(try await f.gate(), try await f.fsck())
    }

    @Test(arguments: GitFsckParityTests.formats)
    func anIdxWithoutItsPackFails(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        try await f.git("gc", "-q")
        let pack = try f.packs()[0], head = try await f.rev("HEAD")
        chmod(pack, 0o644)
        try FileManager.default.removeItem(atPath: pack)
        // packfile.c add_packed_git: no .pack beside the .idx, the idx is skipped; every object it listed is
        // missing ("invalid sha1 pointer" for each ref): exit 2.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck(), names: [head])
        #expect(o.findings.contains { $0.message.contains("indexes a pack that is not there") }, "\(o.findings.map(\.message))")
    }

    @Test func indexVersionFourAndLinkedWorktreesAreHeads() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await f.git("update-index", "--index-version", "4")
        let wt = f.path + "-wt"
        defer { try? FileManager.default.removeItem(atPath: wt) }
        try await f.git("worktree", "add", "-q", "-b", "feature", wt)
        try String("only in the worktree\n").write(toFile: wt + "/wt.txt", atomically: true, encoding: .utf8)
        try await Exec.git(["add", "wt.txt"], in: wt)
        let staged = try await Exec.git(["rev-parse", ":wt.txt"], in: wt).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        f.expectParity(try await f.gate(), try await f.fsck())
        // The blob staged in the other worktree's index is a head: not dangling, and missing when deleted.
        #expect(!(try await f.gate()).findings.contains { $0.message.contains(staged) })
        try FileManager.default.removeItem(atPath: f.loosePath(staged))
        let o = try await f.gate()
        #expect(o.findings.contains { $0.rule == "cas/missing-object" && $0.message.contains(staged) }, "\(o.findings.map(\.message))")
        let main = try await f.rev(":README.md")
        try FileManager.default.removeItem(atPath: f.loosePath(main))
        f.expectParity(try await f.gate(), try await f.fsck(), names: [main])
    }

    @Test func aLargeBlobIsHashedAsItInflatesAndStillChecked() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        var rng = SystemRandomNumberGenerator()
        let big = (0..<(ResolverWorker.streamAbove / 8 + 4096)).map { _ in rng.next() as UInt64 }
        try big.withUnsafeBytes { try Data($0).write(to: URL(fileURLWithPath: f.path + "/big.bin")) }
        try await f.git("add", "big.bin")
        try await f.git("commit", "-q", "-m", "big")
        try await f.git("gc", "-q")
        let blob = try await f.rev("HEAD:big.bin")
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck())
        #expect(CASHarness.stat(o, "bytesHashed")! > ResolverWorker.streamAbove)
        // A flip in the middle of the big blob's data is found by the streaming path.
        let pack = try f.packs()[0]
        let index = try PackIndex(file: RawFile(path: String(pack.dropLast(5)) + ".idx"), width: 20)
        let at = Int(index.offset(try #require(Hex.decode(blob).flatMap { index.find($0) })))
        try GitFixture.flip(pack, at: at + ResolverWorker.streamAbove / 2)
        f.expectParity(try await f.gate(), try await f.fsck(), names: [blob])
    }
}
