import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

@Suite struct ChecksumsTests {
    func release() throws -> TempDir {
        let dir = try TempDir("cas-sums")
        try dir.write(["dist/app.tar.gz": "app bytes\n", "dist/app.sig": "signature\n", "README": "read me\n"])
        return dir
    }

    @Test func aManifestWrittenBySha256sumVerifies() async throws {
        let dir = try release()
        defer { dir.remove() }
        let r = try await Exec.run(["sha256sum", "dist/app.tar.gz", "dist/app.sig", "README"], cwd: dir.path)
        try dir.write(["SHA256SUMS": r.stdout])
        let o = try await CASHarness.run(dir.path, ["layout": "checksums", "manifest": "SHA256SUMS", "exclude": [".gate/"]])
        #expect(o.findings.isEmpty, "\(o.findings)")
        #expect(CASHarness.stat(o, "objects") == 3)
    }

    @Test func xxhsumAndBSDFormsAndMixedAlgorithms() async throws {
        let dir = try release()
        defer { dir.remove() }
        let xxh = CASHarness.hex("app bytes\n", .xxh3_128)
        let sha512 = CASHarness.hex("signature\n", .sha512)
        let sha1 = CASHarness.hex("read me\n", .sha1)
        try dir.write(["SUMS": "\(xxh)  dist/app.tar.gz\nSHA512 (dist/app.sig) = \(sha512)\n\(sha1) *README\n"])
        let o = try await CASHarness.run(dir.path, ["layout": "checksums", "manifest": "SUMS", "exclude": [".gate/"]])
        #expect(o.findings.isEmpty, "\(o.findings)")
        #expect(o.stats["algorithm"] == .string("sha1,sha512,xxh3-128"))
    }

    @Test func mismatchMissingOrphanAndBadLines() async throws {
        let dir = try release()
        defer { dir.remove() }
        let good = CASHarness.hex("app bytes\n", .sha256)
        let wrong = CASHarness.hex("other\n", .sha256)
        try dir.write(["SUMS": """
            \(good)  dist/app.tar.gz
            \(wrong)  dist/app.sig
            \(good)  dist/gone.zip
            BLAKE3 (README) = \(good)
            this is not a line
            \(good)  ../escape
            """])
        let o = try await CASHarness.run(dir.path, ["layout": "checksums", "manifest": "SUMS", "exclude": [".gate/"]])
        #expect(CASHarness.rules(o) == ["cas/bad-manifest", "cas/bad-manifest", "cas/bad-manifest", "cas/hash-mismatch",
                                        "cas/missing-object", "cas/orphan"])
        #expect(o.findings.contains { $0.rule == "cas/bad-manifest" && $0.message.contains("BLAKE3") && $0.line == 4 })
        #expect(o.findings.first { $0.rule == "cas/orphan" }?.path == "README")
    }

    @Test func orphansOnlyPass() async throws {
        let dir = try release()
        defer { dir.remove() }
        let r = try await Exec.run(["sha256sum", "dist/app.tar.gz"], cwd: dir.path)
        try dir.write(["SUMS": r.stdout])
        let o = try await CASHarness.run(dir.path, ["layout": "checksums", "manifest": "SUMS", "exclude": [".gate/"]])
        #expect(o.findings.map(\.rule) == ["cas/orphan", "cas/orphan"])
        #expect(CASHarness.errors(o).isEmpty)
    }

    @Test func blake3IsRejectedAtLoadTime() {
        #expect(throws: ConfigError.self) {
            _ = try CASHarness.make("/tmp", ["layout": "checksums", "manifest": "SUMS", "algorithm": "blake3"])
        }
        #expect(throws: ConfigError.self) { _ = try CASHarness.make("/tmp", ["layout": "checksums"]) }
        #expect(throws: ConfigError.self) { _ = try CASHarness.make("/tmp", ["sample": "150%"]) }
        #expect(throws: ConfigError.self) { _ = try CASHarness.make("/tmp", ["sample": "5%", "snapshot": "s"]) }
    }

    /// The compact index behind the layout: the last line for a path wins, CRLF and comments are read as
    /// before, a line over 64 KiB is a bad line, and entries the scan never met are listed for `missing`.
    @Test func theManifestIndexReadsLinesBack() throws {
        let dir = try TempDir("cas-sums-index")
        defer { dir.remove() }
        let a = CASHarness.hex("a\n", .sha256), b = CASHarness.hex("b\n", .sha256)
        let long = String(repeating: "x", count: 70_000)
        try dir.write(["SUMS": "# comment\r\n\(a)  one\r\n\(b)  two\n\(b)  one\n\(a)  \(long)\n\n\(a)  ./three"])
        let index = try ChecksumIndex(path: dir.file("SUMS"), display: "SUMS", algorithm: nil)
        #expect(index.count == 4)
        #expect(index.algorithms == ["sha256"])
        #expect(index.lookup("one")?.digest == b && index.lookup("one")?.line == 4)
        #expect(index.lookup("two")?.digest == b)
        #expect(index.lookup("three")?.line == 7)
        #expect(index.lookup("four") == nil)
        var problems = index.problems
        #expect(problems.finish().findings.map(\.message) == ["'SUMS':5: a line longer than 64 KiB"])
        var unmet: [Int] = []
        index.forEachUnmet { unmet.append($0.line) }
        // "one" was met through its last line (4); line 2 names it too and was not.
        #expect(unmet.sorted() == [2])
        try dir.write(["BAD": "\(a)  ok\n"])
        #expect(FileManager.default.createFile(atPath: dir.file("BAD"), contents: Data("\(a)  o".utf8) + Data([0xFF, 0x0A])))
        #expect(throws: VerifierError.self) { _ = try ChecksumIndex(path: dir.file("BAD"), display: "BAD", algorithm: nil) }
    }
}
