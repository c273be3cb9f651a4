import Foundation
import GateCore
import GateKit
import GateReports
import GateTestSupport
import Testing

/// Every example in every registered verifier's descriptor runs through the real suite pipeline and must
/// end with the status (and rules) it documents. `gate explain` prints these same examples.
@Suite struct VerifierExamplesTests {
    static let cases: [(String, Int)] = BuiltinVerifiers.all.flatMap { t in
        t.descriptor.examples.indices.map { (t.descriptor.id, $0) }
    }

    @Test(arguments: cases)
    func exampleBehavesAsDocumented(verifier: String, index: Int) async throws {
        let type = try #require(BuiltinVerifiers.registry.type(for: verifier))
        let example = type.descriptor.examples[index]
        let dir = try TempDir("example-\(verifier)")
        defer { dir.remove() }
        try dir.write(example.files)
        try example.prepare?(dir.path)

        let yaml = "suite: example\nchecks:\n  - id: example\n    uses: \(verifier)\n    with:\n"
            + example.with.split(separator: "\n", omittingEmptySubsequences: false).map { "      " + $0 }.joined(separator: "\n")
            + "\n"
        try dir.write(["suite.yaml": yaml])
        let suite = try SuiteLoader(registry: BuiltinVerifiers.registry, workingDirectory: dir.path).load("suite.yaml")
        let options = RunOptions(jobs: 1, reportsDirectory: dir.file("Reports"),
                                 environment: ProcessInfo.processInfo.environment)
        let run = try GateRun(suite: suite, options: options, reports: ReportSet())
        let result = await run.execute()
        let check = try #require(result.report.checks.first)
        #expect(check.status == example.expect,
                "\(verifier) example '\(example.title)': expected \(example.expect), got \(check.status): \(check.summary) \(check.reason ?? "")")
        let rules = Set(check.findings.map(\.rule))
        for rule in example.expectRules {
            #expect(rules.contains(rule), "\(verifier) example '\(example.title)' should report \(rule); got \(rules.sorted())")
        }
    }

    @Test func everyVerifierHasPassingAndFailingExamples() {
        for t in BuiltinVerifiers.all {
            let d = t.descriptor
            #expect(d.examples.contains { $0.expect == .passed }, "\(d.id) needs a passing example")
            #expect(d.examples.contains { $0.expect == .failed }, "\(d.id) needs a failing example")
            #expect(d.rules.allSatisfy { $0.id.hasPrefix(d.id + "/") }, "\(d.id) rules must start with '\(d.id)/'")
        }
    }

    @Test func registryIdsAreUniqueAndLowercase() {
        let ids = BuiltinVerifiers.registry.ids
        #expect(Set(ids).count == ids.count)
        for id in ids { #expect(id == id.lowercased() && !id.contains(" ")) }
    }
}
