import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

/// The git stat cache: an unchanged pack or loose object is not read again, but connectivity is checked
/// on every run, a changed file is re-verified, and a damaged cache file is ignored.
@Suite struct GitCacheTests {
    @Test func unchangedPacksAreSkippedAndConnectivityStillRuns() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await f.git("gc", "-q")
        try f.dir.write(["after-gc.txt": "a loose blob\n"])
        try await f.git("add", "after-gc.txt")
        try await f.git("commit", "-q", "-m", "loose")
        let dangling = try await f.writeObject("blob", Array("left behind\n".utf8))
        let first = try await f.gate(["cache": true])
        #expect(CASHarness.stat(first, "skippedByCache") == 0)
        let second = try await f.gate(["cache": true])
        #expect(CASHarness.stat(second, "skippedByCache") == CASHarness.stat(second, "objects"), "\(second.summary)")
        #expect(second.findings == first.findings && second.findings.contains { $0.message.contains(dangling) })
        #expect(second.summary.contains("nothing changed"), "\(second.summary)")
        // A new loose object is a change: the whole-run outcome is not reused, and it is seen (dangling).
        let another = try await f.writeObject("blob", Array("another one\n".utf8))
        let withNew = try await f.gate(["cache": true])
        #expect(!withNew.summary.contains("nothing changed") && withNew.findings.contains { $0.message.contains(another) })
        // A ref to a missing commit is found with every object taken from the cache.
        try f.dir.write([".git/refs/heads/ghost": String(repeating: "ef", count: 20) + "\n"])
        let third = try await f.gate(["cache": true])
        #expect(CASHarness.stat(third, "skippedByCache") == CASHarness.stat(third, "objects"))
        #expect(third.findings.contains { $0.message.hasPrefix("refs/heads/ghost") })
        // Deleting a loose object the cache vouched for is still a missing object.
        try FileManager.default.removeItem(atPath: f.path + "/.git/refs/heads/ghost")
        let loose = try await f.rev("HEAD:after-gc.txt")
        try FileManager.default.removeItem(atPath: f.loosePath(loose))
        let fourth = try await f.gate(["cache": true])
        f.expectParity(fourth, try await f.fsck(), names: [loose])
    }

    @Test func aPackWithoutReferencesIsCachedToo() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        let data = Array("a blob alone in its pack\n".utf8)
        let id = PackWriter.objectID("blob", data, .sha1)
        try PackWriter.write([.object(type: 3, data: data, id: id)], to: f.path + "/.git/objects/pack", algorithm: .sha1)
        _ = try await f.gate(["cache": true])
        // A new ref: the whole-run cache no longer applies, the per-pack one must.
        try await f.git("branch", "another")
        let again = try await f.gate(["cache": true])
        // Before the fix an empty edge list was stored as one word and the entry never matched again.
        #expect(CASHarness.stat(again, "skippedByCache") == CASHarness.stat(again, "objects"), "\(again.summary)")
        #expect(!again.summary.contains("nothing changed"))
    }

    @Test func aChangedPackIsVerifiedAgainAndFullIgnoresTheCache() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await f.git("gc", "-q")
        _ = try await f.gate(["cache": true])
        let pack = try f.packs()[0]
        let index = try PackIndex(file: RawFile(path: String(pack.dropLast(5)) + ".idx"), width: 20)
        let blob = try await f.rev("HEAD:src/main.c")
        let at = Int(index.offset(try #require(Hex.decode(blob).flatMap { index.find($0) })))
        try GitFixture.flip(pack, at: at + 6)
        try PackWriter.reseal(pack: pack, algorithm: .sha1)
        let o = try await f.gate(["cache": true])
        #expect(CASHarness.stat(o, "skippedByCache") == 0)
        #expect(o.findings.contains { $0.rule == "cas/hash-mismatch" && $0.message.contains(blob) }, "\(o.findings.map(\.message))")
        let full = try await f.gate(["cache": true, "full": true])
        #expect(CASHarness.stat(full, "skippedByCache") == 0 && !CASHarness.errors(full).isEmpty)
    }

    @Test func aDamagedCacheFileIsIgnored() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try await f.git("gc", "-q")
        let clean = try await f.gate(["cache": true])
        let state = f.path + "/.git/gate-state/cas-git"
        let dir = try #require(try FileManager.default.contentsOfDirectory(atPath: state).first)
        for name in try FileManager.default.contentsOfDirectory(atPath: state + "/" + dir) {
            let file = state + "/" + dir + "/" + name
            let size = FileManager.default.sizeOf(file)
            try GitFixture.flip(file, at: size / 2)
        }
        let again = try await f.gate(["cache": true])
        #expect(CASHarness.stat(again, "skippedByCache") == 0, "\(again.summary)")
        #expect(again.findings == clean.findings)
        // Settings that change findings do not reuse cached ones: strict off turns the tree error into a warning.
        let blob = try #require(Hex.decode(try await f.rev("HEAD:README.md")))
        _ = try await f.writeObject("tree", GitStrictSyntaxTests.entry("0100644", "a", blob))
        let strict = try await f.gate(["cache": true])
        let relaxed = try await f.gate(["cache": true, "strict": false])
        #expect(!CASHarness.errors(strict).isEmpty && CASHarness.errors(relaxed).isEmpty)
    }
}
