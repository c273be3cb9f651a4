import GateCore

/// `acyclic`: no cycles among the given modules (`modules:`; a wildcard makes each match a member), or
/// among the children of each `ancestors:` package, recursively down to `depth` levels (import-linter's
/// `acyclic_siblings`). Each strongly connected group of members is one violation, reported with one
/// concrete cycle through it and the import on each hop.
extension RuleEvaluator {
    mutating func evaluateAcyclic() throws(RuleError) {
        if !rule.modules.isEmpty {
            cycles(among: try members(rule.modules))
        }
        guard !rule.ancestors.isEmpty else { return }
        let roots: [Member]
        let skipped: Set<String>
        if rule.flavor.isImportLinter {
            // import-linter raises when an ancestor or a skipped descendant matches nothing.
            for s in rule.ancestors + rule.skipDescendants where s.hasWildcard && index.resolve(s).allSatisfy({ $0.exact == nil }) {
                throw RuleError(message: "\(where_): the expression '\(s.text)' did not match any modules")
            }
            roots = try importLinterModules(rule.ancestors, mustExist: { _ in true }).filter { $0.exact != nil }
            skipped = Set(try importLinterModules(rule.skipDescendants, mustExist: { _ in true }).map(\.label))
        } else {
            roots = try members(rule.ancestors)
            skipped = Set(try members(rule.skipDescendants).map(\.label))
        }
        for root in roots {
            let language = index.languages(of: root.label).first ?? .python
            siblings(of: root.label, language: language, remaining: rule.depth, skipped: skipped)
        }
    }

    private mutating func siblings(of label: String, language: Language, remaining: Int, skipped: Set<String>) {
        var children = index.children(of: label, language: language)
        if rule.flavor.isImportLinter { children = children.filter { index.graph.id(language, $0) != nil } }
        guard !children.isEmpty else { return }
        if children.count >= 2 {
            cycles(among: children.compactMap { index.resolve(ModuleSelector($0)).first })
        }
        guard remaining > 0 else { return }
        for child in children where !skipped.contains(child) {
            siblings(of: child, language: language, remaining: remaining - 1, skipped: skipped)
        }
    }

    /// Finds strongly connected groups in the graph of members and reports one cycle through each.
    mutating func cycles(among members: [Member]) {
        guard members.count >= 2 else { return }
        let sets = members.map { Set($0.nodes) }
        let all = Set(members.flatMap(\.nodes))
        var adjacency = [[Int]](repeating: [], count: members.count)
        var hop: [Int: [Int32]] = [:]
        for a in members.indices {
            let sources = members[a].nodes
            for b in members.indices where b != a {
                let targets = sets[b].subtracting(sets[a])
                let chain: [Int32]?
                if rule.mode == .direct {
                    chain = finder.directImports(from: sources.filter { !sets[b].contains($0) }, to: targets).first.map { [$0.0, $0.1] }
                } else {
                    chain = finder.shortest(from: sources, to: targets, excludedNodes: all.subtracting(sets[a]).subtracting(sets[b]), excludedEdges: [])
                }
                if let chain {
                    adjacency[a].append(b)
                    hop[a * members.count + b] = chain
                }
            }
        }
        for component in Self.stronglyConnected(adjacency) where component.count >= 2 {
            let start = component.min()!
            guard let loop = Self.shortestCycle(from: start, within: Set(component), adjacency) else { continue }
            let segments = zip(loop, loop.dropFirst()).compactMap { hop[$0 * members.count + $1] }
            let names = loop.map { "'\(members[$0].label)'" }.joined(separator: " -> ")
            var v = Violation(rule: rule, kind: .cycle, segments: segments,
                              reason: "import cycle \(names)",
                              fix: "Break the cycle: invert one of these dependencies, or move what they share into a module below all of them.")
            v.subject = component.map { members[$0].label }.sorted().joined(separator: ",")
            v.extra = ["members": v.subject]
            violations.append(v)
        }
    }

    /// Tarjan's algorithm, iteratively; components come out with sorted member indices.
    static func stronglyConnected(_ adjacency: [[Int]]) -> [[Int]] {
        let n = adjacency.count
        var index = [Int](repeating: -1, count: n)
        var low = [Int](repeating: 0, count: n)
        var onStack = [Bool](repeating: false, count: n)
        var stack: [Int] = []
        var out: [[Int]] = []
        var counter = 0
        var calls: [(node: Int, next: Int)] = []
        func visit(_ v: Int) {
            index[v] = counter
            low[v] = counter
            counter += 1
            stack.append(v)
            onStack[v] = true
            calls.append((v, 0))
        }
        for root in 0..<n where index[root] < 0 {
            visit(root)
            while let (v, k) = calls.last {
                if k < adjacency[v].count {
                    calls[calls.count - 1].next = k + 1
                    let w = adjacency[v][k]
                    if index[w] < 0 { visit(w) } else if onStack[w] { low[v] = min(low[v], index[w]) }
                    continue
                }
                calls.removeLast()
                if low[v] == index[v] {
                    var component: [Int] = []
                    while let w = stack.popLast() {
                        onStack[w] = false
                        component.append(w)
                        if w == v { break }
                    }
                    out.append(component.sorted())
                }
                if let parent = calls.last { low[parent.node] = min(low[parent.node], low[v]) }
            }
        }
        return out.sorted { $0[0] < $1[0] }
    }

    /// The shortest path from `start` back to itself inside a component: [start, ..., start].
    static func shortestCycle(from start: Int, within allowed: Set<Int>, _ adjacency: [[Int]]) -> [Int]? {
        var previous: [Int: Int] = [:]
        var queue = [start]
        var head = 0
        while head < queue.count {
            let u = queue[head]
            head += 1
            for w in adjacency[u] where allowed.contains(w) {
                if w == start {
                    var path = [start, u]
                    var p = u
                    while let q = previous[p] { path.append(q); p = q }
                    if path.last != start { path.append(start) }
                    return path.reversed()
                }
                if previous[w] == nil && w != start {
                    previous[w] = u
                    queue.append(w)
                }
            }
        }
        return nil
    }
}
