import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierCommand

/// Another scanner's SARIF, through the `command` verifier's `report: {format: sarif}`, becomes gate
/// findings: rules, severities, paths, lines, fingerprints and suppressions carry over. Rule ids with a
/// `/` (CodeQL's `js/sql-injection`) are kept as they are; others get the tool's name as prefix.
@Suite struct SARIFIngestTests {
    /// Shaped like CodeQL's output: rules in a tool extension, results naming them by index, levels left to
    /// the rule default, a SRCROOT-relative URI, a suppression, and a fixed (absent) result.
    static let codeqlStyle = """
        {"version": "2.1.0", "runs": [{
          "tool": {"driver": {"name": "CodeQL", "rules": []},
                   "extensions": [{"name": "codeql/javascript-queries", "rules": [
                     {"id": "js/sql-injection", "shortDescription": {"text": "Database query built from user input"},
                      "defaultConfiguration": {"level": "error"}, "help": {"text": "Use query parameters."}},
                     {"id": "js/unused-local-variable", "shortDescription": {"text": "Unused variable"},
                      "defaultConfiguration": {"level": "note"}}]}]},
          "results": [
            {"rule": {"id": "js/sql-injection", "index": 0, "toolComponent": {"index": 0}},
             "message": {"text": "This query depends on a user-provided value."},
             "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/db%20layer/query.js", "uriBaseId": "%SRCROOT%"},
                                                 "region": {"startLine": 42, "startColumn": 7}}}],
             "partialFingerprints": {"primaryLocationLineHash": "8f2a1c:1"}},
            {"ruleIndex": 1, "rule": {"index": 1, "toolComponent": {"index": 0}},
             "message": {"text": "Unused variable tmp."},
             "locations": [{"physicalLocation": {"artifactLocation": {"uri": "src/util.js"}, "region": {"startLine": 3}}}],
             "suppressions": [{"kind": "inSource", "justification": "kept for the debugger"}]},
            {"ruleId": "js/sql-injection", "baselineState": "absent", "message": {"text": "fixed"}},
            {"ruleId": "js/unused-local-variable", "kind": "pass", "message": {"text": "no problem"}}
          ]}]}
        """

    /// Shaped like Semgrep's: absolute file URIs, explicit levels.
    static func semgrepStyle(root: String) -> String {
        """
        {"version": "2.1.0", "$schema": "https://json.schemastore.org/sarif-2.1.0.json", "runs": [{
          "tool": {"driver": {"name": "Semgrep OSS", "rules": [
            {"id": "python.lang.security.audit.eval-detected", "shortDescription": {"text": "eval"},
             "defaultConfiguration": {"level": "warning"}}]}},
          "results": [{"ruleId": "python.lang.security.audit.eval-detected", "level": "error",
                       "message": {"text": "Detected the use of eval()."},
                       "locations": [{"physicalLocation": {"artifactLocation": {"uri": "file://\(root)/app/main.py"},
                                                           "region": {"startLine": 9, "endLine": 9}}}],
                       "fingerprints": {"matchBasedId/v1": "abc123"}}]}]}
        """
    }

    static func ingest(_ files: [String: String], report: String) async throws -> CheckOutcome {
        let dir = try TempDir("sarif-ingest")
        defer { dir.remove() }
        try dir.write(files.mapValues { $0.replacingOccurrences(of: "$ROOT", with: dir.path) })
        let loc = SourceLocation(file: "t.yaml", line: 1, column: 1)
        let report = ConfigValue(.mapping([
            ConfigEntry(key: "format", keyLocation: loc, value: .scalar("sarif", at: loc)),
            ConfigEntry(key: "path", keyLocation: loc, value: .scalar(report, at: loc)),
        ]), at: loc)
        let params = Parameters(values: ["run": .scalar("true", at: loc), "report": report], root: dir.path, location: loc)
        let verifier = try CommandVerifier(parameters: params)
        let context = CheckContext(checkID: "scan", suiteName: "t", root: dir.path, cwd: dir.path,
                                   environment: ProcessInfo.processInfo.environment, timeout: nil,
                                   artifactsDirectory: dir.file(".a"), stateDirectory: dir.file(".gate"))
        return try await verifier.run(context)
    }

    @Test func codeqlStyleResultsBecomeFindings() async throws {
        let o = try await Self.ingest(["codeql.sarif": Self.codeqlStyle], report: "codeql.sarif")
        #expect(o.findings.count == 2, "the fixed and the passing results are not findings")
        let sql = try #require(o.findings.first { $0.rule == "js/sql-injection" })
        #expect(sql.severity == .error, "level taken from the rule's default")
        #expect(sql.path == "src/db layer/query.js" && sql.line == 42 && sql.column == 7)
        #expect(!sql.waived)
        let unused = try #require(o.findings.first { $0.rule == "js/unused-local-variable" })
        #expect(unused.severity == .note)
        #expect(unused.waived && unused.waiver == "kept for the debugger")
        #expect(Set(o.extraRules.map(\.id)) == ["js/sql-injection", "js/unused-local-variable"])
        #expect(o.extraRules.first { $0.id == "js/sql-injection" }?.help == "Use query parameters.")
    }

    @Test func absoluteFileURIsBecomeRootRelativePaths() async throws {
        let o = try await Self.ingest(["semgrep.sarif": Self.semgrepStyle(root: "$ROOT")], report: "semgrep.sarif")
        let f = try #require(o.findings.first)
        #expect(f.rule == "semgrep-oss/python.lang.security.audit.eval-detected")
        #expect(f.path == "app/main.py" && f.line == 9 && f.severity == .error)
    }

    @Test func fingerprintsKeepFindingsStableWhenLinesMove() async throws {
        let a = try await Self.ingest(["c.sarif": Self.codeqlStyle], report: "c.sarif")
        let moved = try await Self.ingest(["c.sarif": Self.codeqlStyle.replacingOccurrences(of: "\"startLine\": 42", with: "\"startLine\": 60")],
                                          report: "c.sarif")
        #expect(a.findings.map(\.fingerprint) == moved.findings.map(\.fingerprint))
    }

    @Test func brokenOrMissingReportsAreReported() async throws {
        let broken = try await Self.ingest(["bad.sarif": "{\"runs\": [ {"], report: "bad.sarif")
        #expect(broken.findings.map(\.rule) == ["command/report-invalid"])
        let missing = try await Self.ingest([:], report: "none.sarif")
        #expect(missing.findings.map(\.rule) == ["command/report-missing"])
        // The verifier sets no status of its own: the scheduler fails the check on the un-waived error.
        #expect(missing.status == nil && missing.findings.first?.severity == .error)
    }
}
