import GateCore

/// Evaluates one rule on a graph: removes the imports it ignores, then runs the rule's kind.
struct RuleEvaluator {
    let rule: RuleSpec
    let base: ModuleGraph
    let index: ModuleIndex
    /// The graph with ignored imports removed; rules search this one.
    private(set) var graph: ModuleGraph
    var finder: ChainFinder
    var violations: [Violation] = []
    /// Chains already reported by this rule: overlapping selectors (a path glob and a name for the
    /// same target) must not report the same import twice.
    var reported = Set<[Int32]>()

    /// `shared` patterns (the suite's `ignore-imports`) are applied too; the caller reports them once.
    init(rule: RuleSpec, graph base: ModuleGraph, index: ModuleIndex, shared: Set<UInt64> = []) {
        self.rule = rule
        self.base = base
        self.index = index
        var removed = shared
        var unmatched: [ImportPattern] = []
        for pattern in rule.ignoreImports {
            let edges = Self.edges(matching: pattern, in: base, index: index)
            if edges.isEmpty { unmatched.append(pattern) }
            removed.formUnion(edges)
        }
        graph = base.filtered(removing: removed, dropTypeOnly: rule.ignoreTypeChecking)
        finder = ChainFinder(graph: graph)
        if let severity = rule.unmatchedIgnore {
            for p in unmatched {
                var v = Violation(rule: rule, kind: .note, segments: [],
                                  reason: "the ignored import '\(p.text)' matches no import",
                                  fix: "Remove it from 'ignore-imports', or correct the module names.")
                v.severity = severity
                v.subject = p.text
                v.findingRule = "boundaries/unmatched-ignore"
                v.extra = ["pattern": p.text]
                violations.append(v)
            }
        }
    }

    /// Keys of the imports an `a -> b` pattern matches.
    static func edges(matching p: ImportPattern, in graph: ModuleGraph, index: ModuleIndex) -> Set<UInt64> {
        let importers = index.exactNodes(p.importer)
        guard !importers.isEmpty else { return [] }
        let imported = index.exactNodes(p.imported)
        var out = Set<UInt64>()
        for u in importers { for v in graph.succ[Int(u)] where imported.contains(v) { out.insert(ModuleGraph.key(u, v)) } }
        return out
    }

    mutating func run() throws(RuleError) -> [Violation] {
        switch rule.kind {
        case .layers: try evaluateLayers()
        case .forbidden: try evaluateForbidden()
        case .independence: try evaluateIndependence()
        case .acyclic: try evaluateAcyclic()
        case .only: try evaluateOnly()
        }
        return violations
    }

    /// Members for selectors. A selector that matches nothing is an error (with a suggestion) unless it
    /// is optional or `allowEmpty` is set.
    func members(_ selectors: [ModuleSelector], asPackages: Bool = true, allowEmpty: Bool = false) throws(RuleError) -> [Member] {
        var out: [Member] = []
        for s in selectors {
            let found = index.resolve(s, asPackages: asPackages)
            if found.isEmpty && !s.optional && !allowEmpty { throw unknown(s) }
            out.append(contentsOf: found)
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.label).inserted }
    }

    func unknown(_ s: ModuleSelector) -> RuleError {
        var m = "rule '\(rule.name)' names '\(s.text)', which matches no module"
        if let loc = s.location ?? rule.location { m = "\(loc): " + m }
        m += (index.suggestion(for: s).map { "; did you mean '\($0)'?" } ?? ".")
        m += " Module names are dotted (Python, Java, Swift targets), slashed (Go import paths, file paths) or use '::' (Rust); a selector with '/' also matches paths below the root."
        return RuleError(message: m)
    }

    /// Reports violations for imports from `sources` into `targets`, directly or as chains per the mode.
    /// `excluded` nodes may not appear inside a chain.
    mutating func report(from sources: [Int32], to targets: Set<Int32>, excluded: Set<Int32> = [],
                         mode: RuleMode, reason: String, fix: String) {
        report(from: sources, to: targets, excluded: excluded, mode: mode, reason: { _ in reason }, fix: fix)
    }

    /// As above, with the reason depending on the chain (which target it reaches).
    mutating func report(from sources: [Int32], to targets: Set<Int32>, excluded: Set<Int32> = [],
                         mode: RuleMode, reason: ([Int32]) -> String, fix: String) {
        let chains: [[Int32]] = switch mode {
        case .direct: finder.directImports(from: sources, to: targets).map { [$0.0, $0.1] }
        case .transitive: finder.chains(from: sources, to: targets, excluded: excluded)
        }
        for chain in chains where reported.insert(chain).inserted {
            violations.append(Violation(rule: rule, kind: .imports, segments: [chain], reason: reason(chain), fix: fix))
        }
    }

    static let moveFix = "Move the code to a module the rule allows, invert the dependency (let the lower module define an interface the higher one implements), or add an exception to 'ignore-imports'."
}
