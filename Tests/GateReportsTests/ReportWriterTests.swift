import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import GateReports

/// Each writer against its golden file, and every emitted file against its schema.
@Suite struct ReportWriterTests {
    func render(_ format: ReportFormat, _ report: RunReport = ReportFixtures.report) throws -> String {
        String(decoding: try format.writer.render(report), as: UTF8.self)
    }

    @Test(arguments: ReportFormat.allCases)
    func matchesGolden(format: ReportFormat) throws {
        Golden.check(try render(format), "Tests/GateReportsTests/Golden/launch.\(format.defaultFileName)")
    }

    @Test(arguments: ReportFormat.allCases)
    func isDeterministic(format: ReportFormat) throws {
        #expect(try render(format) == render(format))
    }

    @Test func emittedFilesValidateAgainstTheirSchemas() async throws {
        let dir = try TempDir("reports")
        defer { dir.remove() }
        let set = ReportSet.all(in: dir.path)
        #expect(set.write(ReportFixtures.report).isEmpty)
        try await SchemaCheck.junit(dir.file("junit.xml"))
        try await SchemaCheck.sarif(dir.file("report.sarif"))
        try await SchemaCheck.report(dir.file("report.json"))
    }

    @Test func jsonRoundTrips() throws {
        let data = try JSONReportWriter().render(ReportFixtures.report)
        let decoded = try JSONReportWriter.decoder.decode(RunReport.self, from: data)
        #expect(decoded.checks.map(\.id) == ReportFixtures.report.checks.map(\.id))
        #expect(decoded.checks[1].findings == ReportFixtures.report.checks[1].findings)
        #expect(decoded.rules.map(\.id).contains("unused/rule") == false)
    }

    @Test func junitMapsStatuses() throws {
        let xml = try render(.junit)
        #expect(xml.contains(#"<testcase name="cas/hash-mismatch" classname="launch.cas"><failure type="cas/hash-mismatch""#))
        #expect(xml.contains(#"<error type="error" message="cannot open &apos;db.sqlite&apos;: no such file"/>"#))
        #expect(xml.contains(#"<failure type="timed-out""#))
        #expect(xml.contains(#"<skipped message="needs &apos;slow&apos;, which ended timed-out"/>"#))
        #expect(xml.contains(#"type="advisory""#))
        #expect(xml.contains(#"type="waived""#))
        #expect(!xml.contains("\u{7}"))
        #expect(xml.contains(#"time="31.300""#))
    }

    @Test func markdownKeepsCheckTextInert() throws {
        let md = try render(.markdown)
        // The fixture's finding message holds `<ab>`, `&` and a newline; none may become HTML or break the list item.
        #expect(md.contains("object &lt;ab> hashes to 'ff' &amp; not 'ab' second line"))
        #expect(!md.contains("<ab>"))
    }

    @Test func sarifDescribesRulesLocatesFindingsAndSuppressesWaived() throws {
        let json = try #require(try JSONSerialization.jsonObject(with: SARIFReportWriter().render(ReportFixtures.report)) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 5)
        let rules = (((run["tool"] as? [String: Any])?["driver"] as? [String: Any])?["rules"] as? [[String: Any]])?.compactMap { $0["id"] as? String }
        for r in results { #expect(rules?.contains(r["ruleId"] as! String) == true) }
        // A path-relative finding joins the check root; a path-less one points at the suite line.
        let uris = results.compactMap { r -> String? in
            let loc = (r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any]
            return (loc?["artifactLocation"] as? [String: Any])?["uri"] as? String
        }
        #expect(uris.contains("service/src/a.py"))
        #expect(uris.contains("Suites/launch.yaml"))
        let waived = results.first { $0["ruleId"] as? String == "secrets/generic" }
        #expect((waived?["suppressions"] as? [[String: Any]])?.first?["kind"] as? String == "external")
    }

    @Test func sarifCapsResultsKeepingTheMostSevere() throws {
        var report = ReportFixtures.report
        report.checks[1].findings = (0..<30).map { i in
            Finding(rule: "cas/orphan", severity: i < 10 ? .error : .warning, message: "m\(i)", path: "p\(i)")
        }
        var writer = SARIFReportWriter()
        writer.maxResults = 12
        let json = try #require(try JSONSerialization.jsonObject(with: writer.render(report)) as? [String: Any])
        let run = try #require((json["runs"] as? [[String: Any]])?.first)
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 12)
        #expect(results.filter { $0["level"] as? String == "error" }.count >= 10)
        #expect((run["properties"] as? [String: Any])?["droppedResults"] as? Int == 21)
    }

    @Test func preflightRejectsUnwritablePaths() throws {
        let dir = try TempDir("ro")
        defer { dir.remove() }
        try dir.write(["file": "x"])
        // A path whose parent is a regular file cannot be created.
        let bad = ReportSet(targets: [.json: dir.file("file/sub/report.json")])
        #expect(throws: ConfigError.self) { try bad.preflight() }
        let isDir = ReportSet(targets: [.junit: dir.path])
        #expect(throws: ConfigError.self) { try isDir.preflight() }
        try ReportSet.all(in: dir.file("new/deep")).preflight()
    }

    @Test func writesAreAtomicAndLeaveNoTemporaryFiles() throws {
        let dir = try TempDir("atomic")
        defer { dir.remove() }
        let set = ReportSet.all(in: dir.path)
        #expect(set.write(ReportFixtures.report).isEmpty)
        #expect(set.write(ReportFixtures.report).isEmpty)
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted()
        #expect(names == ["junit.xml", "report.html", "report.json", "report.md", "report.sarif"])
    }
}
