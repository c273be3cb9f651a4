import ContentHash
import Foundation
import GateCore

/// The second pass over a pack: every object inflated once, deltas applied to their bases, each result
/// hashed against its idx id and parsed. Runs on all workers at once.
///
/// The shape follows `git index-pack`'s threaded `resolve_deltas` (builtin/index-pack.c): a shared stack
/// of bases whose delta children are still to be done; a worker takes one child of the top base (so one
/// base with thousands of deltas is spread over every worker), resolves it outside the lock, and pushes
/// it if it has children of its own. When the stack is empty a worker takes the next whole object in pack
/// order. Bases stay in memory only while they have children left, within a byte budget: past it, bases
/// no worker is using are dropped, and rebuilt from their nearest kept ancestor if needed again.
final class DeltaResolver: @unchecked Sendable {
    let layout: PackLayout
    let graph: SourceGraph
    let report: ObjectReport
    let cacheLimit: Int
    /// Children of entry k (0..<count) and of external base e (count + e).
    private let childStart: [UInt32]
    private let children: [UInt32]
    private var externalNodes: [DeltaNode] = []
    /// Per entry: 0 not reached, 1 resolved (hash may still mismatch), 2 failed.
    let outcome: UnsafeMutableBufferPointer<UInt8>

    private let cond = NSCondition()
    private var work: [DeltaNode] = []
    private var parked: [DeltaNode] = []
    private var cacheUsed = 0
    private var rootCursor = 0
    private var active = 0
    private let rebuilder = Inflater()
    private let rebuildScratch = ScratchBuffer(1 << 16)

    init(layout: PackLayout, graph: SourceGraph, report: ObjectReport, cacheLimit: Int) {
        self.layout = layout
        self.graph = graph
        self.report = report
        self.cacheLimit = cacheLimit
        let n = layout.count
        let groups = Self.groupExternals(layout.externalDeltas)
        var counts = [UInt32](repeating: 0, count: n + groups.count + 1)
        for k in 0..<n where layout.bases[k] < PackLayout.externalBase && layout.kinds[k] != 0 {
            counts[Int(layout.bases[k]) + 1] += 1
        }
        for (g, group) in groups.enumerated() { counts[n + g + 1] = UInt32(group.members.count) }
        for i in 0..<(n + groups.count) { counts[i + 1] += counts[i] }
        var fill = counts
        var list = [UInt32](repeating: 0, count: Int(counts[n + groups.count]))
        for k in 0..<n where layout.bases[k] < PackLayout.externalBase && layout.kinds[k] != 0 {
            let b = Int(layout.bases[k])
            list[Int(fill[b])] = UInt32(k)
            fill[b] += 1
        }
        for (g, group) in groups.enumerated() {
            for m in group.members {
                list[Int(fill[n + g])] = UInt32(m)
                fill[n + g] += 1
            }
        }
        childStart = counts
        children = list
        outcome = .allocate(capacity: max(n, 1))
        outcome.initialize(repeating: 0)
        externalGroups = groups
    }

    deinit { outcome.deallocate() }

    let externalGroups: [(base: [UInt8], members: [Int])]

    private static func groupExternals(_ list: [(entry: Int, base: [UInt8])]) -> [(base: [UInt8], members: [Int])] {
        var byBase: [[UInt8]: [Int]] = [:]
        for (k, base) in list { byBase[base, default: []].append(k) }
        return byBase.keys.sorted { $0.lexicographicallyPrecedes($1) }.map { ($0, byBase[$0]!.sorted()) }
    }

    func hasChildren(_ node: Int) -> Bool { childStart[node + 1] > childStart[node] }

    /// Seeds the thin-pack bases that `fetch` could read (from other packs or loose objects).
    func seedExternalBases(_ fetch: ([UInt8]) -> (GitType, ObjectBuffer)?) {
        for (g, group) in externalGroups.enumerated() {
            guard let (type, data) = fetch(group.base) else { continue }
            let node = DeltaNode(node: layout.count + g, entry: -1, parent: nil, type: type,
                                 first: Int(childStart[layout.count + g]), end: Int(childStart[layout.count + g + 1]))
            node.data = data
            node.size = data.count
            cacheUsed += data.count
            work.append(node)
        }
    }

    /// One worker's loop; returns when every object is done or `cancelled` is set.
    func run(_ w: ResolverWorker, cancelled: CancelFlag) {
        cond.lock()
        while !cancelled.isSet {
            if let top = work.last {
                let child = Int(children[top.next])
                top.next += 1
                if top.next == top.end {
                    work.removeLast()
                    parked.append(top)
                }
                if top.data == nil { rebuild(top) }
                guard let base = top.data else {
                    // The base could not be rebuilt: this child cannot be resolved.
                    outcome[child] = 2
                    finishLeaf(top)
                    continue
                }
                top.retain += 1
                active += 1
                cond.unlock()
                let made = resolve(child, base: base, type: top.type, worker: w)
                cond.lock()
                active -= 1
                top.retain -= 1
                settle(child, made: made, parent: top)
                continue
            }
            if let k = nextRoot() {
                active += 1
                cond.unlock()
                let made = resolve(k, base: nil, type: nil, worker: w)
                cond.lock()
                active -= 1
                settle(k, made: made, parent: nil)
                continue
            }
            if active == 0 { break }
            cond.wait()
        }
        cond.broadcast()
        cond.unlock()
    }

    private func nextRoot() -> Int? {
        while rootCursor < layout.count {
            let k = rootCursor
            rootCursor += 1
            let kind = layout.kinds[k]
            if kind >= 1 && kind <= 4 { return k }
        }
        return nil
    }

    /// After `entry` was resolved (or failed): push it if its children need it, else let its ancestors
    /// know one more descendant is done. Called with the lock held.
    private func settle(_ entry: Int, made: (GitType, ObjectBuffer)?, parent: DeltaNode?) {
        if let (type, data) = made, hasChildren(entry) {
            let node = DeltaNode(node: entry, entry: entry, parent: parent, type: type, first: Int(childStart[entry]),
                                 end: Int(childStart[entry + 1]))
            node.data = data
            node.size = data.count
            cacheUsed += data.count
            work.append(node)
            prune()
            cond.broadcast()
        } else {
            if let parent { finishLeaf(parent) }
            cond.broadcast()
        }
    }

    /// One child of `node` is completely done; free every ancestor that has nothing left.
    private func finishLeaf(_ node: DeltaNode) {
        var p: DeltaNode? = node
        while let n = p {
            n.remaining -= 1
            if n.remaining > 0 { break }
            drop(n)
            if let i = parked.firstIndex(where: { $0 === n }) { parked.remove(at: i) }
            p = n.parent
        }
    }

    private func drop(_ n: DeltaNode) {
        if n.data != nil {
            cacheUsed -= n.size
            n.data = nil
        }
    }

    /// Frees bases no worker is using until the cache fits (`prune_base_data`): those whose children
    /// are all handed out first, then those still waiting on the stack, oldest first.
    private func prune() {
        guard cacheUsed > cacheLimit else { return }
        for n in parked where n.retain == 0 && n.data != nil {
            drop(n)
            if cacheUsed <= cacheLimit { return }
        }
        for n in work.dropLast() where n.retain == 0 && n.data != nil {
            drop(n)
            if cacheUsed <= cacheLimit { return }
        }
    }

    /// Rebuilds a dropped base from its nearest ancestor that still has data (`get_base_data`).
    /// Runs under the lock: it happens only when the cache overflowed.
    private func rebuild(_ node: DeltaNode) {
        var chain: [DeltaNode] = []
        var c: DeltaNode? = node
        while let n = c, n.data == nil {
            chain.append(n)
            c = n.parent
        }
        var data = c?.data
        for n in chain.reversed() {
            if n.entry < 0 { return }  // an external base is never dropped
            guard let made = rebuildOne(n.entry, base: data) else { return }
            n.data = made
            n.size = made.count
            cacheUsed += made.count
            data = made
        }
    }

    private func rebuildOne(_ k: Int, base: ObjectBuffer?) -> ObjectBuffer? {
        let start = Int(layout.offsets[k]), length = layout.end(k) - start
        let raw = rebuildScratch.reserve(length)
        do { try layout.pack.read(start, length, into: raw) } catch { return nil }
        let extent = UnsafeRawBufferPointer(start: raw, count: length)
        guard let header = try? PackEntryHeader.parse(extent, offset: UInt64(start), width: layout.width) else { return nil }
        let body = UnsafeRawBufferPointer(rebasing: extent[header.length...])
        if let base {
            let delta = ObjectBuffer(count: header.size)
            guard (try? rebuilder.inflate(body, into: delta.pointer, size: header.size)) != nil,
                  let (size, at) = try? GitDelta.sizes(delta.bytes, baseCount: base.count) else { return nil }
            let out = ObjectBuffer(count: size)
            guard (try? GitDelta.apply(delta.bytes, start: at, base: base.bytes, into: out.pointer, resultSize: size)) != nil
            else { return nil }
            return out
        }
        let out = ObjectBuffer(count: header.size)
        guard (try? rebuilder.inflate(body, into: out.pointer, size: header.size)) != nil else { return nil }
        return out
    }

    /// Inflates entry `k` (applying it to `base` when it is a delta), hashes and parses it. Returns the
    /// data when the entry has children that need it.
    private func resolve(_ k: Int, base: ObjectBuffer?, type baseType: GitType?, worker w: ResolverWorker) -> (GitType, ObjectBuffer)? {
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
        do { header = try PackEntryHeader.parse(extent, offset: UInt64(start), width: layout.width) } catch {
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
    private func stream(_ k: Int, start: Int, length: Int, id: UnsafeRawPointer, worker w: ResolverWorker) -> (GitType, ObjectBuffer)? {
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
        guard let header = try? headerBytes.withUnsafeBytes({ try PackEntryHeader.parse($0, offset: UInt64(start), width: layout.width) })
        else { outcome[k] = 2; return nil }
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
