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
    /// The testcases of a tool's own JUnit report (the `command` verifier's `report: {format: junit}`),
    /// passed through one for one instead of one testcase per rule.
    public var ingested: [IngestedTestcase]?

    public init(names: [String], assignments: [String: String] = [:], ingested: [IngestedTestcase]? = nil) {
        self.names = names
        self.assignments = assignments
        self.ingested = ingested
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

/// One testcase of an ingested JUnit report, as the tool wrote it.
public struct IngestedTestcase: Sendable, Equatable, Codable {
    public enum Outcome: String, Sendable, Codable { case passed, failure, error, skipped }

    public var classname: String
    public var name: String
    /// The test's file (pytest's `file`, or derived from its class name), relative to the check's root.
    public var file: String?
    /// Seconds, as the tool wrote them.
    public var time: String?
    public var outcome: Outcome
    /// The failure's, error's or skip's message.
    public var message: String?
    /// The failure's or error's text (a traceback), cut at 4 KiB.
    public var text: String?
    /// The fingerprint of the finding a failed or errored testcase became (for its waiver).
    public var fingerprint: String?

    public init(classname: String, name: String, file: String? = nil, time: String? = nil, outcome: Outcome,
                message: String? = nil, text: String? = nil, fingerprint: String? = nil) {
        self.classname = classname
        self.name = name
        self.file = file
        self.time = time
        self.outcome = outcome
        self.message = message
        self.text = text
        self.fingerprint = fingerprint
    }
}
