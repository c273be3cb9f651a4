import Foundation
import GateCore

/// JUnit XML in the dialect of `junit-10.xsd` (the one pytest declares), which CI test views read.
///
/// Mapping: each check is a `<testsuite>`; each rule it evaluated with findings is a `<testcase>` named by
/// the rule, and the rules that found nothing fold into one passing testcase ("N rules without findings",
/// listing them). A tool's own JUnit report ingested by a `command` check passes through testcase for
/// testcase (class name, name, time, failure text). A verifier may name other testcases instead through
/// the check's `TestcaseLayout` (the tenant-isolation verifier has one per HTTP resource). A rule with unwaived error findings carries a
/// `<failure>` listing them; an errored check gives `<error>`; a skipped check, a fully waived rule or an
/// advisory (`required: false`) failure gives `<skipped message=...>`, so that CI views match the exit code.
public struct JUnitReportWriter: ReportWriter {
    public static let format = ReportFormat.junit

    /// Findings listed in one failure body before "... and N more".
    public var maxFindingsPerCase = 200
    /// Bytes of a finding's message in a failure's `message` attribute and in its listing (test views show
    /// one line; the whole message is in report.json).
    public var maxMessageBytes = 1024

    public init() {}

    public func render(_ report: RunReport) throws -> Data {
        // Bytes rather than Strings, as in the HTML report (see MarkupBuffer): the testsuites element
        // carries the totals, so the suites are written first and the document is put together after.
        let stamp = Self.timestamp(report.startedAt)
        var suites = MarkupBuffer(capacity: report.checks.count * 700)
        var totals = (tests: 0, failures: 0, errors: 0)
        for check in report.checks {
            let (tests, failures, errors) = renderSuite(check, report: report, timestamp: stamp, into: &suites)
            totals.tests += tests
            totals.failures += failures
            totals.errors += errors
        }
        var out = MarkupBuffer(capacity: suites.bytes.count + 256)
        out.raw("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites")
        out.attribute("name", report.suite)
        out.attribute("tests", totals.tests)
        out.attribute("failures", totals.failures)
        out.attribute("errors", totals.errors)
        out.attribute("time", Self.seconds(report.durationMs))
        out.raw(">\n")
        out.append(suites)
        out.raw("</testsuites>\n")
        return Data(out.bytes)
    }

    /// Writes one check's `<testsuite>` and returns its counts (tests, failures, errors).
    private func renderSuite(_ check: CheckResult, report: RunReport, timestamp: String,
                             into xml: inout MarkupBuffer) -> (Int, Int, Int) {
        let ingested = check.testcases?.ingested ?? []
        // An ingested report's failures are its own testcases: their rules are not listed again.
        let passedThrough = Set(ingested.compactMap(\.fingerprint))
        var rules = check.testcases?.allNames(for: check.findings.filter { !passedThrough.contains($0.fingerprint) })
            ?? (check.rules.isEmpty ? ["\(check.verifier)/check"] : check.rules)
        if !ingested.isEmpty {
            rules.removeAll { rule in
                (rule == "command/test-failure" || rule == "command/test-error")
                    && !check.findings.contains(where: { f in f.rule == rule && !passedThrough.contains(f.fingerprint) })
            }
        }
        // A check that did not get to judge its rules is one testcase, not one per rule.
        if [.skipped, .error, .timedOut].contains(check.status) && rules.count > 1 { rules = ["\(check.verifier)/check"] }
        let byCase = Dictionary(grouping: check.findings) { check.testcases?.testcase(for: $0) ?? $0.rule }
        // Rules that found nothing fold into one passing testcase (a secrets check evaluates ~200 rules).
        var folded: [String] = []
        if check.testcases?.names.isEmpty ?? true, [.passed, .failed, .waived].contains(check.status) {
            let quiet = rules.filter { byCase[$0] == nil }
            if quiet.count > 1 {
                folded = quiet
                let keep = Set(quiet)
                rules = rules.filter { !keep.contains($0) }
            }
        }
        var cases = MarkupBuffer(capacity: rules.count * 120 + ingested.count * 100)
        var failures = 0, errors = 0, skipped = 0
        let classname = "\(report.suite).\(check.id)"
        if !folded.isEmpty {
            cases.raw("    <testcase")
            cases.attribute("name", "\(folded.count) rules without findings")
            cases.attribute("classname", classname)
            cases.raw("><system-out>")
            cases.text(folded.joined(separator: "\n") + "\n")
            cases.raw("</system-out></testcase>\n")
        }
        let counts = passThrough(ingested, check: check, into: &cases)
        failures += counts.failures
        errors += counts.errors
        skipped += counts.skipped
        for rule in rules {
            cases.raw("    <testcase")
            cases.attribute("name", rule)
            cases.attribute("classname", classname)
            let mark = cases.bytes.count
            cases.raw(">")
            let before = cases.bytes.count
            switch check.status {
            case .skipped:
                skipped += 1
                cases.raw("<skipped")
                cases.attribute("message", check.reason ?? "skipped")
                cases.raw("/>")
            case .error:
                errors += 1
                cases.raw("<error")
                cases.attribute("type", "error")
                cases.attribute("message", check.reason ?? "error")
                cases.raw("/>")
            case .timedOut:
                failures += 1
                cases.raw("<failure")
                cases.attribute("type", "timed-out")
                cases.attribute("message", check.reason ?? "timed out")
                cases.raw("/>")
            case .passed, .failed, .waived:
                // Most rules of a passing check have no findings: nothing to list.
                let findings = byCase[rule] ?? []
                let failing = findings.filter { $0.severity == .error && !$0.waived }
                let waived = findings.filter { $0.waived }
                // Findings the check did not keep are counted on their rule's testcase.
                let notKept = check.testcases == nil ? check.droppedFindings?.of(rule: rule) : nil
                let failingTotal = failing.count + (notKept?.unwaivedErrors ?? 0)
                if failingTotal > 0 {
                    let first = failing.first.map { ": " + FieldCap.cap($0.message, limit: maxMessageBytes) } ?? ""
                    let message = "\(failingTotal) \(failingTotal == 1 ? "finding" : "findings")\(first)"
                    let body = listing(failing, notKept: notKept?.unwaivedErrors ?? 0)
                    if check.required && check.status == .failed {
                        failures += 1
                        cases.raw("<failure")
                        cases.attribute("type", failing.first?.rule ?? rule)
                        cases.attribute("message", message)
                        cases.raw(">")
                        cases.text(body)
                        cases.raw("</failure>")
                    } else {
                        skipped += 1
                        let why = check.required ? "not counted: " : "advisory check (required: false): "
                        cases.raw("<skipped")
                        cases.attribute("type", "advisory")
                        cases.attribute("message", why + message)
                        cases.raw(">")
                        cases.text(body)
                        cases.raw("</skipped>")
                    }
                } else if !waived.isEmpty && findings.allSatisfy({ $0.waived || $0.severity != .error }) {
                    skipped += 1
                    cases.raw("<skipped")
                    cases.attribute("type", "waived")
                    cases.attribute("message", "waived: \(waived.count) finding(s); \(waived[0].waiver ?? "")")
                    cases.raw(">")
                    cases.text(listing(waived))
                    cases.raw("</skipped>")
                }
                let notes = findings.filter { $0.severity != .error && !$0.waived }
                if !notes.isEmpty {
                    cases.raw("<system-out>")
                    cases.text(listing(notes))
                    cases.raw("</system-out>")
                }
            }
            if cases.bytes.count == before {
                // No body: a self-closing testcase instead of the ">" written above.
                cases.truncate(to: mark)
                cases.raw("/>\n")
            } else {
                cases.raw("</testcase>\n")
            }
        }
        xml.raw("  <testsuite")
        xml.attribute("name", check.id)
        let tests = rules.count + ingested.count + (folded.isEmpty ? 0 : 1)
        xml.attribute("tests", tests)
        xml.attribute("failures", failures)
        xml.attribute("errors", errors)
        xml.attribute("skipped", skipped)
        xml.attribute("time", Self.seconds(check.durationMs))
        xml.attribute("timestamp", timestamp)
        xml.attribute("package", check.verifier)
        xml.raw(">\n    <properties>\n")
        func property(_ name: String, _ value: String) {
            xml.raw("      <property")
            xml.attribute("name", name)
            xml.attribute("value", value)
            xml.raw("/>\n")
        }
        property("verifier", check.verifier)
        property("status", check.status.rawValue)
        property("required", check.required ? "true" : "false")
        property("summary", check.summary)
        if let p = report.partial { property("partial", p) }
        if let r = check.reason { property("reason", r) }
        if let s = check.source { property("source", s) }
        if let cached = check.cached { property("cached", cached ? "true" : "false") }
        if let slice = check.slice { property("slice", slice) }
        if check.droppedCount > 0 { property("droppedFindings", String(check.droppedCount)) }
        xml.raw("    </properties>\n")
        xml.append(cases)
        if let log = check.log, !log.isEmpty {
            xml.raw("    <system-out>")
            xml.text(log)
            xml.raw("</system-out>\n")
        }
        xml.raw("  </testsuite>\n")
        return (tests, failures, errors)
    }

    /// An ingested report's testcases, one for one: the tool's class name, name and time, and its failure
    /// text. A failure waived in gate is a skipped testcase, and an advisory check's failures are skipped
    /// too, as for gate's own rules.
    private func passThrough(_ ingested: [IngestedTestcase], check: CheckResult,
                             into cases: inout MarkupBuffer) -> (failures: Int, errors: Int, skipped: Int) {
        guard !ingested.isEmpty else { return (0, 0, 0) }
        let byFingerprint = Dictionary(check.findings.map { ($0.fingerprint, $0) }, uniquingKeysWith: { a, _ in a })
        var failures = 0, errors = 0, skipped = 0
        for t in ingested {
            cases.raw("    <testcase")
            cases.attribute("name", t.name)
            cases.attribute("classname", t.classname)
            if let time = t.time { cases.attribute("time", time) }
            let finding = t.fingerprint.flatMap { byFingerprint[$0] }
            var body = t.text ?? ""
            if let f = t.file { body = "\(f)\(finding?.line.map { ":\($0)" } ?? ""): " + (t.message ?? "") + "\n" + body }
            switch t.outcome {
            case .passed:
                cases.raw("/>\n")
                continue
            case .skipped:
                skipped += 1
                cases.raw("><skipped")
                cases.attribute("message", t.message ?? "skipped")
                cases.raw("/>")
            case .failure, .error:
                let element = t.outcome == .error ? "error" : "failure"
                if let f = finding, f.waived {
                    skipped += 1
                    cases.raw("><skipped")
                    cases.attribute("type", "waived")
                    cases.attribute("message", "waived: \(f.waiver ?? "")")
                    cases.raw(">")
                    cases.text(body)
                    cases.raw("</skipped>")
                } else if check.required && check.status == .failed {
                    if t.outcome == .error { errors += 1 } else { failures += 1 }
                    cases.raw("><\(element)")
                    cases.attribute("message", t.message ?? "\(element)")
                    cases.raw(">")
                    cases.text(body)
                    cases.raw("</\(element)>")
                } else {
                    skipped += 1
                    cases.raw("><skipped")
                    cases.attribute("type", "advisory")
                    cases.attribute("message", (check.required ? "not counted: " : "advisory check (required: false): ")
                        + (t.message ?? element))
                    cases.raw(">")
                    cases.text(body)
                    cases.raw("</skipped>")
                }
            }
            cases.raw("</testcase>\n")
        }
        return (failures, errors, skipped)
    }

    /// One line per finding (at most `maxFindingsPerCase`, each message at most `maxMessageBytes`), then
    /// how many more there are, `notKept` (findings the check did not keep) included.
    private func listing(_ findings: [Finding], notKept: Int = 0) -> String {
        var lines = findings.prefix(maxFindingsPerCase).map { f -> String in
            var where_ = f.path ?? ""
            if let l = f.line { where_ += ":\(l)" }
            if let c = f.column, f.line != nil { where_ += ":\(c)" }
            let prefix = where_.isEmpty ? "" : where_ + ": "
            return "\(prefix)\(f.severity.rawValue): \(FieldCap.cap(f.message, limit: maxMessageBytes))"
        }
        let more = max(0, findings.count - maxFindingsPerCase)
        if more > 0 && notKept > 0 {
            lines.append("... and \(more + notKept) more (\(notKept) of them not kept by gate: see droppedFindings in report.json)")
        } else if more > 0 {
            lines.append("... and \(more) more")
        } else if notKept > 0 {
            lines.append("... and \(notKept) more not kept by gate (see droppedFindings in report.json)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// Seconds with at most three decimals, as the schema's SUREFIRE_TIME pattern requires.
    static func seconds(_ ms: Int) -> String {
        let ms = max(0, ms)
        let frac = String(ms % 1000)
        return "\(ms / 1000)." + String(repeating: "0", count: 3 - frac.count) + frac
    }

    static func timestamp(_ date: Date) -> String { DateText.localTimestamp(date) }
}
