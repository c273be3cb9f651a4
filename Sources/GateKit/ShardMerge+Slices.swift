import GateCore

extension ShardMerge {
    /// One result from the slices of a split check: every finding, the worst status, summed numeric stats,
    /// and the longest slice's duration (the slices ran side by side).
    static func combineSlices(_ slices: [CheckResult]) -> CheckResult {
        let ordered = slices.sorted { sliceIndex($0) < sliceIndex($1) }
        var r = ordered[0]
        // A problem with the whole store (its format file) is seen by every slice: report it once.
        var seen: Set<Finding> = []
        // Each slice kept its own first findings: the merged check keeps the first of all of them, within the
        // same limits, and counts the rest with what the slices dropped.
        var collector = FindingCollector()
        collector.append(contentsOf: ordered.flatMap(\.findings).filter { seen.insert($0).inserted })
        collector.add(dropped: ordered.flatMap { $0.droppedFindings ?? [] })
        let (findings, dropped) = collector.finish()
        r.findings = findings
        r.droppedFindings = dropped.isEmpty ? nil : dropped
        r.status = ordered.map(\.status).max { rank($0) < rank($1) } ?? r.status
        r.durationMs = ordered.map(\.durationMs).max() ?? 0
        r.rules = Array(Set(ordered.flatMap(\.rules))).sorted()
        r.summary = "\(ordered.count) slices: " + ordered.map { "[\($0.slice ?? "?")] \($0.summary)" }.joined(separator: "; ")
        r.reason = ordered.compactMap(\.reason).first
        let logs = ordered.compactMap { c in c.log.map { "--- slice \(c.slice ?? "?") ---\n" + $0 } }
        r.log = logs.isEmpty ? nil : logs.joined(separator: "\n")
        r.slice = ordered.compactMap(\.slice).joined(separator: ",")
        let cached = ordered.map(\.cached)
        r.cached = cached.allSatisfy { $0 == true } ? true : (cached.contains(false) ? false : nil)
        r.cache = nil
        var stats: [String: JSONValue] = [:]
        for c in ordered {
            for (k, v) in c.stats {
                switch (stats[k], v) {
                case (.int(let a)?, .int(let b)):
                    // Counts from files: a sum past Int's range stays at its end rather than trapping.
                    let (sum, overflow) = a.addingReportingOverflow(b)
                    stats[k] = .int(overflow ? (b > 0 ? Int.max : Int.min) : sum)
                case (.double(let a)?, .double(let b)): stats[k] = .double(a + b)
                case (nil, _): stats[k] = v
                default: break
                }
            }
        }
        r.stats = stats
        if ordered.contains(where: { $0.testcases != nil }) {
            var names: [String] = []
            var assignments: [String: String] = [:]
            for c in ordered {
                guard let t = c.testcases else { continue }
                for n in t.names where !names.contains(n) { names.append(n) }
                assignments.merge(t.assignments, uniquingKeysWith: { a, _ in a })
            }
            r.testcases = TestcaseLayout(names: names, assignments: assignments)
        }
        return r
    }

    private static func sliceIndex(_ c: CheckResult) -> Int {
        Int(c.slice?.split(separator: "/").first ?? "") ?? 0
    }

    /// Worse outcomes rank higher: an errored slice makes the whole check errored.
    private static func rank(_ s: CheckStatus) -> Int {
        switch s {
        case .skipped: 0
        case .passed: 1
        case .waived: 2
        case .failed: 3
        case .timedOut: 4
        case .error: 5
        }
    }
}
