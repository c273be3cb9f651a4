import ContentHash
import Foundation
import GateCore

/// What verifying one pack produced.
struct PackResult: @unchecked Sendable {
    /// Nil when git could not use the pack (no usable idx, or an idx that does not describe it): its
    /// objects then count as absent, as they are for git.
    var graph: SourceGraph?
    var index: PackIndex?
    var findings: [Finding] = []
    var objects = 0
    var bytes: Int64 = 0
    var bytesHashed: Int64 = 0
    var gitmodules: [UInt8] = []
    var gitattributes: [UInt8] = []
    var packChecksum = ""
    var idxChecksum = ""
}

/// Settings every pack and loose object is verified with.
struct GitCheckOptions: @unchecked Sendable {
    var algorithm: HashAlgorithm
    var threads: Int
    var levels: FsckLevels
    var strict: Bool
    var skip: ObjectIDs?
    var cacheLimit: Int
    var cancelled: CancelFlag
    var progress: @Sendable (Int) -> Void

    var width: Int { algorithm.digestLength }
}

/// Verifies one pack and its idx natively: the idx's own checksum and structure, the pack header, the
/// pairing of the two (git's `open_packed_git`: same object count, the idx names the pack's checksum),
/// the pack's trailer, each object's CRC-32, and every object inflated, resolved and hashed against its
/// idx id (git's `verify_pack`), then parsed for connectivity and `--strict` syntax.
enum PackVerifier {
    /// A pack and its idx, opened and checked on their own: the idx's trailer and structure, the pack's
    /// readability. `usable` is false when git could not use the pack at all.
    struct Opened: @unchecked Sendable {
        var idxPath: String
        var packPath: String
        var shownIdx: String
        var shownPack: String
        var promisor: Bool
        var index: PackIndex?
        var file: PackFile?
        var findings: [Finding] = []
        var idxChecksum = ""
        var idxBytes = 0
    }

    static func open(idxPath: String, packPath: String, promisor: Bool, display: (String) -> String,
                     algorithm: HashAlgorithm) -> Opened {
        var o = Opened(idxPath: idxPath, packPath: packPath, shownIdx: display(idxPath), shownPack: display(packPath),
                       promisor: promisor)
        if let problem = PackIndex.sizeProblem(path: idxPath, width: algorithm.digestLength) {
            o.findings.append(GitFindings.pack(path: o.shownIdx, problem: "is not a usable pack index: it \(problem.message)",
                                               rule: "cas/bad-manifest"))
            return o
        }
        let idxFile: RawFile
        do { idxFile = try RawFile(path: idxPath) } catch {
            o.findings.append(GitFindings.pack(path: o.shownIdx, problem: "cannot be read: \(error.reason)", rule: "cas/unreadable"))
            return o
        }
        o.idxBytes = idxFile.count
        let trailer = idxFile.trailerMatches(algorithm)
        o.idxChecksum = trailer.stored
        if !trailer.ok {
            o.findings.append(GitFindings.pack(path: o.shownIdx,
                problem: "hashes to \(trailer.actual), not the checksum it ends with (\(trailer.stored)) (git: 'Packfile index hash mismatch')",
                evidence: ["expected": trailer.stored, "actual": trailer.actual]))
        }
        do { o.index = try PackIndex(file: idxFile, width: algorithm.digestLength) } catch {
            o.findings.append(GitFindings.pack(path: o.shownIdx, problem: "is not a usable pack index: it \(error.message)",
                                               rule: "cas/bad-manifest"))
            return o
        }
        do { o.file = try PackFile(path: packPath) } catch {
            o.findings.append(GitFindings.pack(path: o.shownPack, problem: "cannot be read: \(error.reason)", rule: "cas/unreadable"))
            return o
        }
        if let problem = pairing(index: o.index!, pack: o.file!, width: algorithm.digestLength, shownIdx: o.shownIdx) {
            o.findings.append(GitFindings.pack(path: o.shownPack, problem: problem,
                                               evidence: ["idx": o.shownIdx, "packChecksum": Hex.encode(o.index!.packChecksum)]))
            o.file = nil
        }
        return o
    }

    /// Verifies every object of an opened, paired pack.
    static func verify(_ opened: Opened, options o: GitCheckOptions,
                       external: @escaping @Sendable ([UInt8]) -> (GitType, ObjectBuffer)?) async -> PackResult {
        var result = PackResult()
        result.findings = opened.findings
        result.idxChecksum = opened.idxChecksum
        result.bytes = Int64(opened.idxBytes)
        guard let index = opened.index, let pack = opened.file else { return result }
        result.index = index
        result.bytes += Int64(pack.size)
        let shownIdx = opened.shownIdx, shownPack = opened.shownPack
        result.packChecksum = Hex.encode(index.packChecksum)
        guard index.count <= SourceGraph.maxObjects else {
            result.findings.append(GitFindings.pack(path: shownPack, problem: "has \(index.count) objects, more than gate verifies in one pack (\(SourceGraph.maxObjects))", rule: "cas/unreadable"))
            return result
        }
        let layout = PackLayout(index: index, pack: pack)
        if let problem = layout.orderByOffset() {
            result.findings.append(GitFindings.pack(path: shownIdx, problem: "does not describe '\(shownPack)': it \(problem)",
                                                    rule: "cas/bad-manifest"))
            return result
        }
        let graph = SourceGraph(count: index.count, width: o.width)
        await firstPass(layout, display: shownPack, options: o, result: &result)
        let report = ObjectReport(algorithm: o.algorithm, path: shownPack, skip: o.skip)
        let resolver = DeltaResolver(layout: layout, graph: graph, report: report, cacheLimit: o.cacheLimit)
        resolver.seedExternalBases(external)
        let workers = Slots<ResolverWorker>(o.threads)
        await Workers.run(o.threads, cancelled: o.cancelled) { i in
            let w = ResolverWorker(inspector: ObjectInspector(algorithm: o.algorithm, levels: o.levels, strict: o.strict))
            resolver.run(w, cancelled: o.cancelled)
            workers[i] = w
        }
        var logs: [EdgeLog] = []
        for w in workers.values {
            result.findings += w.findings
            result.objects += w.objects
            result.bytesHashed += w.bytesHashed
            result.gitmodules += w.inspector.sink.gitmodules
            result.gitattributes += w.inspector.sink.gitattributes
            logs.append(w.log)
        }
        o.progress(result.objects)
        result.findings += resolver.lockedFindings
        result.findings += DeltaDiagnosis.unresolved(layout: layout, resolver: resolver, report: report)
        graph.assemble(logs)
        result.graph = graph
        return result
    }

    /// git's `open_packed_git_1`: a pack header, the same object count as the idx, and a trailer equal to
    /// the pack checksum the idx names. Any failure and git cannot use the pack at all.
    static func pairing(index: PackIndex, pack: PackFile, width: Int, shownIdx: String) -> String? {
        guard pack.size >= 12 + width else {
            return "is \(pack.size) bytes, too short for a pack (truncated); git cannot use it"
        }
        guard let head = try? pack.bytes(0, 12) else { return "cannot be read" }
        guard head[0..<4] == [0x50, 0x41, 0x43, 0x4b] else {
            return "does not start with 'PACK' (git: 'not a packfile'); git cannot use it"
        }
        let version = Int(head[4]) << 24 | Int(head[5]) << 16 | Int(head[6]) << 8 | Int(head[7])
        guard version == 2 || version == 3 else { return "is pack version \(version); git reads versions 2 and 3" }
        let count = Int(head[8]) << 24 | Int(head[9]) << 16 | Int(head[10]) << 8 | Int(head[11])
        guard count == index.count else {
            return "claims \(count) objects while '\(shownIdx)' indicates \(index.count) (git: 'packfile ... claims to have ... objects'); git cannot use it"
        }
        guard let tail = try? pack.bytes(pack.size - width, width) else { return "cannot be read" }
        if tail != index.packChecksum {
            let end = (0..<index.count).map { index.offset($0) }.max() ?? 0
            // Compared as 64 bits: an idx's large offsets are read before anything checks them (2^63 trapped).
            let truncated = end >= UInt64(pack.size - width) ? " (it is truncated: the idx has an object at offset \(end))" : ""
            return "does not match '\(shownIdx)': the idx names pack checksum \(Hex.encode(index.packChecksum)), the pack ends with \(Hex.encode(tail))\(truncated) (git: 'packfile does not match index'); git cannot use it"
        }
        return nil
    }

    /// The CRC and header pass on every worker, with the pack's own checksum computed beside it.
    private static func firstPass(_ layout: PackLayout, display: String, options o: GitCheckOptions, result: inout PackResult) async {
        let n = layout.count
        let pieces = max(1, min(n, o.threads * 8))
        var bounds = [0]
        let total = max(1, layout.pack.size)
        for p in 1..<max(2, pieces) where p < pieces {
            let target = UInt64(total * p / pieces)
            var lo = bounds.last!, hi = n
            while lo < hi {
                let mid = (lo + hi) >> 1
                if layout.offsets[mid] < target { lo = mid + 1 } else { hi = mid }
            }
            if lo > bounds.last! && lo < n { bounds.append(lo) }
        }
        bounds.append(n)
        let cuts = bounds
        let jobs = WorkCounter(cuts.count)  // job 0 hashes the pack, job j scans bounds[j-1]..<bounds[j]
        let found = Slots<[Finding]>(o.threads)
        let externals = Slots<[(entry: Int, base: [UInt8])]>(o.threads)
        let digest = Slots<[UInt8]>(1)
        await Workers.run(o.threads, cancelled: o.cancelled) { w in
            var findings: [Finding] = []
            var external: [(entry: Int, base: [UInt8])] = []
            let buffer = ScratchBuffer(4 << 20)
            while !o.cancelled.isSet, let j = jobs.take()?.lowerBound {
                if j == 0 {
                    let b = UnsafeMutableRawBufferPointer(start: buffer.reserve(4 << 20), count: 4 << 20)
                    digest[0] = try? layout.pack.contentHash(o.algorithm, buffer: b, cancelled: { o.cancelled.isSet })
                } else {
                    layout.scan(cuts[j - 1]..<cuts[j], buffer: buffer, findings: &findings, display: display,
                                external: &external, algorithm: o.algorithm)
                }
            }
            found[w] = findings
            externals[w] = external
        }
        for f in found.values { result.findings += f }
        layout.setExternalDeltas(externals.values.flatMap { $0 }.sorted { $0.entry < $1.entry })
        if let actual = digest[0], !o.cancelled.isSet, actual != layout.index.packChecksum {
            result.findings.append(GitFindings.pack(path: display,
                problem: "hashes to \(Hex.encode(actual)), not the checksum in its trailer (\(Hex.encode(layout.index.packChecksum))) (git: 'pack checksum mismatch')",
                evidence: ["expected": Hex.encode(layout.index.packChecksum), "actual": Hex.encode(actual)]))
        }
    }
}
