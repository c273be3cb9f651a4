/// Shortest import chains between two sets of modules, by breadth-first search.
///
/// `chains(from:to:avoiding:)` follows import-linter: it finds the shortest chain, then bans that
/// chain's imports and searches again, until none is left. Every direct import between the two sets is
/// therefore reported, and each further chain shows one more independent route.
///
/// Among equally short chains it returns the first by module names, hop by hop (sources and each
/// module's imports are visited in name order). import-linter has no stable order to follow here: grimp
/// (rust/src/graph/pathfinding.rs, `find_shortest_path`) walks hash sets whose order follows Python's
/// per-process string hashing, so `lint-imports` picks different equal chains under different
/// PYTHONHASHSEED values; gate's pick depends only on the names, never on file order or the run.
struct ChainFinder {
    let graph: ModuleGraph
    /// Each module's imports in name order.
    private let successors: [[Int32]]
    /// Position of each module in name order.
    private let rank: [Int32]
    private var previous: [Int32]
    private var stamp: [UInt32]
    private var generation: UInt32 = 0
    private var queue: [Int32] = []

    init(graph: ModuleGraph) {
        self.graph = graph
        let order = graph.nodes.indices.sorted { (graph.nodes[$0].language.rawValue, graph.nodes[$0].name) < (graph.nodes[$1].language.rawValue, graph.nodes[$1].name) }
        var rank = [Int32](repeating: 0, count: graph.count)
        for (k, id) in order.enumerated() { rank[id] = Int32(k) }
        self.rank = rank
        successors = graph.succ.map { $0.sorted { rank[Int($0)] < rank[Int($1)] } }
        previous = [Int32](repeating: -1, count: graph.count)
        stamp = [UInt32](repeating: 0, count: graph.count)
    }

    /// Whether any chain leads from `sources` to `targets` through nodes not in `excluded`.
    mutating func exists(from sources: [Int32], to targets: Set<Int32>, excluded: Set<Int32> = []) -> Bool {
        shortest(from: sources, to: targets, excludedNodes: excluded, excludedEdges: []) != nil
    }

    /// Repeatedly finds the shortest chain and bans its imports. Chains are node lists, head first.
    mutating func chains(from sources: [Int32], to targets: Set<Int32>, excluded: Set<Int32> = [],
                         limit: Int = 10_000) -> [[Int32]] {
        var banned = Set<UInt64>()
        var out: [[Int32]] = []
        while out.count < limit, !Task.isCancelled,
              let chain = shortest(from: sources, to: targets, excludedNodes: excluded, excludedEdges: banned) {
            for k in 0..<(chain.count - 1) { banned.insert(ModuleGraph.key(chain[k], chain[k + 1])) }
            out.append(chain)
        }
        return out
    }

    mutating func shortest(from sources: [Int32], to targets: Set<Int32>, excludedNodes: Set<Int32>,
                           excludedEdges: Set<UInt64>) -> [Int32]? {
        generation &+= 1
        if generation == 0 {
            for k in stamp.indices { stamp[k] = 0 }
            generation = 1
        }
        queue.removeAll(keepingCapacity: true)
        for s in sources.sorted(by: { rank[Int($0)] < rank[Int($1)] }) where !targets.contains(s) {
            stamp[Int(s)] = generation
            previous[Int(s)] = -1
            queue.append(s)
        }
        var head = 0
        while head < queue.count {
            let u = queue[head]
            head += 1
            for v in successors[Int(u)] {
                if stamp[Int(v)] == generation { continue }
                if !excludedEdges.isEmpty && excludedEdges.contains(ModuleGraph.key(u, v)) { continue }
                if targets.contains(v) {
                    var chain = [v, u]
                    var p = previous[Int(u)]
                    while p >= 0 { chain.append(p); p = previous[Int(p)] }
                    return chain.reversed()
                }
                if excludedNodes.contains(v) { continue }
                stamp[Int(v)] = generation
                previous[Int(v)] = u
                queue.append(v)
            }
        }
        return nil
    }

    /// Direct imports from `sources` into `targets`, as (importer, imported), sorted.
    func directImports(from sources: [Int32], to targets: Set<Int32>) -> [(Int32, Int32)] {
        var out: [(Int32, Int32)] = []
        for u in sources where !targets.contains(u) {
            for v in graph.succ[Int(u)] where targets.contains(v) { out.append((u, v)) }
        }
        return out
    }
}
