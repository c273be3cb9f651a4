import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import GateReports

/// The SARIF writer against the checklist: schema-valid, one run with every rule described,
/// partialFingerprints, repository-relative URIs, startLine >= 1, waived findings as suppressions, and
/// GitHub's limits (25,000 results per run, 10 MB gzipped).
@Suite struct SARIFReportWriterTests {
    static func report(_ checks: [CheckResult], rules: [RuleDescriptor] = []) -> RunReport {
        RunReport(suite: "s", startedAt: Date(timeIntervalSince1970: 0), durationMs: 1, status: .failed, exitCode: 1,
                  suiteFile: "Suites/s.yaml", checks: checks, rules: rules)
    }

    static func json(_ data: Data) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func run(_ doc: [String: Any]) throws -> [String: Any] {
        let runs = try #require(doc["runs"] as? [[String: Any]])
        #expect(runs.count == 1, "exactly one run")
        return try #require(runs.first)
    }

    static let sample: RunReport = {
        var waived = Finding(rule: "secrets/github-pat", message: "GitHub token 'ghp_…' in 'a.env'", path: "a.env",
                             line: 3, column: 5, identity: "sha256:1")
        waived.waived = true
        waived.waiver = "listed in the baseline"
        let secrets = CheckResult(
            id: "secrets", verifier: "secrets", status: .failed, summary: "1 secret",
            rules: ["secrets/github-pat", "secrets/jwt"],
            findings: [
                Finding(rule: "secrets/jwt", message: "JSON Web Token 'eyJh…' in 'web/app config.js'",
                        path: "web/app config.js", line: 0, identity: "sha256:2"),
                waived,
            ],
            source: "Suites/s.yaml:7", root: "service")
        let cmd = CheckResult(id: "lint", verifier: "command", status: .failed, rules: ["command/exit-status"],
                              findings: [Finding(rule: "command/exit-status", message: "exited 1")], source: "Suites/s.yaml:12",
                              root: ".")
        return report([secrets, cmd], rules: [
            RuleDescriptor("secrets/github-pat", "GitHub personal access token", help: "Revoke it."),
            RuleDescriptor("secrets/jwt", "JSON Web Token"),
            RuleDescriptor("command/exit-status", "The program failed."),
        ])
    }()

    /// An advisory check's error findings are warnings in SARIF, as everywhere else (issue 23).
    @Test func advisoryFailuresAreWarnings() throws {
        let finding = Finding(rule: "command/test-failure", message: "t failed", path: "t.py", line: 1)
        let advisory = CheckResult(id: "slow-tests", verifier: "command", status: .failed, required: false,
                                   rules: ["command/test-failure"], findings: [finding], root: ".")
        let blocking = CheckResult(id: "tests", verifier: "command", status: .failed, rules: ["command/test-failure"],
                                   findings: [finding], root: ".")
        let run = try Self.run(Self.json(SARIFReportWriter().render(Self.report([advisory, blocking]))))
        let results = try #require(run["results"] as? [[String: Any]])
        let levels = Dictionary(uniqueKeysWithValues: results.map {
            (($0["properties"] as? [String: Any])?["check"] as? String ?? "?", $0["level"] as? String ?? "?")
        })
        #expect(levels == ["slow-tests": "warning", "tests": "error"])
    }

    @Test func validatesAgainstTheSARIFSchema() async throws {
        let dir = try TempDir("sarif-writer")
        defer { dir.remove() }
        try SARIFReportWriter().render(Self.sample).write(to: URL(fileURLWithPath: dir.file("r.sarif")))
        try await SchemaCheck.sarif(dir.file("r.sarif"))
    }

    @Test func describesEveryRuleAndLocatesEveryResult() throws {
        let run = try Self.run(Self.json(SARIFReportWriter().render(Self.sample)))
        let driver = try #require((run["tool"] as? [String: Any])?["driver"] as? [String: Any])
        #expect(driver["name"] as? String == "gate")
        let rules = try #require(driver["rules"] as? [[String: Any]])
        #expect(rules.compactMap { $0["id"] as? String } == ["command/exit-status", "secrets/github-pat", "secrets/jwt"])
        #expect(rules.allSatisfy { (($0["shortDescription"] as? [String: Any])?["text"] as? String)?.isEmpty == false })

        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 3)
        for r in results {
            let fp = try #require(r["partialFingerprints"] as? [String: String])
            #expect(fp.values.allSatisfy { !$0.isEmpty })
            let loc = try #require((r["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])
            let artifact = try #require(loc["artifactLocation"] as? [String: Any])
            let uri = try #require(artifact["uri"] as? String)
            #expect(!uri.hasPrefix("/") && !uri.contains("://"), "repository-relative: \(uri)")
            #expect(artifact["uriBaseId"] as? String == "%SRCROOT%")
            let line = try #require((loc["region"] as? [String: Any])?["startLine"] as? Int)
            #expect(line >= 1)
            let ruleIndex = try #require(r["ruleIndex"] as? Int)
            #expect(rules[ruleIndex]["id"] as? String == r["ruleId"] as? String)
        }
        let uris = results.compactMap {
            ((($0["locations"] as? [[String: Any]])?.first?["physicalLocation"] as? [String: Any])?["artifactLocation"]
                as? [String: Any])?["uri"] as? String
        }
        #expect(uris.contains("service/web/app%20config.js"), "joined with the check root and percent-encoded: \(uris)")
        #expect(uris.contains("Suites/s.yaml"), "a finding without a path points at its check")
    }

    @Test func waivedFindingsAreSuppressions() throws {
        let run = try Self.run(Self.json(SARIFReportWriter().render(Self.sample)))
        let results = try #require(run["results"] as? [[String: Any]])
        let suppressed = results.filter { $0["suppressions"] != nil }
        #expect(suppressed.count == 1)
        let s = try #require((suppressed.first?["suppressions"] as? [[String: Any]])?.first)
        #expect(s["justification"] as? String == "listed in the baseline")
        #expect(suppressed.first?["ruleId"] as? String == "secrets/github-pat")
    }

    @Test func keepsAtMostTwentyFiveThousandResultsMostSevereFirst() throws {
        let findings = (0..<25_010).map { i in
            Finding(rule: "x/r", severity: i < 20 ? .error : .note, message: "m\(i)", path: "f\(i % 7).txt", line: i + 1)
        }
        let check = CheckResult(id: "big", verifier: "x", status: .failed, rules: ["x/r"], findings: findings, root: ".")
        let run = try Self.run(Self.json(SARIFReportWriter().render(Self.report([check]))))
        let results = try #require(run["results"] as? [[String: Any]])
        #expect(results.count == 25_000)
        #expect(results.filter { $0["level"] as? String == "error" }.count == 20, "every error survives the cut")
        let props = try #require(run["properties"] as? [String: Any])
        #expect(props["droppedResults"] as? Int == 10)
        #expect(props["truncated"] as? Bool == true)
    }

    /// Large, poorly compressible messages: the document is cut until it gzips under the limit (a lower
    /// limit here keeps the test fast; the mechanism is the same at 10 MB).
    @Test func staysUnderTheGzippedSizeLimit() throws {
        var rng = SystemRandomNumberGenerator()
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789".utf8)
        let findings = (0..<400).map { i in
            let noise = String(decoding: (0..<2000).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self)
            return Finding(rule: "x/r", severity: i % 2 == 0 ? .error : .warning, message: noise, path: "f.txt", line: i + 1)
        }
        let check = CheckResult(id: "noisy", verifier: "x", status: .failed, rules: ["x/r"], findings: findings, root: ".")
        var writer = SARIFReportWriter()
        writer.maxGzippedBytes = 300_000
        let data = try writer.render(Self.report([check]))
        #expect(Gzip.compressedSize(data) <= 300_000)
        #expect(data.count > 300_000, "the uncompressed document may be larger; only the gzipped size counts")
        let run = try Self.run(Self.json(data))
        let kept = try #require(run["results"] as? [[String: Any]])
        #expect(kept.count < 400 && kept.count > 100)
        #expect(kept.filter { $0["level"] as? String == "error" }.count == min(200, kept.count), "errors are kept first")
        #expect((run["properties"] as? [String: Any])?["droppedResults"] as? Int == 400 - kept.count)
    }

    @Test func gzipSizeIsRealCompression() {
        let repetitive = Data(String(repeating: "gate ", count: 100_000).utf8)
        let size = Gzip.compressedSize(repetitive)
        #expect(size > 18 && size < 5_000, "500 KB of repetition gzips to a few KB, got \(size)")
    }
}
