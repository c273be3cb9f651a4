import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

@Suite struct NamedStoreTests {
    /// The shape of a restic repository: `config`, then every other file named by its SHA-256.
    func restic() throws -> TempDir {
        let dir = try TempDir("cas-restic")
        var files = ["config": "not named by its hash"]
        for (folder, content) in [("keys", "key file"), ("snapshots", "snapshot 1"), ("index", "index 1")] {
            files["\(folder)/\(CASHarness.hex(content, .sha256))"] = content
        }
        for content in ["pack one", "pack two"] {
            let hex = CASHarness.hex(content, .sha256)
            files["data/\(hex.prefix(2))/\(hex)"] = content
        }
        try dir.write(files)
        return dir
    }

    @Test func aResticRepositoryIsDetectedAndVerifies() async throws {
        let dir = try restic()
        defer { dir.remove() }
        let o = try await CASHarness.run(dir.path, ["exclude": [".gate/"]])
        #expect(o.findings.isEmpty, "\(o.findings)")
        #expect(CASHarness.stat(o, "objects") == 5)
        #expect(o.summary.contains("restic"))
    }

    @Test func namedStoreFindsMismatchWrongFanOutAndBadNames() async throws {
        let dir = try restic()
        defer { dir.remove() }
        let hex = CASHarness.hex("pack one", .sha256)
        try dir.write(["data/\(hex.prefix(2))/\(hex)": "pack 0ne", "data/zz/\(CASHarness.hex("moved", .sha256))": "moved",
                       "data/ff/\(CASHarness.hex("x", .sha256))": "x", "notes.txt": "hello"])
        let o = try await CASHarness.run(dir.path, ["layout": "named", "algorithm": "sha256", "exclude": ["config", ".gate/"]])
        let rules = CASHarness.rules(o)
        #expect(rules.filter { $0 == "cas/hash-mismatch" }.count == 1)
        #expect(rules.filter { $0 == "cas/bad-name" }.count == 2, "\(o.findings)")
    }

    @Test func bazelDiskCache() async throws {
        let dir = try TempDir("cas-bazel")
        defer { dir.remove() }
        var files = ["ac/00/whatever": "action result"]
        for content in ["out1", "out2", "out3"] {
            let hex = CASHarness.hex(content, .sha256)
            files["cas/\(hex.prefix(2))/\(hex)"] = content
        }
        try dir.write(files)
        let ok = try await CASHarness.run(dir.path)
        #expect(ok.findings.isEmpty, "\(ok.findings)")
        #expect(ok.stats["layout"] == .string("bazel"))
        let hex = CASHarness.hex("out1", .sha256)
        try dir.write(["cas/\(hex.prefix(2))/\(hex)": "OUT1", "cas/\(hex.prefix(2))/\(hex).tmp": "partial",
                       "cas/\(hex.prefix(2))/short": "x"])
        let bad = try await CASHarness.run(dir.path, ["layout": "bazel"])
        #expect(CASHarness.rules(bad) == ["cas/bad-name", "cas/hash-mismatch", "cas/partial-write"])
    }

    @Test func symlinksOutOfTheStoreAndLoopsAreReportedNotFollowed() async throws {
        let dir = try restic()
        defer { dir.remove() }
        let outside = try TempDir("cas-outside")
        defer { outside.remove() }
        try outside.write(["secret": "outside"])
        #expect(symlink(outside.file("secret"), dir.file("keys/\(CASHarness.hex("outside", .sha256))")) == 0)
        #expect(symlink("..", dir.file("data/loop")) == 0)
        #expect(symlink("nowhere", dir.file("index/dangling")) == 0)
        let o = try await CASHarness.run(dir.path, ["exclude": [".gate/"]])
        #expect(CASHarness.rules(o) == ["cas/symlink", "cas/symlink", "cas/symlink"], "\(o.findings)")
        #expect(o.findings.contains { $0.message.contains("outside the store") })
        #expect(o.findings.contains { $0.message.contains("a loop") })
    }
}
