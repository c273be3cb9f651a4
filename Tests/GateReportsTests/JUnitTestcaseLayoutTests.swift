import Foundation
import GateCore
import GateReports
import GateTestSupport
import Testing

/// A check whose verifier names its own JUnit testcases (TestcaseLayout) gets those testcases, with each
/// finding under the testcase it was assigned to; findings it did not assign stay under their rule.
@Suite struct JUnitTestcaseLayoutTests {
    @Test func findingsGoToTheirAssignedTestcases() async throws {
        let read = Finding(rule: "v/read", message: "tenant b read a's object", identity: "1")
        let crash = Finding(rule: "v/crash", message: "500 on a bad id", identity: "2")
        let loose = Finding(rule: "v/loose", message: "not assigned", identity: "3")
        var check = CheckResult(id: "c", verifier: "v", status: .failed, rules: ["v/read", "v/crash", "v/loose"],
                                findings: [read, crash, loose])
        check.testcases = TestcaseLayout(names: ["/docs/{id}", "/files/{id}"],
                                         assignments: [read.fingerprint: "/docs/{id}", crash.fingerprint: "/docs/{id}"])
        let report = RunReport(suite: "s", startedAt: Date(timeIntervalSince1970: 0), durationMs: 5, status: .failed,
                               exitCode: 1, checks: [check], rules: [])
        let xml = String(decoding: try JUnitReportWriter().render(report), as: UTF8.self)
        let names = xml.components(separatedBy: "<testcase name=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(names == ["/docs/{id}", "/files/{id}", "v/loose"])
        #expect(xml.contains("tests=\"3\" failures=\"2\""))
        // Both assigned findings fail the resource's testcase; the type names the first one's rule.
        #expect(xml.contains("<failure type=\"v/crash\" message=\"2 findings: 500 on a bad id\">"), "\(xml)")
        #expect(xml.contains("<testcase name=\"/files/{id}\" classname=\"s.c\"/>"))

        let dir = try TempDir("junit-layout")
        defer { dir.remove() }
        try dir.write(["junit.xml": xml])
        try await SchemaCheck.junit(dir.file("junit.xml"))
    }

    @Test func withoutALayoutEachRuleIsATestcase() throws {
        let check = CheckResult(id: "c", verifier: "v", status: .failed, rules: ["v/a", "v/b"],
                                findings: [Finding(rule: "v/b", message: "m")])
        let report = RunReport(suite: "s", startedAt: Date(timeIntervalSince1970: 0), durationMs: 5, status: .failed,
                               exitCode: 1, checks: [check], rules: [])
        let xml = String(decoding: try JUnitReportWriter().render(report), as: UTF8.self)
        let names = xml.components(separatedBy: "<testcase name=\"").dropFirst().map { $0.prefix { $0 != "\"" } }
        #expect(names == ["v/a", "v/b"])
    }
}
