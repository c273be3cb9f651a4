import GateCore

/// `only`: only the modules in `from` may import the modules in `to` (import-linter's `protected`).
/// Modules inside a protected package may import each other. Every indirect route into a protected
/// module that avoids the allowed importers ends with a direct import from outside them, so both modes
/// report those direct imports.
extension RuleEvaluator {
    mutating func evaluateOnly() throws(RuleError) {
        let protected: [Member]
        let allowed: Set<Int32>
        if rule.flavor.isImportLinter {
            protected = try importLinterModules(rule.to, mustExist: { _ in true })
            allowed = Set(try importLinterModules(rule.from, mustExist: { _ in false }).flatMap(\.nodes))
        } else {
            protected = try members(rule.to)
            allowed = Set(try members(rule.from).flatMap(\.nodes))
        }
        let allowedNames = rule.from.map { "'\($0.text)'" }.joined(separator: ", ")
        for p in protected {
            let pset = Set(p.nodes)
            for v in p.nodes {
                for u in graph.pred[Int(v)] where !allowed.contains(u) && !pset.contains(u) && reported.insert([u, v]).inserted {
                    violations.append(Violation(
                        rule: rule, kind: .imports, segments: [[u, v]],
                        reason: "only \(allowedNames.isEmpty ? "no module" : allowedNames) may import '\(p.label)'",
                        fix: "Go through the allowed modules instead, or add this importer to the rule's 'from' list."))
                }
            }
        }
    }
}
