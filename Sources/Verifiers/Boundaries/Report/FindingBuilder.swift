import GateCore

/// Turns violations into findings: one per import for a direct violation (with its file and line), one
/// per chain for a transitive one (with every hop's file:line), one per cycle.
///
/// Fingerprints are built from the rule, the module names and, for several imports of the same module
/// in one file, their order, so they survive edits elsewhere in the file.
struct FindingBuilder {
    let graph: ModuleGraph

    func findings(for violations: [Violation]) -> [Finding] {
        var out: [Finding] = []
        var occurrences: [String: Int] = [:]
        for var v in violations {
            let label = Self.label(v.rule)
            // A broken contract's own findings carry its guidance as their fix and help text, so every
            // report (console, Markdown, HTML, SARIF) shows it where import-linter prints it.
            if let guidance = v.rule.guidance, v.findingRule == nil, v.severity == .error { v.fix = guidance }
            switch v.kind {
            case .note:
                out.append(Finding(
                    rule: v.findingRule ?? v.rule.ruleID, severity: v.severity, message: "\(v.reason) (\(label)). \(v.fix)",
                    identity: "\(v.rule.name)\u{0}note\u{0}\(v.subject)",
                    evidence: ["rule": v.rule.name].merging(v.extra) { a, _ in a }, help: v.fix))
            case .imports where v.segments.first?.count == 2:
                let (u, w) = (v.segments[0][0], v.segments[0][1])
                for site in graph.sites(u, w) {
                    let path = graph.files[Int(site.file)]
                    let key = "\(v.rule.name)\u{0}\(graph.name(u))\u{0}\(graph.name(w))\u{0}\(path)"
                    let n = occurrences[key, default: 0]
                    occurrences[key] = n + 1
                    out.append(Finding(
                        rule: v.rule.ruleID, severity: v.severity,
                        message: "'\(graph.name(u))' imports '\(graph.name(w))': \(v.reason) (\(label)). \(v.fix)",
                        path: path, line: Int(site.line), identity: key + "\u{0}\(n)",
                        evidence: evidence(v, importer: u, imported: w), help: v.fix))
                }
            case .imports:
                let chain = v.segments[0]
                guard let first = chain.first, let last = chain.last else { continue }
                let site = graph.sites(chain[0], chain[1]).first
                let via = chain.dropFirst().dropLast().map { "'\(graph.name($0))'" }.joined(separator: ", ")
                var e = evidence(v, importer: first, imported: last)
                e["chain"] = describe(chain)
                out.append(Finding(
                    rule: v.rule.ruleID, severity: v.severity,
                    message: "'\(graph.name(first))' imports '\(graph.name(last))' indirectly, through \(via): \(v.reason) (\(label)). Chain: \(describe(chain)). \(v.fix)",
                    path: site.map { graph.files[Int($0.file)] }, line: site.map { Int($0.line) },
                    identity: "\(v.rule.name)\u{0}" + chain.map { graph.name($0) }.joined(separator: "\u{0}"),
                    evidence: e, help: v.fix))
            case .cycle:
                guard let firstHop = v.segments.first, firstHop.count >= 2 else { continue }
                let site = graph.sites(firstHop[0], firstHop[1]).first
                let hops = v.segments.map(describe).joined(separator: "; ")
                out.append(Finding(
                    rule: v.rule.ruleID, severity: v.severity,
                    message: "\(v.reason) (\(label)). Imports: \(hops). \(v.fix)",
                    path: site.map { graph.files[Int($0.file)] }, line: site.map { Int($0.line) },
                    identity: "\(v.rule.name)\u{0}cycle\u{0}\(v.subject)",
                    evidence: ["rule": v.rule.name, "kind": v.rule.kind.rawValue, "mode": v.rule.mode.rawValue, "cycle": hops]
                        .merging(v.extra) { a, _ in a },
                    help: v.fix))
            }
        }
        return out
    }

    static func label(_ rule: RuleSpec) -> String {
        if let id = rule.contractID { return "import-linter contract '\(id)': \(rule.name)" }
        return "rule '\(rule.name)'"
    }

    private func evidence(_ v: Violation, importer: Int32, imported: Int32) -> [String: String] {
        ["rule": v.rule.name, "kind": v.rule.kind.rawValue, "mode": v.rule.mode.rawValue,
         "importer": graph.name(importer), "imported": graph.name(imported)]
    }

    /// `a (a.py:3) -> b (b.py:7) -> c`: each module with where it imports the next one.
    func describe(_ chain: [Int32]) -> String {
        var parts: [String] = []
        for k in chain.indices {
            var s = graph.name(chain[k])
            if k + 1 < chain.count, let site = graph.sites(chain[k], chain[k + 1]).first {
                s += " (\(graph.files[Int(site.file)]):\(site.line))"
            }
            parts.append(s)
        }
        return parts.joined(separator: " -> ")
    }
}
