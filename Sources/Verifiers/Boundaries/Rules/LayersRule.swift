import GateCore

/// `layers`: an ordered list, highest first. A lower layer must not import a higher one, and independent
/// siblings in one layer must not import each other. With `containers`, the layers are names relative
/// to each container and the rule applies inside each. In transitive mode a chain counts only when it
/// does not pass through another layer (that hop is reported on its own), as import-linter does.
extension RuleEvaluator {
    mutating func evaluateLayers() throws(RuleError) {
        var containerLabels: [(label: String, separator: String)?] = [nil]
        if !rule.containers.isEmpty {
            let found = rule.flavor.isImportLinter
                ? try importLinterModules(rule.containers, mustExist: { _ in true }).filter { $0.exact != nil }
                : try members(rule.containers)
            if let session = rule.flavor.session {
                for c in found where !session.isInternal(c.label) {
                    throw RuleError(message: "\(where_): invalid container '\(c.label)': a container must be a root package or a subpackage of one (\(session.rootPackages.joined(separator: ", ")))")
                }
            }
            containerLabels = found.map { c in
                let sep = c.label.contains("/") ? "/" : (index.languages(of: c.label).first?.separator ?? ".")
                return (c.label, sep)
            }
        }
        for container in containerLabels {
            try evaluateLayers(in: container)
        }
    }

    private mutating func evaluateLayers(in container: (label: String, separator: String)?) throws(RuleError) {
        func qualified(_ s: ModuleSelector) -> ModuleSelector {
            guard let container else { return s }
            return ModuleSelector(container.label + container.separator + s.text, location: s.location)
        }
        // Levels of members, highest first.
        var levels: [(members: [Member], independent: Bool)] = []
        for layer in rule.layers {
            var level: [Member] = []
            for s in layer.modules {
                let q = qualified(s)
                var found = index.resolve(q)
                if rule.flavor.isImportLinter { found = found.filter { $0.exact != nil && $0.label == q.text } }
                if found.isEmpty && !s.optional {
                    if let c = container {
                        throw RuleError(message: "\(where_): missing layer in container '\(c.label)': module '\(q.text)' does not exist")
                    }
                    if rule.flavor.isImportLinter {
                        var m = "\(where_): missing layer '\(q.text)': module '\(q.text)' does not exist"
                        if let sg = index.suggestion(for: q) { m += "; did you mean '\(sg)'?" }
                        throw RuleError(message: m)
                    }
                    throw unknown(q)
                }
                level.append(contentsOf: found)
            }
            levels.append((level, layer.independent))
        }
        let allLayerNodes = Set(levels.flatMap { $0.members.flatMap(\.nodes) })
        for (li, level) in levels.enumerated() {
            for higher in level.members {
                let higherSet = Set(higher.nodes)
                for lowerLevel in levels[(li + 1)...] {
                    for lower in lowerLevel.members {
                        check(lower, importing: higher, higherSet: higherSet, all: allLayerNodes,
                              reason: "'\(lower.label)' is in a lower layer than '\(higher.label)' and must not import it")
                    }
                }
                if level.independent {
                    for sibling in level.members where sibling.label != higher.label {
                        check(sibling, importing: higher, higherSet: higherSet, all: allLayerNodes,
                              reason: "'\(sibling.label)' and '\(higher.label)' are independent siblings in one layer")
                    }
                }
            }
        }
        if rule.exhaustive, let container {
            let declared = Set(rule.layers.flatMap { $0.modules.map(\.text) }).union(rule.exhaustiveIgnores)
            let language = index.languages(of: container.label).first ?? .python
            for child in index.children(of: container.label, language: language) {
                let tail = String(child.dropFirst(container.label.count + container.separator.count))
                if declared.contains(tail) { continue }
                if rule.flavor.isImportLinter, index.graph.id(language, child) == nil { continue }
                var v = Violation(rule: rule, kind: .note, segments: [],
                                  reason: "'\(child)' is not listed as a layer, and the rule is exhaustive",
                                  fix: "Add '\(tail)' to the layers, or to 'exhaustive-ignores'.")
                v.subject = child
                v.extra = ["unlisted": child]
                violations.append(v)
            }
        }
    }

    private mutating func check(_ lower: Member, importing higher: Member, higherSet: Set<Int32>, all: Set<Int32>, reason: String) {
        let lowerSet = Set(lower.nodes)
        let sources = lower.nodes.filter { !higherSet.contains($0) }
        let targets = higherSet.subtracting(lowerSet)
        guard !sources.isEmpty, !targets.isEmpty else { return }
        let excluded = all.subtracting(lowerSet).subtracting(higherSet)
        report(from: sources, to: targets, excluded: excluded, mode: rule.mode, reason: reason, fix: Self.moveFix)
    }
}
