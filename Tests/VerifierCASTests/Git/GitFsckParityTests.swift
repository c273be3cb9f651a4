import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

/// The corruption table of issue 20, each row on real repositories made by git, SHA-1 and SHA-256, loose
/// and packed: gate's verdict must equal `git fsck --full --strict`'s (run in the same test) and name the
/// same object. Next to each expectation: the git source that decides git's verdict.
@Suite struct GitFsckParityTests {
    static let formats = ["sha1", "sha256"]

    @Test(arguments: formats)
    func cleanRepositoriesPassLooseAndPacked(format: String) async throws {
        let f = try await GitFixture.make(format, commits: 4)
        defer { f.remove() }
        // builtin/fsck.c cmd_fsck: nothing wrong, exit 0.
        f.expectParity(try await f.gate(), try await f.fsck())
        try await f.git("gc", "-q")
        f.expectParity(try await f.gate(), try await f.fsck())
        try await f.git("repack", "-adf", "--depth=50", "--window=250")
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck())
        let counted = try await f.git("count-objects", "-v").stdout
        let inPack = counted.split(separator: "\n").first { $0.hasPrefix("in-pack:") }.map { Int($0.dropFirst(9).trimmingCharacters(in: .whitespaces)) }
        #expect(CASHarness.stat(o, "objects") == inPack ?? -1, "\(o.summary) vs \(counted)")
    }

    @Test(arguments: formats)
    func deletedBlobTreeAndParentAreMissingObjectsNamingTheirReferrer(format: String) async throws {
        for (what, spec, referrer) in [("blob", "HEAD:src/main.c", "HEAD:src"), ("tree", "HEAD:docs", "HEAD^{tree}"),
                                       ("commit", "HEAD~1", "HEAD")] {
            let f = try await GitFixture.make(format)
            defer { f.remove() }
            let victim = try await f.rev(spec)
            try FileManager.default.removeItem(atPath: f.loosePath(victim))
            // builtin/fsck.c mark_object: "broken link from <type> <referrer> to <type> <victim>", "missing <type> <victim>":
            // ERROR_REACHABLE, exit 2.
            let git = try await f.fsck()
            let o = try await f.gate()
            f.expectParity(o, git, names: [victim])
            // The walk names the object that refers to it (the index and the reflogs name it too, as heads).
            let by = try await f.rev(referrer)
            let finding = o.findings.first { $0.rule == "cas/missing-object" && $0.evidence?["expected"] == victim
                && $0.evidence?["referencedBy"]?.contains(by) == true }
            #expect(finding?.message.contains("→ \(what) \(victim)") == true, "\(what): \(o.findings.map(\.message))")
        }
    }

    @Test(arguments: formats)
    func objectsMissingFromAPackAreMissingToo(format: String) async throws {
        for (spec, referrer) in [("HEAD:README.md", "tree HEAD^{tree}"), ("HEAD:docs", "tree HEAD^{tree}"), ("HEAD~1", "commit HEAD")] {
            let f = try await GitFixture.make(format)
            defer { f.remove() }
            let victim = try await f.rev(spec)
            let parts = referrer.split(separator: " ")
            let by = "\(parts[0]) " + (try await f.rev(String(parts[1])))
            try await f.repackWithout([victim])
            #expect(try f.packs().count == 1)
            // builtin/fsck.c mark_object: "broken link from <type> <referrer>", "missing <type> <victim>": exit 2.
            let o = try await f.gate()
            f.expectParity(o, try await f.fsck(), names: [victim])
            #expect(o.findings.contains { $0.evidence?["expected"] == victim && $0.evidence?["referencedBy"]?.contains(by) == true },
                    "\(spec): \(o.findings.map(\.message))")
        }
    }

    @Test(arguments: formats)
    func refsToMissingCommitsFailLooseAndPacked(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        let absent = String(repeating: "ab", count: f.width)
        // builtin/fsck.c fsck_handle_ref: "refs/heads/ghost: invalid sha1 pointer <id>", exit 2.
        try f.dir.write([".git/refs/heads/ghost": absent + "\n"])
        f.expectParity(try await f.gate(), try await f.fsck(), names: [absent])
        // git pack-refs skips a ref to a missing object: write the packed-refs line directly.
        try await f.git("pack-refs", "--all")
        try FileManager.default.removeItem(atPath: f.path + "/.git/refs/heads/ghost")
        let packed = try f.dir.read(".git/packed-refs")
        try f.dir.write([".git/packed-refs": packed + absent + " refs/heads/ghost\n"])
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck(), names: [absent])
        #expect(o.findings.contains { $0.message.hasPrefix("refs/heads/ghost") }, "\(o.findings)")
    }

    @Test(arguments: formats)
    func danglingObjectsAreWarningsAsGitPrintsThem(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        let blob = try await f.writeObject("blob", Array("nobody points here\n".utf8))
        // builtin/fsck.c check_unreachable_object: "dangling blob <id>", not an error: exit 0.
        let git = try await f.fsck()
        #expect(git.output.contains("dangling blob \(blob)"))
        let o = try await f.gate()
        f.expectParity(o, git, names: [blob])
        #expect(o.findings.map(\.rule) == ["cas/orphan"] && o.findings[0].severity == .warning, "\(o.findings)")
    }

    @Test(arguments: formats)
    func aDeletedIdxFailsBothAndGateSaysWhy(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        try await f.git("gc", "-q")
        let idx = try f.packs(".idx")[0]
        try FileManager.default.removeItem(atPath: idx)
        // packfile.c add_packed_git needs the .idx: the pack's objects are gone for git, every ref is an
        // "invalid sha1 pointer" (exit 26 with the commit-graph failing too).
        let git = try await f.fsck()
        let o = try await f.gate()
        let head = try await f.rev("HEAD")
        f.expectParity(o, git, names: [head])
        #expect(o.findings.contains { $0.message.contains("has no index") }, "\(o.findings)")
    }

    @Test(arguments: formats)
    func aFlippedByteInAPackObjectWithResealedChecksumsIsCaught(format: String) async throws {
        let f = try await GitFixture.make(format)
        defer { f.remove() }
        try await f.git("gc", "-q")
        let pack = try f.packs()[0]
        // Flip a byte inside the zlib data of the largest blob (src/main.c), then recompute the pack's
        // trailer and the idx's checksums so that only the object checks can notice.
        let blob = try await f.rev("HEAD:src/main.c")
        let idxFile = try RawFile(path: String(pack.dropLast(5)) + ".idx")
        let index = try PackIndex(file: idxFile, width: f.width)
        let pos = try #require(Hex.decode(blob).flatMap { index.find($0) })
        let offset = Int(index.offset(pos))
        try GitFixture.flip(pack, at: offset + 8)
        try PackWriter.reseal(pack: pack, algorithm: f.algorithm)
        // pack-check.c verify_packfile: "index CRC mismatch for object <id>", then "cannot unpack" or
        // "packed <id> is corrupt": ERROR_PACK, exit 4.
        let git = try await f.fsck()
        let o = try await f.gate(["verify-pack": false])
        f.expectParity(o, git, names: [blob])
    }
}

extension FileManager {
    func sizeOf(_ path: String) -> Int { (try? attributesOfItem(atPath: path)[.size] as? Int) ?? -1 }
}
