import GateCore

/// `independence`: the listed modules must not import each other. A wildcard (`service.*`,
/// `Sources/Verifiers/*`) makes each match a member of its own. In transitive mode a chain between two
/// members counts when it does not pass through a third member (that hop is reported on its own).
extension RuleEvaluator {
    mutating func evaluateIndependence() throws(RuleError) {
        let found = rule.flavor.isImportLinter
            ? try importLinterModules(rule.modules, mustExist: { _ in true })
            : try members(rule.modules)
        let all = Set(found.flatMap(\.nodes))
        for a in found {
            let aSet = Set(a.nodes)
            for b in found where b.label != a.label {
                let bSet = Set(b.nodes)
                let sources = a.nodes.filter { !bSet.contains($0) }
                let targets = bSet.subtracting(aSet)
                guard !sources.isEmpty, !targets.isEmpty else { continue }
                report(from: sources, to: targets, excluded: all.subtracting(aSet).subtracting(bSet), mode: rule.mode,
                       reason: "'\(a.label)' and '\(b.label)' must be independent of each other",
                       fix: "Move what both need into a module below them, or add an exception to 'ignore-imports'.")
            }
        }
    }
}
