import ContentHash
import GateCore

/// Explains the deltas the resolver never reached: a base that is in no pack and no objects directory,
/// a base that is itself corrupt, or a chain of deltas that leads back to itself (which git cannot read
/// either: its `unpack_entry` loops on such a chain). One finding per cause, naming the objects.
/// Thin-pack deltas whose base was found elsewhere are reported too: git refuses them.
enum DeltaDiagnosis {
    static func unresolved(layout: PackLayout, resolver: DeltaResolver, report: ObjectReport) -> [Finding] {
        let n = layout.count
        var findings: [Finding] = []
        var byCause: [String: (problem: String, ids: [String])] = [:]
        var causeOrder: [String] = []
        func add(_ key: String, _ problem: String, _ k: Int) {
            if byCause[key] == nil {
                byCause[key] = (problem, [])
                causeOrder.append(key)
            }
            byCause[key]!.ids.append(layout.index.hex(Int(layout.order[k])))
        }
        let external = Dictionary(layout.externalDeltas.map { ($0.entry, $0.base) }, uniquingKeysWith: { a, _ in a })
        var resolvedThin: [String] = []
        for k in 0..<n where layout.kinds[k] != 0 {
            if resolver.outcome[k] != 0 {
                if external[k] != nil && resolver.outcome[k] == 1 { resolvedThin.append(layout.index.hex(Int(layout.order[k]))) }
                continue
            }
            // Walk toward the base until something explains why this entry was never resolved.
            var seen = Set<Int>()
            var c = k
            while true {
                if !seen.insert(c).inserted {
                    var first = c
                    var x = Int(layout.bases[c])
                    while x != c {
                        first = min(first, x)
                        x = Int(layout.bases[x])
                    }
                    add("cycle:\(first)", "is part of a delta chain that loops back on itself (git cannot read such objects; its unpack_entry never finishes)", k)
                    break
                }
                if layout.kinds[c] == 0 || resolver.outcome[c] == 2 {
                    let id = layout.index.hex(Int(layout.order[c]))
                    add("failed:\(c)", "is a delta (directly or through other deltas) against \(id), which is corrupt, so it cannot be read", k)
                    break
                }
                let b = layout.bases[c]
                if b == PackLayout.externalBase {
                    let base = Hex.encode(external[c] ?? [])
                    add("missing:\(base)", "is a delta against \(base), which is in no pack and no objects directory (git: 'failed to validate delta base reference'; a thin pack missing its base)", k)
                    break
                }
                if b == PackLayout.noBase || layout.kinds[Int(b)] == 0 {
                    add("nobase:\(c)", "is a delta whose base cannot be found", k)
                    break
                }
                c = Int(b)
            }
        }
        for key in causeOrder {
            let (problem, ids) = byCause[key]!
            let shown = ids.prefix(10).joined(separator: ", ") + (ids.count > 10 ? " and \(ids.count - 10) more" : "")
            findings.append(Finding(rule: "cas/missing-object",
                                    message: "'\(report.path)': \(ids.count == 1 ? "object" : "\(ids.count) objects") \(shown) \(problem)",
                                    path: report.path, identity: key, evidence: ["objects": ids.joined(separator: " ")],
                                    help: GitFindings.restore))
        }
        if !resolvedThin.isEmpty {
            let shown = resolvedThin.prefix(10).joined(separator: ", ") + (resolvedThin.count > 10 ? " and \(resolvedThin.count - 10) more" : "")
            findings.append(Finding(rule: "cas/missing-object",
                                    message: "'\(report.path)' is a thin pack: \(resolvedThin.count == 1 ? "object" : "\(resolvedThin.count) objects") \(shown) \(resolvedThin.count == 1 ? "is a delta" : "are deltas") against objects outside the pack; gate resolved and verified them, but git cannot read them (git: 'failed to validate delta base reference')",
                                    path: report.path, identity: "thin-pack", evidence: ["objects": resolvedThin.joined(separator: " ")],
                                    help: "Complete the pack with its bases: 'git index-pack --stdin --fix-thin < \(report.path)' writes a self-contained copy; then remove the thin pack and its idx."))
        }
        return findings
    }
}
