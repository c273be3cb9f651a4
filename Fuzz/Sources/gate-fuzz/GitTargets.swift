import ContentHash
import Foundation
import GateCore
@testable import VerifierCAS

/// git's formats as gate reads them natively: a pack with its idx (both readers, delta resolution,
/// the diagnosis of unresolved deltas), a loose object, and the commit/tree/tag parsers with the
/// `--strict` checks.
enum GitTargets {
    static let all: [FuzzTarget] = [
        FuzzTarget(name: "git-pack", run: pack),
        FuzzTarget(name: "git-object", run: object),
    ]

    /// Input: a 4-byte big-endian idx length, the idx, then the pack. The pack's trailer, the pack checksum
    /// in the idx and the idx's own checksum are recomputed first, so that mutations reach the object
    /// readers instead of stopping at a checksum.
    @Sendable static func pack(_ b: UnsafeBufferPointer<UInt8>) {
        let w = 20
        guard b.count >= 4 else { return }
        let n = Int(b[0]) << 24 | Int(b[1]) << 16 | Int(b[2]) << 8 | Int(b[3])
        guard n >= 2 * w, n <= b.count - 4 else { return }
        var idx = Array(b[4..<(4 + n)])
        var pack = Array(b[(4 + n)...])
        guard pack.count >= 12 + w else { return }
        let sum = ContentHash.hash(Array(pack[..<(pack.count - w)]), .sha1).bytes
        pack.replaceSubrange((pack.count - w)..., with: sum)
        idx.replaceSubrange((idx.count - 2 * w)..<(idx.count - w), with: sum)
        idx.replaceSubrange((idx.count - w)..., with: ContentHash.hash(Array(idx[..<(idx.count - w)]), .sha1).bytes)
        let packPath = Scratch.file("fuzz.pack", pack.withUnsafeBufferPointer { $0 })
        guard let index = try? PackIndex(file: RawFile(bytes: idx), width: w), let file = try? PackFile(path: packPath),
              PackVerifier.pairing(index: index, pack: file, width: w, shownIdx: "fuzz.idx") == nil else { return }
        let layout = PackLayout(index: index, pack: file)
        guard layout.orderByOffset() == nil else { return }
        var findings: [Finding] = []
        var external: [(entry: Int, base: [UInt8])] = []
        layout.scan(0..<layout.count, buffer: ScratchBuffer(1 << 16), findings: &findings, display: "fuzz.pack",
                    external: &external, algorithm: .sha1)
        layout.setExternalDeltas(external)
        let graph = SourceGraph(count: index.count, width: w)
        let report = ObjectReport(algorithm: .sha1, path: "fuzz.pack", skip: nil)
        let resolver = DeltaResolver(layout: layout, graph: graph, report: report, cacheLimit: 1 << 16)
        let worker = ResolverWorker(inspector: ObjectInspector(algorithm: .sha1, levels: FsckLevels(strict: true), strict: true))
        resolver.run(worker, cancelled: CancelFlag())
        _ = DeltaDiagnosis.unresolved(layout: layout, resolver: resolver, report: report)
        graph.assemble([worker.log])
    }

    /// Input: one type byte (commit, tree, tag, or a loose object file when 0), then the content.
    @Sendable static func object(_ b: UnsafeBufferPointer<UInt8>) {
        guard let first = b.first else { return }
        let rest = UnsafeRawBufferPointer(UnsafeBufferPointer(rebasing: b[1...]))
        if let type = GitType(rawValue: first % 5) {
            let inspector = ObjectInspector(algorithm: .sha1, levels: FsckLevels(strict: true), strict: true)
            inspector.parse(type, rest)
            _ = inspector.hash(type, rest)
        } else {
            let path = Scratch.file("loose", UnsafeBufferPointer(rebasing: b[1...]))
            _ = LooseReader().read(path, algorithm: .sha1)
        }
    }
}
