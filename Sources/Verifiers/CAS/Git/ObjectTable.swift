#if canImport(Glibc)
import Glibc
#endif

/// One verified source of objects: a pack (ids from its idx) or an objects directory's loose objects.
struct ObjectSource: @unchecked Sendable {
    enum IDs {
        case pack(PackIndex)
        case list(ObjectIDs)
    }
    var ids: IDs
    var graph: SourceGraph
    /// A `.promisor` pack: objects fetched from a promisor remote in a partial clone.
    var promisor: Bool
    /// Where a finding about one of its objects points (the pack, or the loose object's file).
    var location: @Sendable (Int) -> String

    var count: Int {
        switch ids {
        case .pack(let p): p.count
        case .list(let l): l.count
        }
    }

    @inline(__always)
    func idPointer(_ i: Int) -> UnsafeRawPointer {
        switch ids {
        case .pack(let p): return p.idPointer(i)
        case .list(let l): return l.pointer(i)
        }
    }
}

/// Every object of every source in one sorted table, each with the source that holds its verified copy:
/// the k-way merge of the sources' sorted id lists. An object in two packs (normal before `git gc`) is
/// one entry; the copy that verified is the one whose references count.
struct ObjectTable {
    let ids: ObjectIDs
    /// By global index: the source and position of the copy used.
    private(set) var source: [UInt32]
    private(set) var position: [UInt32]
    /// By source, by position: the global index.
    private(set) var global: [[UInt32]]

    init(sources: [ObjectSource], width: Int) {
        let total = sources.reduce(0) { $0 + $1.count }
        let flat = UnsafeMutableRawPointer.allocate(byteCount: max(total * width, 1), alignment: 16)
        var src = [UInt32](), pos = [UInt32]()
        src.reserveCapacity(total)
        pos.reserveCapacity(total)
        var map = sources.map { [UInt32](repeating: 0, count: $0.count) }
        var cursor = [Int](repeating: 0, count: sources.count)
        // A binary heap of source indices ordered by each source's current id.
        var heap: [Int] = []
        func less(_ a: Int, _ b: Int) -> Bool {
            let c = memcmp(sources[a].idPointer(cursor[a]), sources[b].idPointer(cursor[b]), width)
            return c < 0 || (c == 0 && a < b)
        }
        func siftDown(_ start: Int) {
            var i = start
            while true {
                let l = 2 * i + 1, r = l + 1
                var m = i
                if l < heap.count && less(heap[l], heap[m]) { m = l }
                if r < heap.count && less(heap[r], heap[m]) { m = r }
                if m == i { return }
                heap.swapAt(i, m)
                i = m
            }
        }
        for s in sources.indices where sources[s].count > 0 { heap.append(s) }
        for i in stride(from: heap.count / 2 - 1, through: 0, by: -1) { siftDown(i) }
        var last = -1
        while let s = heap.first {
            let i = cursor[s]
            let p = sources[s].idPointer(i)
            if last >= 0 && memcmp(flat + last * width, p, width) == 0 {
                // The same object again: prefer a copy that verified.
                if !sources[Int(src[last])].graph.present(Int(pos[last])) && sources[s].graph.present(i) {
                    src[last] = UInt32(s)
                    pos[last] = UInt32(i)
                }
            } else {
                (flat + (last + 1) * width).copyMemory(from: p, byteCount: width)
                src.append(UInt32(s))
                pos.append(UInt32(i))
                last += 1
            }
            map[s][i] = UInt32(last)
            cursor[s] += 1
            if cursor[s] == sources[s].count {
                heap[0] = heap[heap.count - 1]
                heap.removeLast()
            }
            if !heap.isEmpty { siftDown(0) }
        }
        ids = ObjectIDs(width: width, storage: RawFile(owning: flat, count: (last + 1) * width))
        source = src
        position = pos
        global = map
    }

    var count: Int { source.count }
}
