import ContentHash
import Foundation
@testable import GateCore
import GateKit
@testable import VerifierBoundaries
@testable import VerifierCAS
@testable import VerifierCommand
@testable import VerifierMigrations

/// Every fuzz target, by the name GATE_FUZZ_TARGET and Fixtures/fuzz/<name>/ use.
enum Targets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "suite-yaml", run: suiteYAML),
        FuzzTarget(name: "oci-index", run: ociIndex),
        FuzzTarget(name: "git-loose", run: gitLoose),
        FuzzTarget(name: "checksum-manifest", run: checksumManifest),
        FuzzTarget(name: "atlas-sum", run: atlasSum),
        FuzzTarget(name: "migration-files", run: migrationFiles),
        FuzzTarget(name: "imports-python", run: { _ = PythonImports.extract($0) }),
        FuzzTarget(name: "imports-javascript", run: { _ = JavaScriptImports.extract($0) }),
        FuzzTarget(name: "imports-swift", run: { _ = SwiftImports.extract($0) }),
        FuzzTarget(name: "imports-go", run: { _ = GoImports.extract($0) }),
        FuzzTarget(name: "imports-java", run: { _ = JavaImports.extract($0) }),
        FuzzTarget(name: "imports-rust", run: { _ = RustImports.extract($0) }),
        FuzzTarget(name: "imports-c", run: { _ = CIncludes.extract($0) }),
        FuzzTarget(name: "junit-ingest", run: { _ = JUnitIngest.read(Scratch.file("junit.xml", $0), root: Scratch.directory) }),
        FuzzTarget(name: "sarif-ingest", run: { _ = SARIFIngest.read(Scratch.file("r.sarif", $0), root: Scratch.directory) }),
        FuzzTarget(name: "gate-findings", run: { _ = FindingsFile.read(Scratch.file("findings.jsonl", $0), root: Scratch.directory) }),
    ] + SecretsTargets.all + GitTargets.all + LedgerTargets.all

    static func text(_ b: UnsafeBufferPointer<UInt8>) -> String { String(decoding: b, as: UTF8.self) }

    /// The suite loader end to end: YAML, includes, keys, and every verifier's parameter validation.
    @Sendable static func suiteYAML(_ b: UnsafeBufferPointer<UInt8>) {
        let path = Scratch.file("suite.yaml", b)
        let loader = SuiteLoader(registry: BuiltinVerifiers.registry, rootOverride: Scratch.directory,
                                 workingDirectory: Scratch.directory)
        _ = try? loader.load(path)
    }

    /// index.json of an OCI layout, with one manifest blob present so nested descriptors are followed.
    @Sendable static func ociIndex(_ b: UnsafeBufferPointer<UInt8>) {
        _ = Scratch.file("index.json", b)
        let manifest = String(repeating: "a", count: 64)
        let blobs = ["sha256:" + manifest: ScannedObject(path: "sha256/" + manifest, digest: manifest, size: b.count, valid: true)]
        try? FileManager.default.createDirectory(atPath: Scratch.directory + "/blobs/sha256", withIntermediateDirectories: true)
        _ = Scratch.file("blobs/sha256/" + manifest, b)
        var graph = OCIGraph(root: Scratch.directory, blobs: blobs)
        graph.walkIndex()
    }

    /// A git loose object: zlib stream, header, content (the reader `layout: git` uses, then the parser).
    @Sendable static func gitLoose(_ b: UnsafeBufferPointer<UInt8>) {
        let path = Scratch.file("object", b)
        if case .object(let type, let content?, _, _, _) = LooseReader().read(path, algorithm: .sha1) {
            let inspector = ObjectInspector(algorithm: .sha1, levels: FsckLevels(strict: true), strict: true)
            content.withUnsafeBytes { inspector.parse(type, $0) }
        }
    }

    @Sendable static func checksumManifest(_ b: UnsafeBufferPointer<UInt8>) {
        _ = ChecksumManifest.parse(text(b), display: "SHA256SUMS", algorithm: nil)
    }

    @Sendable static func atlasSum(_ b: UnsafeBufferPointer<UInt8>) {
        _ = AtlasSum.parse(text(b))
    }

    /// File-name parsers of every migration format, and the checksums computed over file bytes.
    @Sendable static func migrationFiles(_ b: UnsafeBufferPointer<UInt8>) {
        let name = text(UnsafeBufferPointer(rebasing: b.prefix(200)))
        let bytes = Array(b)
        _ = FlywayFormat.parse(name)
        _ = GolangMigrateFormat.parse(name)
        _ = SqlxFormat.parse(name)
        _ = NativeFormat.parse(name)
        _ = AtlasFormat.version(of: name)
        _ = AtlasFormat.txModeNone(bytes)
        _ = FlywayFormat.checksum(bytes)
        _ = AtlasSum.ignored(bytes)
        _ = AtlasSum.compute([(name: name, bytes: bytes)])
        _ = Checksums.crlfToLF(bytes)
        _ = Checksums.lfToCRLF(bytes)
        _ = UTF8Validation.firstInvalidOffset(bytes)
    }
}
