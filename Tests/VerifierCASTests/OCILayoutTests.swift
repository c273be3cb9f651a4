import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

/// Small OCI image layouts built by following the image-layout spec: blobs named by their sha256, a
/// manifest leading to a config and layers, and index.json (optionally through a nested index).
@Suite struct OCILayoutTests {
    struct Layout {
        let dir: TempDir
        var blobs: [String: String] = [:]

        @discardableResult
        mutating func blob(_ content: String) throws -> (digest: String, size: Int) {
            let hex = ContentHash.hash(content, .sha256).hex
            try dir.write(["blobs/sha256/" + hex: content])
            blobs[hex] = content
            return ("sha256:" + hex, content.utf8.count)
        }
    }

    static func descriptor(_ type: String, _ d: (digest: String, size: Int)) -> String {
        #"{"mediaType": "\#(type)", "digest": "\#(d.digest)", "size": \#(d.size)}"#
    }

    func image(nested: Bool = false) throws -> Layout {
        var l = Layout(dir: try TempDir("cas-oci"))
        try l.dir.write(["oci-layout": #"{"imageLayoutVersion": "1.0.0"}"#])
        let config = try l.blob(#"{"architecture": "amd64", "os": "linux"}"#)
        let layer = try l.blob("layer tar bytes")
        let manifest = try l.blob("""
            {"schemaVersion": 2, "mediaType": "application/vnd.oci.image.manifest.v1+json",
             "config": \(Self.descriptor("application/vnd.oci.image.config.v1+json", config)),
             "layers": [\(Self.descriptor("application/vnd.oci.image.layer.v1.tar", layer))]}
            """)
        var top = Self.descriptor("application/vnd.oci.image.manifest.v1+json", manifest)
        if nested {
            let inner = try l.blob(#"{"schemaVersion": 2, "manifests": [\#(top)]}"#)
            top = Self.descriptor("application/vnd.oci.image.index.v1+json", inner)
        }
        try l.dir.write(["index.json": #"{"schemaVersion": 2, "manifests": [\#(top)]}"#])
        return l
    }

    @Test func validLayoutsPassFlatAndNested() async throws {
        for nested in [false, true] {
            let l = try image(nested: nested)
            defer { l.dir.remove() }
            let o = try await CASHarness.run(l.dir.path)
            #expect(o.findings.isEmpty, "\(o.findings)")
            #expect(o.stats["layout"] == .string("oci"))
            #expect(CASHarness.stat(o, "objects") == (nested ? 4 : 3))
        }
    }

    @Test func corruptBlobMissingBlobWrongSizeAndOrphan() async throws {
        var l = try image()
        defer { l.dir.remove() }
        let layerHex = ContentHash.hash("layer tar bytes", .sha256).hex
        try l.dir.write(["blobs/sha256/" + layerHex: "layer tar bytez"])
        l.blobs[layerHex] = nil
        try l.blob("nobody points here")
        let o = try await CASHarness.run(l.dir.path, ["layout": "oci"])
        #expect(CASHarness.rules(o) == ["cas/hash-mismatch", "cas/orphan"])

        let configHex = ContentHash.hash(#"{"architecture": "amd64", "os": "linux"}"#, .sha256).hex
        try FileManager.default.removeItem(atPath: l.dir.file("blobs/sha256/" + configHex))
        let missing = try await CASHarness.run(l.dir.path)
        #expect(missing.findings.contains { $0.rule == "cas/missing-object" && $0.path == "blobs/sha256/" + configHex })
    }

    @Test func descriptorSizeMustMatch() async throws {
        var l = try image()
        defer { l.dir.remove() }
        let extra = try l.blob("twelve bytes")
        try l.dir.write(["index.json": """
            {"schemaVersion": 2, "manifests": [{"mediaType": "application/octet-stream", "digest": "\(extra.digest)", "size": 13}]}
            """])
        let o = try await CASHarness.run(l.dir.path)
        #expect(o.findings.contains { $0.rule == "cas/size-mismatch" && $0.evidence?["expectedSize"] == "13" })
    }

    @Test func digestsWithSlashesOrDotDotAreRejected() async throws {
        let l = try image()
        defer { l.dir.remove() }
        for bad in ["sha256:../../etc/passwd", "sha256/abc", "md5:" + String(repeating: "a", count: 32)] {
            try l.dir.write(["index.json": #"{"schemaVersion": 2, "manifests": [{"digest": "\#(bad)", "size": 1}]}"#])
            let o = try await CASHarness.run(l.dir.path)
            #expect(o.findings.contains { $0.rule == "cas/bad-name" && $0.path == "index.json" }, "\(bad): \(o.findings)")
        }
    }

    @Test func unsupportedLayoutVersionFails() async throws {
        let l = try image()
        defer { l.dir.remove() }
        try l.dir.write(["oci-layout": #"{"imageLayoutVersion": "2.0.0"}"#])
        let o = try await CASHarness.run(l.dir.path)
        #expect(o.findings.map(\.rule) == ["cas/format-version"])
    }

    /// 20,000 indexes each nesting the next (the spec sets no depth): walked to the end by the built binary.
    /// gate followed descriptors by recursion, and a chain of 3,000 overflowed its stack (signal 11).
    @Test func aChainOfNestedIndexesDeeperThanAnyStackIsWalked() async throws {
        var l = Layout(dir: try TempDir("cas-oci-deep"))
        defer { l.dir.remove() }
        try l.dir.write(["oci-layout": #"{"imageLayoutVersion": "1.0.0"}"#])
        let type = "application/vnd.oci.image.index.v1+json"
        var inner = try l.blob(#"{"schemaVersion": 2, "manifests": []}"#)
        let depth = 20_000
        for _ in 0..<depth {
            inner = try l.blob(#"{"schemaVersion": 2, "manifests": [\#(Self.descriptor(type, inner))]}"#)
        }
        try l.dir.write(["index.json": #"{"schemaVersion": 2, "manifests": [\#(Self.descriptor(type, inner))]}"#])
        let r = try await Exec.gate(["check", "cas", ".", "--set", "layout=oci", "--set", "cache=false"], cwd: l.dir.path, timeout: .seconds(300))
        #expect(r.code == 0 && r.signal == nil, "exit \(r.code) signal \(r.signal ?? 0): \(r.stdout)\(r.stderr.prefix(2000))")
        #expect(r.stdout.contains("\(depth + 1) blobs reachable from index.json"), "\(r.stdout)")
    }
}
