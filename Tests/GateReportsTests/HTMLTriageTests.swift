import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import GateReports

/// The HTML page leads with what blocks the release, and reads on a phone (issue 23).
@Suite struct HTMLTriageTests {
    static func html(_ report: RunReport) throws -> String {
        String(decoding: try HTMLReportWriter().render(report), as: UTF8.self)
    }

    @Test func blockingComesFirstThenAdvisoryThenWaived() throws {
        var report = ReleaseFixtures.report
        let advisory = CheckResult(id: "docs-lint", verifier: "command", status: .failed, required: false,
                                   summary: "2 broken links", findings: [Finding(rule: "command/exit-status", message: "exit 1")])
        report.checks.append(advisory)
        var waived = Finding(rule: "secrets/jwt", message: "a test token", path: "t.env")
        waived.waived = true
        waived.waiver = "fixture (owner: sec-team)"
        report.checks.append(CheckResult(id: "fixtures-scan", verifier: "secrets", status: .waived, findings: [waived]))
        let page = try Self.html(report)
        let triage = try #require(page.range(of: "<section id=\"triage\""))
        let summary = try #require(page.range(of: "<section id=\"summary\""))
        #expect(triage.lowerBound < summary.lowerBound, "the triage leads the page")
        let t = Triage(report)
        #expect(page.contains("Blocking: \(t.blocking.count) "))
        #expect(!t.blocking.isEmpty && !t.waived.isEmpty)
        #expect(t.advisory.map(\.id).contains("docs-lint"))
        #expect(!t.blocking.contains { !$0.required }, "an advisory failure never blocks")
        // Each blocking entry links to its row (a check) or its checklist item (a sign-off).
        for c in t.blocking {
            let anchor = Checklist.isPending(c) ? "item-\(c.id)" : "check-\(c.id)"
            #expect(page.contains("href=\"#\(anchor)\""), "\(c.id)")
            #expect(page.contains("id=\"\(anchor)\""), "\(c.id) has no anchor")
        }
        let order = ["Blocking:", "Advisory:", "Waived:"].compactMap { page.range(of: $0)?.lowerBound }
        #expect(order.count == 3 && order == order.sorted())
    }

    @Test func nothingBlockingSaysSo() throws {
        var report = ReportFixtures.report
        report.checks = report.checks.filter { $0.status == .passed }
        #expect(try Self.html(report).contains("Blocking: 0 <span class=\"count\">nothing blocks the release</span>"))
    }

    typealias Triage = HTMLReportWriter.Triage

    static let chromium: String? = ["chromium", "chromium-browser", "google-chrome"].lazy.compactMap { name -> String? in
        for dir in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":") {
            let p = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: p) { return p }
        }
        return nil
    }.first

    /// At 390 px the page must not scroll sideways: the document is no wider than the window.
    @Test(.enabled(if: chromium != nil, "chromium is not installed (apt-get install chromium)"),
          arguments: [390, 1400])
    func thePageFitsTheWindow(width: Int) async throws {
        let dir = try TempDir("html-width")
        defer { dir.remove() }
        var page = try Self.html(ReleaseFixtures.report)
        // Written into the title, which --dump-dom prints.
        let probe = "<script>//<![CDATA[\nwindow.addEventListener('load', function () { document.title = 'W=' + "
            + "document.documentElement.scrollWidth + ' V=' + window.innerWidth; });\n//]]></script>"
        page = page.replacingOccurrences(of: "</body>", with: probe + "</body>")
        try dir.write(["r.html": page])
        let profile = dir.file("profile")
        let r = try await Exec.run([Self.chromium!, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                                    "--no-first-run", "--user-data-dir=\(profile)", "--proxy-server=127.0.0.1:9",
                                    "--window-size=\(width),900", "--virtual-time-budget=2000", "--dump-dom",
                                    "file://" + dir.file("r.html")], cwd: dir.path, timeout: .seconds(90))
        let title = r.stdout.range(of: #"W=[0-9]+ V=[0-9]+"#, options: .regularExpression).map { String(r.stdout[$0]) }
        let numbers = title?.split(separator: " ").compactMap { Int($0.dropFirst(2)) } ?? []
        #expect(numbers.count == 2, "no measurement from chromium: \(r.stderr.suffix(500))")
        if numbers.count == 2 { #expect(numbers[0] <= numbers[1], "at \(width) px the page is \(numbers[0]) px wide") }
    }
}
