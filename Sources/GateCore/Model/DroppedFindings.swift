/// Findings of one rule and severity that a check found but did not keep (see `FindingLimits`): only
/// their number, and how many of them a waiver covers.
public struct DroppedFindings: Codable, Sendable, Hashable {
    /// The rule, or `*` for the rules past the first `FindingLimits.droppedRules` (in id order).
    public var rule: String
    public var severity: Severity
    public var count: Int
    /// How many of them an active waiver covers; absent when none.
    public var waived: Int?

    public init(rule: String, severity: Severity, count: Int, waived: Int? = nil) {
        self.rule = rule
        self.severity = severity
        self.count = count
        self.waived = waived.flatMap { $0 > 0 ? $0 : nil }
    }

    /// The rule id that stands for every rule not counted on its own.
    public static let otherRules = "*"

    /// The number not covered by a waiver.
    public var unwaived: Int { count - (waived ?? 0) }
}

extension [DroppedFindings] {
    /// How many findings were dropped in all.
    public var total: Int { reduce(0) { $0 + $1.count } }

    /// Unwaived dropped findings by severity.
    public var unwaivedCounts: [Severity: Int] {
        var out: [Severity: Int] = [:]
        for d in self where d.unwaived > 0 { out[d.severity, default: 0] += d.unwaived }
        return out
    }

    /// The findings of `rule` dropped (all severities), and how many of them are unwaived errors.
    public func of(rule: String) -> (count: Int, unwaivedErrors: Int) {
        var n = 0, e = 0
        for d in self where d.rule == rule {
            n += d.count
            if d.severity == .error { e += d.unwaived }
        }
        return (n, e)
    }
}

/// Counts of dropped findings by rule and severity, holding at most `limit` rules: the smallest rule ids
/// seen are counted one by one and the others together under `*`, so the table stays small and the same
/// for the same findings whatever order they arrive in.
struct DroppedTable: Sendable {
    private var counts: [String: [Severity: (count: Int, waived: Int)]] = [:]
    private var other: [Severity: (count: Int, waived: Int)] = [:]
    private var largest: String?
    let limit: Int

    init(limit: Int) { self.limit = max(1, limit) }

    var isEmpty: Bool { counts.isEmpty && other.isEmpty }

    mutating func add(rule: String, severity: Severity, count: Int, waived: Int) {
        guard count > 0 else { return }
        if rule != DroppedFindings.otherRules, counts[rule] == nil, counts.count >= limit {
            // Full: the new rule goes to `*` unless it sorts before the largest counted one, which then does.
            guard let top = largest ?? counts.keys.max(), rule < top else {
                Self.bump(&other, severity, count, waived)
                return
            }
            for (s, c) in counts.removeValue(forKey: top) ?? [:] { Self.bump(&other, s, c.count, c.waived) }
            largest = nil
        }
        if rule == DroppedFindings.otherRules {
            Self.bump(&other, severity, count, waived)
            return
        }
        Self.bump(&counts[rule, default: [:]], severity, count, waived)
        if counts.count >= limit { largest = largest.map { max($0, rule) } ?? counts.keys.max() }
    }

    private static func bump(_ m: inout [Severity: (count: Int, waived: Int)], _ s: Severity, _ n: Int, _ w: Int) {
        let old = m[s] ?? (0, 0)
        m[s] = (old.count + n, old.waived + w)
    }

    /// The entries, by rule (then `*`) and severity.
    var entries: [DroppedFindings] {
        var out: [DroppedFindings] = []
        for rule in counts.keys.sorted() {
            for (s, c) in counts[rule]!.sorted(by: { $0.key > $1.key }) {
                out.append(DroppedFindings(rule: rule, severity: s, count: c.count, waived: c.waived))
            }
        }
        for (s, c) in other.sorted(by: { $0.key > $1.key }) {
            out.append(DroppedFindings(rule: DroppedFindings.otherRules, severity: s, count: c.count, waived: c.waived))
        }
        return out
    }
}
