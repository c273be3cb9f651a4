import GateCore

/// `forbidden`: modules in `from` must not import modules in `to`, except what `allow` lists.
///
/// Native rules subtract overlaps (`from: service`, `to: service.db` means the rest of `service` must
/// not import `service.db`). import-linter contracts skip overlapping pairs instead, check that source
/// and internal forbidden modules exist, and accept external forbidden modules only with
/// `include_external_packages`, as import-linter does.
extension RuleEvaluator {
    mutating func evaluateForbidden() throws(RuleError) {
        let sources: [Member]
        var targets: [Member]
        if let session = rule.flavor.session {
            sources = try importLinterModules(rule.from, mustExist: { _ in true })
            targets = try importLinterModules(rule.to, mustExist: { session.isInternal($0) })
            for t in targets where !session.isInternal(t.label) {
                guard session.includeExternal else {
                    throw RuleError(message: "\(where_): the top level configuration must have include_external_packages=True when there are external forbidden modules ('\(t.label)')")
                }
                if t.label.contains(".") {
                    throw RuleError(message: "\(where_): invalid forbidden module '\(t.label)': subpackages of external packages are not valid")
                }
            }
            targets = targets.filter { !$0.nodes.isEmpty }
        } else {
            sources = try members(rule.from)
            targets = try members(rule.to)
        }
        let allowed = Set(try members(rule.allowModules).flatMap(\.nodes))
        let fix = "Move the code, invert the dependency, or add the import to the rule's 'allow' list (or 'ignore-imports')."
        if rule.flavor.isImportLinter {
            // import-linter checks each (source, forbidden) pair on its own and skips overlapping pairs.
            for s in sources {
                for t in targets where !Self.overlaps(s.label, t.label, asPackages: rule.asPackages) {
                    let targetNodes = Set(t.nodes).subtracting(allowed)
                    if s.nodes.isEmpty || targetNodes.isEmpty { continue }
                    report(from: s.nodes, to: targetNodes, mode: rule.mode, reason: "'\(s.label)' must not import '\(t.label)'", fix: fix)
                }
            }
            return
        }
        // Native: the forbidden modules form one set, so a chain ends at the first forbidden module it
        // reaches; overlaps are subtracted (`from: service`, `to: service.db`: the rest of service).
        let forbidden = Set(targets.flatMap(\.nodes)).subtracting(allowed)
        for s in sources {
            let sourceNodes = s.nodes.filter { !forbidden.contains($0) }
            let targetNodes = forbidden.subtracting(s.nodes)
            if sourceNodes.isEmpty || targetNodes.isEmpty { continue }
            report(from: sourceNodes, to: targetNodes, mode: rule.mode, reason: { chain in
                let label = targets.first { $0.nodes.contains(chain.last!) }?.label ?? "?"
                return "'\(s.label)' must not import '\(label)'"
            }, fix: fix)
        }
    }

    /// import-linter's overlap: the same module, or (as packages) one inside the other.
    static func overlaps(_ a: String, _ b: String, asPackages: Bool) -> Bool {
        if a == b { return true }
        return asPackages && (a.hasPrefix(b + ".") || b.hasPrefix(a + "."))
    }

    var where_: String {
        if let id = rule.contractID, let s = rule.flavor.session { return "\(s.file): contract '\(id)'" }
        return rule.location.map { "\($0): rule '\(rule.name)'" } ?? "rule '\(rule.name)'"
    }

    /// import-linter's module expressions: a plain name stands for itself (existing or not, checked by
    /// `mustExist`), a wildcard for the modules it matches. Members keep their descendants when the
    /// contract treats modules as packages.
    func importLinterModules(_ selectors: [ModuleSelector], mustExist: (String) -> Bool) throws(RuleError) -> [Member] {
        var out: [Member] = []
        for s in selectors {
            if s.hasWildcard {
                out.append(contentsOf: index.resolve(s, asPackages: rule.asPackages).filter { $0.exact != nil })
                continue
            }
            if let m = index.resolve(s, asPackages: rule.asPackages).first, m.exact != nil {
                out.append(m)
            } else if mustExist(s.text) {
                var message = "\(where_): module '\(s.text)' does not exist"
                if let suggestion = index.suggestion(for: s) { message += "; did you mean '\(suggestion)'?" }
                throw RuleError(message: message)
            } else {
                out.append(Member(label: s.text, nodes: [], exact: nil))
            }
        }
        var seen = Set<String>()
        return out.filter { seen.insert($0.label).inserted }
    }
}
