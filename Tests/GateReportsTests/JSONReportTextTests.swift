import Foundation
import GateCore
import Testing

@testable import GateReports

/// The hand-written JSON report writer against JSONEncoder, byte for byte.
@Suite struct JSONReportTextTests {
    /// Every optional field set, every stats value kind, and the keys and strings where the two could part:
    /// byte order against numeric or case-insensitive order, control characters, non-ASCII, slashes.
    static var everything: RunReport {
        var r = CacheShardReportTests.report
        r.commit = "0123456789abcdef0123456789abcdef01234567"
        r.interrupted = true
        r.partial = "--only lint"
        var c = r.checks[0]
        c.reason = "a \"reason\" with \\ and \u{8}\u{c}\u{1f}\u{7f} and é\u{2028}😀 and a/b"
        c.stats = [
            "b10": 1, "b9": 2, "B": 3, "_x": 4, "a": 5, "é": 6, "A1": 7,
            "doubles": [1.0, 1.5, 0.1, 1e21, 1e-7, 123456789.123, -0.0, 1e16, 12345678901234567.0, .double(.leastNonzeroMagnitude),
                        .double(.nan), .double(.infinity), 100.0, -2.5e-5],
            "nested": ["empty": [:], "list": [], "mixed": [.null, true, false, "s", -42, ["k": "v"]]],
        ]
        c.testcases = TestcaseLayout(names: ["GET /a", "POST /b"], assignments: ["f2": "POST /b", "f1": "GET /a"],
                                     ingested: [IngestedTestcase(classname: "tests.test_a", name: "test_ok", time: "0.01", outcome: .passed),
                                                IngestedTestcase(classname: "t", name: "bad \"one\"", file: "t.py", time: "1",
                                                                 outcome: .failure, message: "assert 1 == 2", text: "Traceback\n",
                                                                 fingerprint: "f9")])
        c.tags = ["slow", "db"]
        c.droppedFindings = [DroppedFindings(rule: "x/y", severity: .error, count: 12, waived: 2),
                             DroppedFindings(rule: "*", severity: .note, count: 3)]
        var f = Finding(rule: "x/y", severity: .note, message: "m\r\n\t", path: "p/q", line: 3, column: 9,
                        evidence: ["Zed": "1", "alpha": "2", "alpha2": "3"], help: "fix it")
        f.waived = true
        f.waiver = "WAIVER-1 until 2027-01-01"
        c.findings.append(f)
        r.checks[0] = c
        r.checks.append(CheckResult(id: "bare", verifier: "command", status: .skipped, required: false))
        r.rules.append(RuleDescriptor("x/y", "why", severity: .note, help: nil))
        return r
    }

    static func report(named name: String) -> RunReport {
        switch name {
        case "fixture": ReportFixtures.report
        case "shard": CacheShardReportTests.report
        case "release": ReleaseFixtures.report
        case "everything": everything
        default: RunReport(suite: "s", startedAt: ReportFixtures.start, durationMs: 0, status: .passed, exitCode: 0,
                           checks: [], rules: [])
        }
    }

    @Test(arguments: ["fixture", "shard", "release", "everything", "empty"])
    func sameBytesAsJSONEncoder(name: String) throws {
        let report = Self.report(named: name)
        let mine = try JSONReportWriter().render(report)
        let reference = try JSONReportWriter.renderWithEncoder(report)
        #expect(mine == reference, "first difference at byte \(zip(mine, reference).prefix { $0 == $1 }.count)")
    }

    @Test func theOutputDecodesToTheSameReport() throws {
        let report = Self.everything
        let decoded = try JSONReportWriter.decoder.decode(RunReport.self, from: try JSONReportWriter().render(report))
        #expect(decoded.checks.map(\.id) == report.checks.map(\.id))
        #expect(decoded.checks[0].findings == report.checks[0].findings)
        #expect(decoded.checks[0].reason == report.checks[0].reason)
        #expect(decoded.checks[0].droppedFindings == report.checks[0].droppedFindings)
        #expect(decoded.shard == report.shard)
    }
}
