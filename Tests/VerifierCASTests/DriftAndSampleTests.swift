import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

@Suite struct DriftAndSampleTests {
    @Test func snapshotThenBaselineReportsAddedRemovedAndChanged() async throws {
        let dir = try TempDir("cas-drift")
        defer { dir.remove() }
        try dir.write(["a.bin": "a\n", "b.bin": "b\n", "c.bin": "c\n"])
        let sums = ["a.bin", "b.bin", "c.bin"].map { "\(CASHarness.hex(String($0.prefix(1)) + "\n", .sha256))  \($0)" }
        try dir.write(["SUMS": sums.joined(separator: "\n") + "\n"])
        let params: [String: Any] = ["layout": "checksums", "manifest": "SUMS", "exclude": [".gate/"]]
        var first = params
        first["snapshot"] = "snap.txt"
        let o = try await CASHarness.run(dir.path, first)
        #expect(o.findings.isEmpty, "\(o.findings)")
        let snap = try dir.read("snap.txt")
        #expect(snap.hasPrefix("# gate cas snapshot"))
        #expect(snap.contains("\(CASHarness.hex("a\n", .sha256))  a.bin"))

        try FileManager.default.removeItem(atPath: dir.file("c.bin"))
        try dir.write(["b.bin": "B\n", "d.bin": "d\n"])
        try dir.write(["SUMS": [sums[0], "\(CASHarness.hex("B\n", .sha256))  b.bin", "\(CASHarness.hex("d\n", .sha256))  d.bin"]
            .joined(separator: "\n") + "\n"])
        var second = params
        second["baseline"] = "snap.txt"
        let drift = try await CASHarness.run(dir.path, second)
        #expect(CASHarness.rules(drift) == ["cas/drift-added", "cas/drift-changed", "cas/drift-removed"])
        #expect(drift.findings.first { $0.rule == "cas/drift-removed" }?.path == "c.bin")
    }

    @Test func aSampleIsDeterministicAndPartial() async throws {
        let dir = try TempDir("cas-sample")
        defer { dir.remove() }
        try dir.write(["format": "gate-cas 1\n"])
        for i in 0..<400 { try CASHarness.putNative(dir, "object \(i)\n") }
        let a = try await CASHarness.run(dir.path, ["sample": "10%", "cache": false])
        let b = try await CASHarness.run(dir.path, ["sample": "10%", "cache": false])
        let out = try #require(CASHarness.stat(a, "sampledOut"))
        #expect(out > 300 && out < 400)
        #expect(CASHarness.stat(b, "sampledOut") == out)
        #expect(CASHarness.stat(a, "objects") == 400)
    }

    @Test func findingsAndStatsAreDeterministic() async throws {
        let dir = try TempDir("cas-determinism")
        defer { dir.remove() }
        try dir.write(["format": "gate-cas 1\n"])
        for i in 0..<200 { try CASHarness.putNative(dir, "object \(i)\n") }
        try dir.write(["objects/00/bad": "x", "objects/01/bad": "y"])
        let a = try await CASHarness.run(dir.path, ["cache": false, "threads": 4])
        let b = try await CASHarness.run(dir.path, ["cache": false, "threads": 1])
        #expect(a.findings == b.findings)
        #expect(a.findings.count == 2)
    }

    @Test func unknownLayoutIsAnErrorNotAFinding() async throws {
        let dir = try TempDir("cas-unknown")
        defer { dir.remove() }
        try dir.write(["hello.txt": "hi"])
        await #expect(throws: VerifierError.self) { _ = try await CASHarness.run(dir.path) }
    }
}
