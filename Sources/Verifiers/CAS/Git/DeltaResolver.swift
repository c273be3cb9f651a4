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
    /// Findings made under the lock (read after every worker has finished).
    private(set) var lockedFindings: [Finding] = []

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
                    // The base could not be read again after the cache dropped it: the pack changed under us.
                    outcome[child] = 2
                    let pos = Int(layout.order[child])
                    lockedFindings.append(report.corrupt(id: layout.index.idPointer(pos), type: top.type,
                                                         offset: Int(layout.offsets[child]),
                                                         problem: "its delta base could not be read again (did the pack change during the check?)"))
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
        guard let header = try? PackEntryHeader.parse(extent, offset: UInt64(start), width: layout.width),
              (try? header.checkSize(entryLength: length)) != nil else { return nil }
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
}

