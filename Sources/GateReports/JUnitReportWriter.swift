import Foundation
import GateCore

/// JUnit XML in the dialect of `junit-10.xsd` (the one pytest declares), which CI test views read.
///
/// Mapping: each check is a `<testsuite>`; each rule it evaluated is a `<testcase>` named by the rule, so
/// the testcase list stays the same from run to run. A verifier may name other testcases instead through
/// the check's `TestcaseLayout` (the tenant-isolation verifier has one per HTTP resource). A rule with unwaived error findings carries a
/// `<failure>` listing them; an errored check gives `<error>`; a skipped check, a fully waived rule or an
/// advisory (`required: false`) failure gives `<skipped message=...>`, so that CI views match the exit code.
public struct JUnitReportWriter: ReportWriter {
    public static let format = ReportFormat.junit

    /// Findings listed in one failure body before "... and N more".
    public var maxFindingsPerCase = 200

    public init() {}

    public func render(_ report: RunReport) throws -> Data {
        let stamp = Self.timestamp(report.startedAt)
        var suites: [String] = []
        var totals = (tests: 0, failures: 0, errors: 0)
        for check in report.checks {
            let (xml, tests, failures, errors) = renderSuite(check, report: report, timestamp: stamp)
            suites.append(xml)
            totals.tests += tests
            totals.failures += failures
            totals.errors += errors
        }
        var out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        out += "<testsuites" + XMLText.attributes([
            ("name", report.suite), ("tests", "\(totals.tests)"), ("failures", "\(totals.failures)"),
            ("errors", "\(totals.errors)"), ("time", Self.seconds(report.durationMs)),
        ]) + ">\n"
        out += suites.joined()
        out += "</testsuites>\n"
        return Data(out.utf8)
    }

    private func renderSuite(_ check: CheckResult, report: RunReport, timestamp: String) -> (String, Int, Int, Int) {
        let rules = check.testcases?.allNames(for: check.findings)
            ?? (check.rules.isEmpty ? ["\(check.verifier)/check"] : check.rules)
        var cases: [String] = []
        var failures = 0, errors = 0, skipped = 0
        let classname = "\(report.suite).\(check.id)"
        for rule in rules {
            let findings = check.findings.filter { (check.testcases?.testcase(for: $0) ?? $0.rule) == rule }
            var body = ""
            switch check.status {
            case .skipped:
                skipped += 1
                body = "<skipped" + XMLText.attributes([("message", check.reason ?? "skipped")]) + "/>"
            case .error:
                errors += 1
                body = "<error" + XMLText.attributes([("type", "error"), ("message", check.reason ?? "error")]) + "/>"
            case .timedOut:
                failures += 1
                body = "<failure" + XMLText.attributes([("type", "timed-out"), ("message", check.reason ?? "timed out")])
                    + "/>"
            case .passed, .failed, .waived:
                let failing = findings.filter { $0.severity == .error && !$0.waived }
                let waived = findings.filter { $0.waived }
                if !failing.isEmpty {
                    let message = "\(failing.count) \(failing.count == 1 ? "finding" : "findings"): \(failing[0].message)"
                    let text = XMLText.escape(listing(failing))
                    if check.required && check.status == .failed {
                        failures += 1
                        body = "<failure" + XMLText.attributes([("type", failing[0].rule), ("message", message)]) + ">" + text
                            + "</failure>"
                    } else {
                        skipped += 1
                        let why = check.required ? "not counted: " : "advisory check (required: false): "
                        body = "<skipped" + XMLText.attributes([("type", "advisory"), ("message", why + message)]) + ">"
                            + text + "</skipped>"
                    }
                } else if !waived.isEmpty && findings.allSatisfy({ $0.waived || $0.severity != .error }) {
                    skipped += 1
                    body = "<skipped" + XMLText.attributes([
                        ("type", "waived"), ("message", "waived: \(waived.count) finding(s); \(waived[0].waiver ?? "")"),
                    ]) + ">" + XMLText.escape(listing(waived)) + "</skipped>"
                }
                let notes = findings.filter { $0.severity != .error && !$0.waived }
                if !notes.isEmpty {
                    body += "<system-out>" + XMLText.escape(listing(notes)) + "</system-out>"
                }
            }
            cases.append("    <testcase" + XMLText.attributes([("name", rule), ("classname", classname)])
                         + (body.isEmpty ? "/>\n" : ">" + body + "</testcase>\n"))
        }
        var xml = "  <testsuite" + XMLText.attributes([
            ("name", check.id), ("tests", "\(rules.count)"), ("failures", "\(failures)"), ("errors", "\(errors)"),
            ("skipped", "\(skipped)"), ("time", Self.seconds(check.durationMs)),
            ("timestamp", timestamp), ("package", check.verifier),
        ]) + ">\n"
        var props: [(String, String)] = [
            ("verifier", check.verifier), ("status", check.status.rawValue), ("required", String(check.required)),
            ("summary", check.summary),
        ]
        if let r = check.reason { props.append(("reason", r)) }
        if let s = check.source { props.append(("source", s)) }
        if let cached = check.cached { props.append(("cached", String(cached))) }
        if let slice = check.slice { props.append(("slice", slice)) }
        xml += "    <properties>\n"
        for (k, v) in props {
            xml += "      <property" + XMLText.attributes([("name", k), ("value", v)]) + "/>\n"
        }
        xml += "    </properties>\n"
        xml += cases.joined()
        if let log = check.log, !log.isEmpty {
            xml += "    <system-out>" + XMLText.escape(log) + "</system-out>\n"
        }
        xml += "  </testsuite>\n"
        return (xml, rules.count, failures, errors)
    }

    private func listing(_ findings: [Finding]) -> String {
        var lines = findings.prefix(maxFindingsPerCase).map { f -> String in
            var where_ = f.path ?? ""
            if let l = f.line { where_ += ":\(l)" }
            if let c = f.column, f.line != nil { where_ += ":\(c)" }
            let prefix = where_.isEmpty ? "" : where_ + ": "
            return "\(prefix)\(f.severity.rawValue): \(f.message)"
        }
        if findings.count > maxFindingsPerCase { lines.append("... and \(findings.count - maxFindingsPerCase) more") }
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
