/// Gathers a check's findings within `FindingLimits`: each finding is capped as it arrives, and whenever
/// the ones held pass the per-check limit by a quarter, they are sorted in report order and cut back to
/// the first `perRule` of each rule and `perCheck` in all; the others are counted. Memory is therefore
/// bounded by the limits, not by what a verifier or a plugin produces, and the findings kept are the same
/// whatever order they arrived in (the first ones in report order).
///
/// Verifiers that can produce many findings collect into one (`append` reads like an array's), then hand
/// `finish()`'s findings and dropped counts to `CheckOutcome`. The scheduler passes every outcome through
/// one as well, so the limits hold for every verifier.
public struct FindingCollector: Sendable {
    public let limits: FindingLimits
    /// Whether an active waiver covers a finding: dropped findings are only counted, so this is asked
    /// before they go (kept ones are waived later, with the rest of the result).
    private let waives: (@Sendable (Finding) -> Bool)?
    private var held: [Finding] = []
    /// `held[..<sortedPrefix]` is the result of the last cut, already sorted.
    private var sortedPrefix = 0
    private var dropped: DroppedTable
    private var severities: [Severity: Int] = [:]

    public init(limits: FindingLimits, waives: (@Sendable (Finding) -> Bool)?) {
        self.limits = limits
        self.waives = waives
        dropped = DroppedTable(limit: limits.droppedRules)
    }

    /// A collector with the limits and waivers of the check whose `Verifier.run` this is called from (the
    /// scheduler sets `FindingCollector.check`), else the standard limits and no waivers.
    public init() {
        self.init(limits: Self.check?.findingLimits ?? .standard, waives: Self.check?.waives)
    }

    /// A collector with the check's limits and waivers.
    public init(_ context: CheckContext) {
        self.init(limits: context.findingLimits, waives: context.waives)
    }

    /// The check being run in this task: what `init()` takes its limits and waivers from, so that a
    /// collector made deep in a verifier counts its dropped findings against the suite's waivers.
    @TaskLocal public static var check: CheckContext?

    /// Findings seen (kept or dropped), by severity.
    public var countsBySeverity: [Severity: Int] { severities }

    /// Findings seen, kept or dropped.
    public var count: Int { severities.values.reduce(0, +) }

    public var isEmpty: Bool { count == 0 }

    public mutating func append(_ finding: Finding) {
        append(finding, cut: [:])
    }

    /// `cut` names fields a streaming reader already cut, with the bytes it dropped (see `Finding.capped`).
    public mutating func append(_ finding: Finding, cut: [String: Int]) {
        severities[finding.severity, default: 0] += 1
        held.append(finding.capped(limits, cut: cut))
        if held.count >= limits.perCheck + max(256, limits.perCheck / 4) { trim() }
    }

    public mutating func append<S: Sequence<Finding>>(contentsOf findings: S) {
        for f in findings { append(f) }
    }

    public static func += <S: Sequence<Finding>>(c: inout FindingCollector, findings: S) {
        c.append(contentsOf: findings)
    }

    /// Counts findings that an earlier collector (a worker's, a verifier's) already dropped.
    public mutating func add(dropped entries: [DroppedFindings]) {
        for d in entries {
            severities[d.severity, default: 0] += d.count
            dropped.add(rule: d.rule, severity: d.severity, count: d.count, waived: d.waived ?? 0)
        }
    }

    /// Takes in everything another collector holds and counts (the workers of a parallel scan each have one).
    public mutating func merge(_ other: FindingCollector) {
        var other = other
        let (findings, entries) = other.finish()
        append(contentsOf: findings)
        add(dropped: entries)
    }

    /// The findings kept, in report order, and the counts of those dropped.
    public mutating func finish() -> (findings: [Finding], dropped: [DroppedFindings]) {
        trim()
        return (held, dropped.entries)
    }

    /// Sorts what is held and keeps the first `perRule` of each rule and `perCheck` in all.
    private mutating func trim() {
        if sortedPrefix < held.count {
            // The prefix is sorted already: sort the newcomers and merge, rather than sort everything again.
            var tail = Array(held[sortedPrefix...])
            tail.sort(by: Finding.reportOrder)
            if sortedPrefix == 0 {
                held = tail
            } else {
                held = Self.merged(Array(held[..<sortedPrefix]), tail)
            }
        }
        var perRule: [String: Int] = [:]
        var kept: [Finding] = []
        kept.reserveCapacity(min(held.count, limits.perCheck))
        for f in held {
            let n = perRule[f.rule, default: 0]
            if kept.count < limits.perCheck && n < limits.perRule {
                perRule[f.rule] = n + 1
                kept.append(f)
            } else {
                dropped.add(rule: f.rule, severity: f.severity, count: 1, waived: f.waived || waives?(f) == true ? 1 : 0)
            }
        }
        held = kept
        sortedPrefix = held.count
    }

    private static func merged(_ a: [Finding], _ b: [Finding]) -> [Finding] {
        var out: [Finding] = []
        out.reserveCapacity(a.count + b.count)
        var i = 0, j = 0
        while i < a.count && j < b.count {
            if Finding.reportOrder(b[j], a[i]) { out.append(b[j]); j += 1 } else { out.append(a[i]); i += 1 }
        }
        out += a[i...]
        out += b[j...]
        return out
    }
}
