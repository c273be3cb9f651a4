import ContentHash
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// Resolving one entry: the work a `DeltaResolver` worker does outside the lock.
extension DeltaResolver {
    /// Inflates entry `k` (applying it to `base` when it is a delta), hashes and parses it. Returns the
    /// data when the entry has children that need it.
    func resolve(_ k: Int, base: ObjectBuffer?, type baseType: GitType?, worker w: ResolverWorker) -> (GitType, ObjectBuffer)? {
        let start = Int(layout.offsets[k]), length = layout.end(k) - start
        let pos = Int(layout.order[k])
        let id = layout.index.idPointer(pos)
        let keep = hasChildren(k)
        let fail = { (problem: String, type: GitType?) -> (GitType, ObjectBuffer)? in
            w.findings.append(self.report.corrupt(id: id, type: type, offset: start, problem: problem))
            self.outcome[k] = 2
            return nil
        }
        if base == nil, !keep, layout.kinds[k] == GitType.blob.rawValue, length > ResolverWorker.streamAbove {
            return stream(k, start: start, length: length, id: id, worker: w)
        }
        let raw = w.extent.reserve(length)
        do { try layout.pack.read(start, length, into: raw) } catch { return fail("cannot be read: \(error.reason)", nil) }
        let extent = UnsafeRawBufferPointer(start: raw, count: length)
        let header: PackEntryHeader
        do {
            header = try PackEntryHeader.parse(extent, offset: UInt64(start), width: layout.width)
            try header.checkSize(entryLength: length)
        } catch {
            return fail(error.description, nil)
        }
        let body = UnsafeRawBufferPointer(rebasing: extent[header.length...])
        let type: GitType
        var result: UnsafeMutableRawPointer
        var resultSize: Int
        var buffer: ObjectBuffer?
        if let base, let baseType {
            type = baseType
            let delta = w.delta.reserve(header.size + 1)
            do { _ = try w.inflater.inflate(body, into: delta, size: header.size) } catch {
                return fail("its delta data: \(error.description)", type)
            }
            let d = UnsafeRawBufferPointer(start: delta, count: header.size)
            do {
                let (size, at) = try GitDelta.sizes(d, baseCount: base.count)
                resultSize = size
                if keep {
                    buffer = ObjectBuffer(count: size)
                    result = buffer!.pointer
                } else {
                    result = w.result.reserve(size + 1)
                }
                try GitDelta.apply(d, start: at, base: base.bytes, into: result, resultSize: size)
            } catch {
                return fail(error.description, type)
            }
        } else {
            guard let t = GitType(rawValue: header.type) else { return fail("it is a delta with no base", nil) }
            type = t
            resultSize = header.size
            if keep {
                buffer = ObjectBuffer(count: header.size)
                result = buffer!.pointer
            } else {
                result = w.result.reserve(header.size + 1)
            }
            do { _ = try w.inflater.inflate(body, into: result, size: header.size) } catch {
                return fail(error.description, type)
            }
        }
        let data = UnsafeRawBufferPointer(start: result, count: resultSize)
        w.objects += 1
        w.bytesHashed += Int64(resultSize)
        let (ok, actual) = w.inspector.matches(type, data, id)
        outcome[k] = 1
        if !ok {
            w.findings.append(report.corrupt(id: id, type: type, offset: start,
                                             problem: "it hashes to \(Hex.encode(actual)) (git: 'packed object is corrupt')",
                                             actual: Hex.encode(actual)))
        } else {
            w.inspector.parse(type, data)
            report.record(position: pos, id: id, type: type, inspector: w.inspector, graph: graph, log: w.log,
                          findings: &w.findings, offset: start, lookup: { self.layout.index.find($0) })
        }
        w.shrink()
        return buffer.map { (type, $0) }
    }

    /// A large blob with no deltas against it: inflated and hashed in pieces, never held whole.
    func stream(_ k: Int, start: Int, length: Int, id: UnsafeRawPointer, worker w: ResolverWorker) -> (GitType, ObjectBuffer)? {
        let pos = Int(layout.order[k])
        let chunk = 1 << 20
        let input = UnsafeMutableRawBufferPointer(start: w.extent.reserve(chunk), count: chunk)
        let scratch = UnsafeMutableRawBufferPointer(start: w.result.reserve(chunk), count: chunk)
        var headerBytes = [UInt8](repeating: 0, count: min(length, 32))
        do { try layout.pack.read(start, headerBytes.count, into: &headerBytes) } catch {
            w.findings.append(report.corrupt(id: id, type: .blob, offset: start, problem: "cannot be read: \(error.reason)"))
            outcome[k] = 2
            return nil
        }
        let header: PackEntryHeader
        do {
            header = try headerBytes.withUnsafeBytes { (b) throws(PackEntryHeader.Problem) in
                try PackEntryHeader.parse(b, offset: UInt64(start), width: layout.width)
            }
            try header.checkSize(entryLength: length)
        } catch {
            // The layout pass read this header already; a failure here is still a finding, never a silent one.
            w.findings.append(report.corrupt(id: id, type: .blob, offset: start, problem: "\(error)"))
            outcome[k] = 2
            return nil
        }
        let hasher = StreamingHasher(report.algorithm)
        hasher.update(ObjectInspector.header(.blob, header.size))
        var at = start + header.length
        let stop = start + length
        let pack = layout.pack
        do {
            let (produced, _) = try w.inflater.stream(read: { (buf: UnsafeMutableRawBufferPointer) throws(GitReadError) -> Int in
                let n = min(buf.count, stop - at)
                if n <= 0 { return 0 }
                try pack.read(at, n, into: buf.baseAddress!)
                at += n
                return n
            }, into: scratch, input: input, sink: { hasher.update($0); return true })
            guard produced == header.size else {
                w.findings.append(report.corrupt(id: id, type: .blob, offset: start,
                                                 problem: "it inflates to \(produced) bytes, not the \(header.size) its header says"))
                outcome[k] = 2
                return nil
            }
        } catch {
            let why: String
            switch error {
            case .zlib(let z): why = z.description
            case .read(let r): why = "cannot be read: \(r.reason)"
            case .stopped: why = "stopped"
            case .trailing: why = "bytes follow its zlib stream inside the entry"
            }
            w.findings.append(report.corrupt(id: id, type: .blob, offset: start, problem: why))
            outcome[k] = 2
            return nil
        }
        let actual = hasher.finalize().bytes
        w.objects += 1
        w.bytesHashed += Int64(header.size)
        outcome[k] = 1
        if actual.withUnsafeBytes({ memcmp($0.baseAddress!, id, actual.count) }) != 0 {
            w.findings.append(report.corrupt(id: id, type: .blob, offset: start,
                                             problem: "it hashes to \(Hex.encode(actual)) (git: 'packed object is corrupt')",
                                             actual: Hex.encode(actual)))
        } else {
            graph.states[pos] = GitType.blob.rawValue
        }
        return nil
    }
}

/// A base whose delta children are being resolved.
final class DeltaNode {
    let node: Int
    /// The pack entry, or -1 for a base outside the pack.
    let entry: Int
    let parent: DeltaNode?
    let type: GitType
    var next: Int
    let end: Int
    var remaining: Int
    var retain = 0
    var data: ObjectBuffer?
    var size = 0

    init(node: Int, entry: Int, parent: DeltaNode?, type: GitType, first: Int, end: Int) {
        self.node = node
        self.entry = entry
        self.parent = parent
        self.type = type
        next = first
        self.end = end
        remaining = end - first
    }
}

/// One worker's buffers, zlib stream, parser and results for one pack.
final class ResolverWorker {
    static let streamAbove = 32 << 20
    let inflater = Inflater()
    let extent = ScratchBuffer(1 << 20)
    let delta = ScratchBuffer(1 << 16)
    let result = ScratchBuffer(1 << 20)
    let inspector: ObjectInspector
    let log = EdgeLog()
    var findings: [Finding] = []
    var objects = 0
    var bytesHashed: Int64 = 0

    init(inspector: ObjectInspector) { self.inspector = inspector }

    func shrink() {
        extent.shrink(to: 1 << 20)
        delta.shrink(to: 1 << 20)
        result.shrink(to: 1 << 20)
    }
}
