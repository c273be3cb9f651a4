import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

@Suite struct GitStoreTests {
    func repo(format: String = "sha1") async throws -> TempDir {
        let dir = try TempDir("cas-git")
        try await Exec.git(["init", "-q", "--object-format=\(format)", "."], in: dir.path)
        try dir.write(["a.txt": "alpha\n", "src/b.txt": String(repeating: "beta\n", count: 400)])
        try await Exec.git(["add", "."], in: dir.path)
        try await Exec.git(["commit", "-q", "-m", "first"], in: dir.path)
        return dir
    }

    func looseObjects(_ dir: TempDir) throws -> [String] {
        let objects = dir.file(".git/objects")
        return try FileManager.default.subpathsOfDirectory(atPath: objects).filter {
            $0.count == 41 || $0.count == 65
        }.sorted().map { ".git/objects/" + $0 }
    }

    @Test func looseObjectsVerifyInSHA1AndSHA256Repositories() async throws {
        for format in ["sha1", "sha256"] {
            let dir = try await repo(format: format)
            defer { dir.remove() }
            let o = try await CASHarness.run(dir.path)
            #expect(o.findings.isEmpty, "\(format): \(o.findings)")
            #expect(o.stats["layout"] == .string("git"))
            #expect(o.stats["algorithm"] == .string(format))
            #expect(CASHarness.stat(o, "objects") == 5)
        }
    }

    @Test func aCorruptLooseObjectFails() async throws {
        let dir = try await repo()
        defer { dir.remove() }
        let objects = try looseObjects(dir)
        let victim = dir.file(objects[0])
        chmod(victim, 0o644)
        let size = Int(FileStat.of(victim)!.size)
        try CASHarness.overwrite(victim, at: size / 2, with: 0x55)
        let o = try await CASHarness.run(dir.path, ["layout": "git"])
        // Depending on the byte, zlib rejects the stream, the header lies about the size, or the hash differs;
        // whatever referred to the object then finds it missing, as in git fsck (builtin/fsck.c fsck_loose:
        // "object corrupt or missing", ERROR_OBJECT).
        #expect(o.findings.filter { $0.rule == "cas/hash-mismatch" }.map(\.path) == [objects[0]], "\(o.findings)")
    }

    @Test func aLooseObjectStoredUnderTheWrongNameFails() async throws {
        let dir = try await repo()
        defer { dir.remove() }
        let objects = try looseObjects(dir)
        let a = dir.file(objects[0]), b = dir.file(objects[1])
        chmod(a, 0o644)
        try FileManager.default.removeItem(atPath: a)
        try FileManager.default.copyItem(atPath: b, toPath: a)
        let o = try await CASHarness.run(dir.path)
        // builtin/fsck.c fsck_loose: "<actual>: hash-path mismatch, found at: <path>", ERROR_OBJECT.
        let mismatch = o.findings.filter { $0.rule == "cas/hash-mismatch" }
        #expect(mismatch.count == 1, "\(o.findings)")
        #expect(mismatch.first?.evidence?["actual"] == objects[1].split(separator: "/").suffix(2).joined())
    }

    @Test func packsVerifyNativelyAndCorruptionIsCaught() async throws {
        let dir = try await repo()
        defer { dir.remove() }
        try await Exec.git(["gc", "-q"], in: dir.path)
        let ok = try await CASHarness.run(dir.path)
        #expect(ok.findings.isEmpty, "\(ok.findings)")
        #expect(ok.summary.contains("1 pack"), "\(ok.summary)")
        let pack = try FileManager.default.contentsOfDirectory(atPath: dir.file(".git/objects/pack")).first { $0.hasSuffix(".pack") }!
        let path = dir.file(".git/objects/pack/" + pack)
        chmod(path, 0o644)
        try CASHarness.overwrite(path, at: 30, with: 0xff)
        // pack-check.c verify_packfile: "pack checksum mismatch", "index CRC mismatch": ERROR_PACK.
        let o = try await CASHarness.run(dir.path, ["verify-pack": "false"])
        #expect(o.findings.contains { $0.rule == "cas/hash-mismatch" && $0.path == ".git/objects/pack/" + pack }, "\(o.findings)")
        #expect(!o.findings.contains { $0.evidence?["verifiedBy"] == "git verify-pack" })
        let withGit = try await CASHarness.run(dir.path, ["full": true, "verify-pack": "true"])
        #expect(withGit.findings.contains { $0.evidence?["verifiedBy"] == "git verify-pack" })
    }

    @Test func leftoverTemporaryObjectsArePartialWrites() async throws {
        let dir = try await repo()
        defer { dir.remove() }
        try dir.write([".git/objects/ab/tmp_obj_XYZ": "half", ".git/objects/pack/tmp_pack_123": "half"])
        let o = try await CASHarness.run(dir.path)
        // builtin/fsck.c fsck_cruft ignores tmp_obj_* and tmp_pack_*; gate names them, as warnings (its own rule).
        #expect(o.findings.map(\.rule) == ["cas/partial-write", "cas/partial-write"])
        #expect(o.findings.allSatisfy { $0.severity == .warning })
    }
}
