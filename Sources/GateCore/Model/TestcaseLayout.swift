/// How a check's findings map onto JUnit testcases when one testcase per rule is not the natural unit.
///
/// The default (no layout) is one testcase per evaluated rule. A verifier whose natural unit is something
/// else, such as the tenant-isolation verifier's HTTP resource patterns, names its testcases here and
/// assigns findings to them by fingerprint. Findings it does not assign stay under their rule's testcase.
/// The layout is for report writers only and is not part of the JSON report.
public struct TestcaseLayout: Sendable, Equatable, Codable {
    /// Testcase names in report order.
    public var names: [String]
    /// Finding fingerprint to testcase name.
    public var assignments: [String: String]

    public init(names: [String], assignments: [String: String] = [:]) {
        self.names = names
        self.assignments = assignments
    }

    /// The testcase a finding belongs to.
    public func testcase(for finding: Finding) -> String {
        assignments[finding.fingerprint] ?? finding.rule
    }

    /// Every testcase name for `findings`: the declared names, then any name a finding needs that is missing.
    public func allNames(for findings: [Finding]) -> [String] {
        var seen = Set(names)
        var out = names
        for f in findings {
            let name = testcase(for: f)
            if seen.insert(name).inserted { out.append(name) }
        }
        return out
    }
}
