import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import GateReports

/// A shard's report with a cached check and a split check's slice: every format marks them (golden files
/// `launch-shard.*`), and the emitted files validate against their schemas.
@Suite struct CacheShardReportTests {
    static var report: RunReport {
        var r = ReportFixtures.report
        r.checks[0].cached = true
        r.checks[0].cache = CacheInfo(key: "62fc32710a00aed73c644e4bf0b557c2", inputFiles: 7, hashedFiles: 0, hashedBytes: 0)
        r.checks[1].slice = "2/4"
        r.checks[1].cached = false
        r.checks[1].cache = CacheInfo(key: "04e1cfc5b1fc712ee31fe6d6f3c7fe97", inputFiles: 3, hashedFiles: 1,
                                      hashedBytes: 4096, note: "inputs changed while the check ran; the result was not cached")
        r.shard = ShardInfo(index: 2, count: 4, checks: r.checks.map(\.id),
                            suiteChecks: r.checks.map(\.id) + ["elsewhere"], splitChecks: ["cas"], balance: .history)
        return r
    }

    @Test(arguments: ReportFormat.allCases)
    func matchesGolden(format: ReportFormat) throws {
        let text = String(decoding: try format.writer.render(Self.report), as: UTF8.self)
        Golden.check(text, "Tests/GateReportsTests/Golden/launch-shard.\(format.defaultFileName)")
    }

    @Test func emittedFilesValidateAndRoundTrip() async throws {
        let dir = try TempDir("shard-reports")
        defer { dir.remove() }
        #expect(ReportSet.all(in: dir.path).write(Self.report).isEmpty)
        try await SchemaCheck.junit(dir.file("junit.xml"))
        try await SchemaCheck.sarif(dir.file("report.sarif"))
        try await SchemaCheck.report(dir.file("report.json"))
        let decoded = try JSONReportWriter.decoder.decode(RunReport.self, from: Data(contentsOf: URL(fileURLWithPath: dir.file("report.json"))))
        #expect(decoded.shard == Self.report.shard)
        #expect(decoded.checks.map(\.cached) == Self.report.checks.map(\.cached))
        #expect(decoded.checks.map(\.cache) == Self.report.checks.map(\.cache))
        #expect(decoded.checks[1].slice == "2/4")
    }
}

@Suite struct ChartNumberTests {
    /// Chart coordinates: one decimal, no trailing ".0", the sign kept, halves rounded away from zero.
    @Test func oneDecimalWithoutTrailingZero() {
        let cases: [(Double, String)] = [(0, "0"), (-0.0, "0"), (5, "5"), (4.96, "5"), (17.25, "17.3"), (2.04, "2"),
                                         (0.5, "0.5"), (-0.5, "-0.5"), (-12.34, "-12.3"), (100, "100")]
        for (x, text) in cases { #expect(HTMLCharts.n(x) == text, "\(x)") }
    }
}
