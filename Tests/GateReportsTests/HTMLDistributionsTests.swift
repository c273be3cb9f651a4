import Foundation
import FoundationXML
import GateCore
import GateTestSupport
import Testing

@testable import GateReports

/// Distributions in any check's stats are drawn in the HTML report, found by their shape.
@Suite struct HTMLDistributionsTests {
    static var report: RunReport {
        var r = ReportFixtures.report
        r.checks[0].stats["requests"] = .object([
            "database": .object(["status": 200, "latency": .object([
                "unit": "ms", "samples": 20, "p50": 42.5, "p90": 80, "p95": 120.25, "p99": 480, "max": 612,
                "thresholds": .object(["p95": .object(["degraded": 100, "critical": 500])]),
                "phases": .object(["dns": .object(["p50": 0.1]), "connect": .object(["p50": 0.3]),
                                   "firstByte": .object(["p50": 41.9]), "transfer": .object(["p50": 0.2])]),
            ])]),
            "cas": .object(["status": 200]),
        ])
        r.checks[1].stats["lookup"] = .object(["p50": 3, "max": 9])
        return r
    }

    @Test func findsDistributionsByShapeInEveryCheck() {
        let found = HTMLDistributions.find(Self.report)
        #expect(found.map { "\($0.check) \($0.label)" } == ["unit-tests requests › database › latency", "cas lookup"])
    }

    @Test func drawsBarsThresholdsAndPhasesAsWellFormedMarkup() throws {
        let html = String(decoding: try HTMLReportWriter().render(Self.report), as: UTF8.self)
        let doc = try XMLDocument(xmlString: html, options: [])
        let figures = try doc.nodes(forXPath: "//section[@id='measurements']//figure[@class='dist']")
        #expect(figures.count == 2)
        let bars = try doc.nodes(forXPath: "//figure[@class='dist'][1]//rect[contains(@class,'mark ')]/title")
        #expect(bars.map { $0.stringValue ?? "" } == ["p50: 42.5ms", "p90: 80ms", "p95: 120.3ms", "p99: 480ms", "max: 612ms"])
        // p95 is past its degraded line: drawn in the warning colour; the others pass.
        let p95 = try #require(try doc.nodes(forXPath: "//figure[@class='dist'][1]//rect[title='p95: 120.3ms']").first as? XMLElement)
        #expect(p95.attribute(forName: "class")?.stringValue == "mark run-interrupted")
        let lines = try doc.nodes(forXPath: "//figure[@class='dist'][1]//line/title").map { $0.stringValue ?? "" }
        #expect(lines == ["p95 degraded: 100ms", "p95 critical: 500ms"])
        let phases = try doc.nodes(forXPath: "//figure[@class='dist'][1]//rect[starts-with(@style,'fill')]/title").map { $0.stringValue ?? "" }
        #expect(phases == ["dns: 0.1ms", "connect: 0.3ms", "firstByte: 41.9ms", "transfer: 0.2ms"])
    }

    @Test func aReportWithoutDistributionsHasNoSection() throws {
        let html = String(decoding: try HTMLReportWriter().render(ReportFixtures.report), as: UTF8.self)
        #expect(!html.contains("id=\"measurements\""))
    }
}
