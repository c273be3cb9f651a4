import ContentHash
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// What verifying one objects directory's loose objects produced.
struct LooseResult: @unchecked Sendable {
    var graph: SourceGraph
    var findings: [Finding] = []
    var objects = 0
    var skipped = 0
    var bytes: Int64 = 0
    var bytesHashed: Int64 = 0
    var gitmodules: [UInt8] = []
    var gitattributes: [UInt8] = []
    /// By position: the stat each object had when read (for the cache), nil if unreadable or corrupt.
    var stats: [FileStat?] = []
}

/// Verifies loose objects on every worker: inflate, check the header, hash against the file name (git's
/// "hash-path mismatch"), parse. `cached(i, stat, sink)` returns a position's cached state (and puts its
/// cached references in the sink) when its file is unchanged; those objects are not read again.
enum LooseVerifier {
    static func verify(_ loose: LooseObjects, display: @escaping @Sendable (String) -> String, options o: GitCheckOptions,
                       cached: @escaping @Sendable (Int, FileStat, ObjectSink) -> UInt8?) async -> LooseResult {
        let n = loose.count
        let graph = SourceGraph(count: n, width: o.width)
        let counter = WorkCounter(n)
        struct Part {
            var findings: [Finding] = []
            var log = EdgeLog()
            var objects = 0
            var skipped = 0
            var bytes: Int64 = 0
            var hashed: Int64 = 0
            var gitmodules: [UInt8] = []
            var gitattributes: [UInt8] = []
        }
        let parts = Slots<Part>(o.threads)
        let stats = Slots<FileStat>(max(n, 1))
        await Workers.run(o.threads, cancelled: o.cancelled) { w in
            var part = Part()
            let reader = LooseReader()
            let inspector = ObjectInspector(algorithm: o.algorithm, levels: o.levels, strict: o.strict)
            while !o.cancelled.isSet, let range = counter.take(64) {
                for i in range {
                    let path = loose.path(i)
                    let shown = display(path)
                    let id = loose.ids.pointer(i)
                    let report = ObjectReport(algorithm: o.algorithm, path: shown, skip: o.skip)
                    if let st = FileStat.of(path), let state = cached(i, st, inspector.sink) {
                        graph.states[i] = state
                        part.log.append(position: i, sink: inspector.sink, lookup: { loose.ids.find($0) })
                        part.bytes += st.size
                        part.skipped += 1
                        stats[i] = st
                        continue
                    }
                    switch reader.read(path, algorithm: o.algorithm) {
                    case .tooLarge:
                        break  // only when a limit is asked for; every object is verified here, blobs streamed
                    case .unreadable(let why):
                        part.findings.append(CASFindings.unreadable(path: shown, reason: "'\(shown)': \(why)"))
                    case .corrupt(let why, let st):
                        part.bytes += st?.size ?? 0
                        part.findings.append(report.corrupt(id: id, type: nil, offset: nil, problem: why + " (git: 'object corrupt or missing')"))
                    case .object(let type, let content, let size, let digest, let st):
                        part.objects += 1
                        part.bytes += st?.size ?? 0
                        part.hashed += Int64(size)
                        if digest.withUnsafeBytes({ memcmp($0.baseAddress!, id, o.width) }) != 0 {
                            part.findings.append(report.corrupt(id: id, type: type, offset: nil,
                                problem: "it hashes to \(Hex.encode(digest)) (git: 'hash-path mismatch')", actual: Hex.encode(digest)))
                            continue
                        }
                        if let content {
                            content.withUnsafeBytes { inspector.parse(type, $0) }
                        } else {
                            inspector.sink.reset()
                        }
                        report.record(position: i, id: id, type: type, inspector: inspector, graph: graph, log: part.log,
                                      findings: &part.findings, offset: nil, lookup: { loose.ids.find($0) })
                        if let st { stats[i] = st }
                    }
                }
                o.progress(range.count)
            }
            part.gitmodules = inspector.sink.gitmodules
            part.gitattributes = inspector.sink.gitattributes
            parts[w] = part
        }
        var result = LooseResult(graph: graph)
        var logs: [EdgeLog] = []
        for p in parts.values {
            result.findings += p.findings
            result.objects += p.objects
            result.skipped += p.skipped
            result.bytes += p.bytes
            result.bytesHashed += p.hashed
            result.gitmodules += p.gitmodules
            result.gitattributes += p.gitattributes
            logs.append(p.log)
        }
        result.stats = (0..<n).map { stats[$0] }
        graph.assemble(logs)
        return result
    }
}
