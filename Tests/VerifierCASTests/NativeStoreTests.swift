import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

@Suite struct NativeStoreTests {
    func store(_ contents: [String]) throws -> (TempDir, [String]) {
        let dir = try TempDir("cas-native")
        try dir.write(["format": "gate-cas 1\n"])
        return (dir, try contents.map { try CASHarness.putNative(dir, $0) })
    }

    @Test func validStorePasses() async throws {
        let (dir, _) = try store(["alpha\n", "beta\n", String(repeating: "x", count: 300_000)])
        defer { dir.remove() }
        let o = try await CASHarness.run(dir.path, ["layout": "native"])
        #expect(o.findings.isEmpty, "\(o.findings)")
        #expect(CASHarness.stat(o, "objects") == 3)
        #expect(CASHarness.stat(o, "bytes") == 300_011)
    }

    @Test func everySingleByteCorruptionIsDetected() async throws {
        let contents = ["small\n", String(repeating: "0123456789abcdef", count: 20)]
        let (dir, paths) = try store(contents)
        defer { dir.remove() }
        for (path, content) in zip(paths, contents) {
            let bytes = Array(content.utf8)
            for offset in bytes.indices {
                try CASHarness.overwrite(dir.file(path), at: offset, with: bytes[offset] ^ 0x01)
                let o = try await CASHarness.run(dir.path, ["layout": "native", "cache": false])
                let bad = o.findings.filter { $0.rule == "cas/hash-mismatch" }
                #expect(bad.count == 1 && bad[0].path == path, "offset \(offset) of \(path): \(o.findings)")
                #expect(bad.first?.evidence?["expected"] == String(path.dropFirst(8)).replacingOccurrences(of: "/", with: ""))
                try CASHarness.overwrite(dir.file(path), at: offset, with: bytes[offset])
            }
        }
        let clean = try await CASHarness.run(dir.path, ["layout": "native", "full": true])
        #expect(clean.findings.isEmpty)
    }

    @Test func truncationAndBadNamesAndPartialWrites() async throws {
        let (dir, paths) = try store(["one\n", "two\n"])
        defer { dir.remove() }
        truncate(dir.file(paths[0]), 2)
        try dir.write(["objects/ab/not-a-digest": "x", "objects/stray": "y",
                       "objects/cd/.0123456789abcdef0123456789abcd.tmp-12-34": "half", "objects/.put-1-2.tmp": "half"])
        let o = try await CASHarness.run(dir.path)
        #expect(CASHarness.rules(o) == ["cas/bad-name", "cas/bad-name", "cas/hash-mismatch", "cas/partial-write",
                                        "cas/partial-write"])
        #expect(o.findings.first { $0.rule == "cas/hash-mismatch" }?.path == paths[0])
    }

    @Test func missingFormatIsAWarningAndUnknownVersionFails() async throws {
        let (dir, _) = try store(["a\n"])
        defer { dir.remove() }
        try FileManager.default.removeItem(atPath: dir.file("format"))
        let warned = try await CASHarness.run(dir.path, ["layout": "native"])
        #expect(warned.findings.map(\.rule) == ["cas/format-version"])
        #expect(warned.findings.first?.severity == .warning)
        try dir.write(["format": "gate-cas 7\n"])
        let failed = try await CASHarness.run(dir.path)
        #expect(CASHarness.errors(failed).map(\.rule) == ["cas/format-version"])
        #expect(failed.findings.first?.message.contains("version 7") == true)
    }

    @Test func manifestsFindMissingObjectsOrphansAndWrongSizes() async throws {
        let (dir, paths) = try store(["kept\n", "orphan\n"])
        defer { dir.remove() }
        let kept = CASHarness.hex("kept\n", .xxh3_128)
        let gone = CASHarness.hex("gone\n", .xxh3_128)
        try dir.write(["manifests/r1.json": """
            {"format": "gate-cas-manifest/1", "name": "r1",
             "objects": [{"digest": "\(kept)", "size": 99, "path": "a"}, {"digest": "\(gone)"}]}
            """, "manifests/broken.json": "{not json"])
        let o = try await CASHarness.run(dir.path)
        #expect(CASHarness.rules(o) == ["cas/bad-manifest", "cas/missing-object", "cas/orphan", "cas/size-mismatch"])
        #expect(o.findings.first { $0.rule == "cas/orphan" }?.path == paths[1])
        #expect(o.findings.first { $0.rule == "cas/orphan" }?.severity == .warning)
        #expect(o.findings.first { $0.rule == "cas/missing-object" }?.evidence?["expected"] == gone)
    }

    @Test func orphansAloneStillPass() async throws {
        let (dir, _) = try store(["listed\n", "unlisted\n"])
        defer { dir.remove() }
        let listed = CASHarness.hex("listed\n", .xxh3_128)
        try dir.write(["manifests/m.json": #"{"format": "gate-cas-manifest/1", "objects": [{"digest": "\#(listed)", "size": 7}]}"#])
        let o = try await CASHarness.run(dir.path)
        #expect(o.findings.map(\.rule) == ["cas/orphan"])
        #expect(CASHarness.errors(o).isEmpty)
    }

    @Test func putWritesAtomicallyAndRoundTrips() async throws {
        let src = try TempDir("cas-put-src")
        defer { src.remove() }
        try src.write(["a.bin": "payload a\n", "b.bin": "payload b\n"])
        let storePath = src.path + "/store"
        let added = try CASStorePut.put([src.file("a.bin"), src.file("b.bin"), src.file("a.bin")], store: storePath,
                                        manifest: "release")
        #expect(added.map(\.written) == [true, true, false])
        #expect(added[0].digest == CASHarness.hex("payload a\n", .xxh3_128))
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: storePath + "/objects").filter { $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
        let o = try await CASHarness.run(storePath)
        #expect(o.findings.isEmpty, "\(o.findings)")
        #expect(o.summary.contains("1 manifests, 3 references"))
    }
}
