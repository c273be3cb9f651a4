import Foundation
import FoundationXML
import GateCore
import GateTestSupport
import Testing

@testable import GateReports

/// The release-manager outputs: the Markdown checklist (golden), the HTML report (golden and structure,
/// queried with XPath), GitHub annotations (escaping and caps) and the step summary (size limit).
@Suite struct ReleaseReportTests {
    let report = ReleaseFixtures.report

    func html(_ r: RunReport) throws -> String { String(decoding: try HTMLReportWriter().render(r), as: UTF8.self) }

    func document(_ r: RunReport) throws -> XMLDocument { try XMLDocument(xmlString: try html(r), options: []) }

    func nodes(_ doc: XMLDocument, _ xpath: String) throws -> [XMLNode] { try doc.nodes(forXPath: xpath) }

    // MARK: Checklist

    @Test func checklistMarkdownMatchesGolden() {
        let list = Checklist.from(report, reportPath: "Reports/launch/report.html")
        Golden.check(ChecklistMarkdown.document(list), "Tests/GateReportsTests/Golden/launch.checklist.md")
    }

    @Test func checklistLinesFollowTheDocumentedShape() {
        let text = ChecklistMarkdown.lines(Checklist.from(report, reportPath: "Reports/launch/report.html"))
        #expect(text.contains("- [x] The service configuration parses (`config-valid`) — validated 2026-11-22 by gate (report: Reports/launch/report.html)\n"))
        #expect(text.contains("- [ ] Invoice migration tested on staging (`staging-migration`) — owner: dba-on-call, pending\n"))
        #expect(text.contains("- [x] Rollback script prepared (`rollback-ready`) — validated 2026-11-21 by alice at 0123456789ab"))
        #expect(text.contains("- [ ] Support briefed (`support-briefed`) — owner: support-lead, pending (the sign-off by carol on 2026-11-12 expired on 2026-11-19) *(advisory)*"))
    }

    @Test func markdownReportWithSignOffsMatchesGolden() throws {
        Golden.check(String(decoding: try MarkdownReportWriter().render(report), as: UTF8.self),
                     "Tests/GateReportsTests/Golden/launch-release.report.md")
    }

    // MARK: HTML

    @Test func htmlMatchesGoldenAndIsDeterministic() throws {
        let text = try html(report)
        #expect(text == (try html(report)))
        Golden.check(text, "Tests/GateReportsTests/Golden/launch-release.report.html")
    }

    @Test func htmlIsWellFormedWithEverySection() throws {
        let doc = try document(report)
        #expect(try nodes(doc, "/html/head/title").first?.stringValue == "gate · launch · failed")
        #expect(try nodes(doc, "//h1").count == 1)
        let sections = try nodes(doc, "/html/body/main/section/@id").compactMap(\.stringValue)
        #expect(sections == ["triage", "summary", "checklist", "checks", "findings", "history"])
    }

    @Test func htmlChecklistTicksDoneItemsAndShowsPendingOnes() throws {
        let doc = try document(report)
        let items = try nodes(doc, "//ul[@class='checklist']/li")
        #expect(items.count == report.checks.count)
        let done = try nodes(doc, "//ul[@class='checklist']/li[contains(@class,'done')]/@id").compactMap(\.stringValue)
        #expect(done == ["item-config-valid", "item-rollback-ready"])
        let pending = try nodes(doc, "//li[contains(@class,'pending')]/@id").compactMap(\.stringValue)
        #expect(pending == ["item-staging-migration", "item-support-briefed"])
        let hint = try nodes(doc, "//li[@id='item-staging-migration']//p[@class='hint']").first?.stringValue
        #expect(hint == "Sign off with gate attest staging-migration --by NAME --note TEXT --evidence URL")
        let tick = try nodes(doc, "//li[@id='item-rollback-ready']/span[@class='tick']").first?.stringValue
        #expect(tick == "✓")
        let link = try nodes(doc, "//li[@id='item-rollback-ready']//a/@href").first?.stringValue
        #expect(link == "https://runbooks.example/rollback?step=1&env=staging")
        // Text that looks like markup stays text.
        let note = try nodes(doc, "//li[@id='item-rollback-ready']//p[@class='note']").first?.stringValue
        #expect(note == "“Rehearsed on staging <in 4 minutes>”")
    }

    @Test func htmlChecksTableHasStatusAndDurationPerCheck() throws {
        let doc = try document(report)
        let rows = try nodes(doc, "//table[@class='checks']/tbody/tr")
        #expect(rows.count == report.checks.count)
        let statuses = try nodes(doc, "//table[@class='checks']/tbody/tr/td[1]/span").compactMap(\.stringValue)
        #expect(statuses == ["passed", "failed", "skipped", "passed", "pending", "pending"])
        let durations = try nodes(doc, "//table[@class='checks']/tbody/tr/td[4]/span[@class='dur']").compactMap(\.stringValue)
        // Skipped checks (here an advisory sign-off let through) show no duration.
        #expect(durations == ["180ms", "950ms", "–", "0ms", "0ms", "–"])
        // One sparkline per check that has history; none for sign-offs without history.
        #expect(try nodes(doc, "//table[@class='checks']//svg[@class='spark']").count == 3)
    }

    @Test func htmlFindingsTableHasEveryFindingAndCSSFilters() throws {
        let doc = try document(report)
        let rows = try nodes(doc, "//table[@class='findings']/tbody/tr")
        #expect(rows.count == report.checks.reduce(0) { $0 + $1.findings.count })
        // Errors come first; the waived one is marked for the CSS filter.
        let classes = try nodes(doc, "//table[@class='findings']/tbody/tr/@class").compactMap(\.stringValue)
        #expect(classes.first == "f-error")
        #expect(classes.filter { $0.hasPrefix("f-error") }.count == 3)
        #expect(classes.filter { $0.hasSuffix("waived") }.count == 1)
        // The filters work without script: checked checkboxes that precede the table, with labels.
        let boxes = try nodes(doc, "//section[@id='findings']/input[@type='checkbox'][@checked='checked']/@id").compactMap(\.stringValue)
        #expect(boxes == ["show-error", "show-warning", "show-note", "show-waived"])
        #expect(try nodes(doc, "//section[@id='findings']/div[@class='filters']/label").count == 4)
        // The script-only controls start hidden.
        #expect(try nodes(doc, "//input[@id='find'][@hidden]").count == 1)
    }

    @Test func htmlHistoryChartsAreInlineSVG() throws {
        let doc = try document(report)
        let charts = try nodes(doc, "//section[@id='history']//svg[@class='chart']")
        #expect(charts.count == 2)
        #expect(try nodes(doc, "//section[@id='history']//svg[1]/rect[contains(@class,'mark')]").count == report.trend.count)
        #expect(try nodes(doc, "//section[@id='history']//circle").count == report.trend.count)
        let titles = try nodes(doc, "//section[@id='history']//rect/title").compactMap(\.stringValue)
        #expect(titles.first == "2026-11-22 05:00 UTC · passed · 01234567: 1.5s")
    }

    @Test func htmlHasNoExternalAssets() throws {
        let text = try html(report)
        let doc = try document(report)
        #expect(try nodes(doc, "//@src").isEmpty)
        #expect(try nodes(doc, "//link").isEmpty)
        #expect(!text.contains("@import"))
        #expect(!text.contains("url("))
        // The only absolute link is the evidence the sign-off named.
        let hrefs = try nodes(doc, "//@href").compactMap(\.stringValue).filter { !$0.hasPrefix("#") }
        #expect(hrefs == ["https://runbooks.example/rollback?step=1&env=staging"])
    }

    @Test func htmlWithoutHistorySaysSo() throws {
        let doc = try document(ReportFixtures.report)
        let empty = try nodes(doc, "//section[@id='history']/p[@class='empty']").first?.stringValue
        #expect(empty?.hasPrefix("No history yet") == true)
        #expect(try nodes(doc, "//svg[@class='chart']").isEmpty)
    }

    // MARK: GitHub

    @Test func annotationsAreEscapedAsGitHubRequires() {
        #expect(GitHubAnnotations.escapeData("100% done\r\nnext: a,b") == "100%25 done%0D%0Anext: a,b")
        #expect(GitHubAnnotations.escapeProperty("dir:x/a,b%.txt\n") == "dir%3Ax/a%2Cb%25.txt%0A")
        let lines = GitHubAnnotations.lines(for: report, summaryHint: "the job summary")
        #expect(lines.contains(
            "::error file=service/config/prod%2C1.env,line=12,col=3,title=secrets/aws-access-key-id (secrets)::"
                + "AWS key, 100%25 real: 'AKIA…[redacted]'%0Aline two, with a comma"))
        // A pending sign-off points at its line in the suite; an advisory one is a warning.
        #expect(lines.contains { $0.hasPrefix("::error file=Suites/launch.yaml,line=32,title=gate/manual-pending (staging-migration)::") })
        #expect(lines.contains { $0.hasPrefix("::warning file=Suites/launch.yaml,line=38,title=gate/manual-pending (support-briefed)::") })
        #expect(lines.contains { $0.hasPrefix("::warning file=service/.gate/waivers.yaml,line=8,") })
        // Waived findings are not annotated, and nothing was dropped, so there is no pointer.
        #expect(!lines.contains { $0.contains("generic secret") })
        #expect(!lines.contains { $0.contains("more findings") })
        #expect(lines.allSatisfy { !$0.contains("\n") })
    }

    @Test func annotationsAreCappedPerKindWithAPointer() {
        var r = report
        r.checks[1].findings = (0..<25).map { Finding(rule: "secrets/generic", message: "e\($0)", path: "p\($0)", line: 1) }
            + (0..<12).map { Finding(rule: "secrets/generic", severity: .warning, message: "w\($0)", path: "q\($0)") }
            + (0..<10).map { Finding(rule: "secrets/generic", severity: .note, message: "n\($0)", path: "r\($0)") }
        let lines = GitHubAnnotations.lines(for: r, summaryHint: "the job summary or Reports/launch/report.md")
        #expect(lines.filter { $0.hasPrefix("::error ") }.count == 10)
        #expect(lines.filter { $0.hasPrefix("::warning ") }.count == 10)
        #expect(lines.filter { $0.hasPrefix("::notice ") }.count == 10)
        #expect(lines.last == "::notice title=gate%3A more findings::16 more errors, 3 more warnings, 1 more notice not shown "
                + "here (GitHub shows 10 of each kind per step); see the job summary or Reports/launch/report.md")
    }

    @Test func stepSummaryStaysUnderTheLimit() throws {
        var r = report
        r.checks[1].findings = (0..<3000).map {
            Finding(rule: "secrets/generic", message: String(repeating: "x", count: 300) + "\($0)", path: "p\($0)")
        }
        let full = try GitHubStepSummary.render(r, budget: 10 << 20)
        #expect(full.contains("and 2980 more"))
        let small = try GitHubStepSummary.render(r, budget: 4000)
        #expect(small.utf8.count <= 4000)
        #expect(small.contains("| `config-valid` |"))
        #expect(!small.contains("summary cut to fit"))
        let cut = try GitHubStepSummary.render(r, budget: 700)
        #expect(cut.utf8.count <= 700)
        #expect(cut.hasPrefix("# gate: launch"))
        #expect(cut.hasSuffix("*(summary cut to fit GitHub's 1 MiB step summary limit; see the report files)*\n"))

        let dir = try TempDir("summary")
        defer { dir.remove() }
        try dir.write(["summary.md": String(repeating: "y", count: GitHubStepSummary.limit - 3000) + "\n"])
        try GitHubStepSummary.append(r, to: dir.file("summary.md"))
        let size = try FileManager.default.attributesOfItem(atPath: dir.file("summary.md"))[.size] as? Int ?? 0
        #expect(size < GitHubStepSummary.limit)
        #expect(size > GitHubStepSummary.limit - 3000 + 500)
        #expect(try dir.read("summary.md").contains("\n\n# gate: launch"))
    }
}
