import Foundation
import GateTestSupport
import Testing

@testable import GateCore

/// Suite parsing and validation, with the exact positions errors report.
@Suite struct SuiteLoaderTests {
    let registry = VerifierRegistry([EchoVerifier.self, SleepVerifier.self])

    func load(_ yaml: String, files: [String: String] = [:]) throws(ConfigError) -> Suite {
        let dir = try! TempDir("suite")
        defer { dir.remove() }  // the suite is read whole: nothing refers to the files afterwards
        try! dir.write(files.merging(["s.yaml": yaml]) { a, _ in a })
        return try SuiteLoader(registry: registry, workingDirectory: dir.path).load("s.yaml")
    }

    func error(_ yaml: String, files: [String: String] = [:]) -> ConfigError? {
        do {
            _ = try load(yaml, files: files)
            return nil
        } catch {
            return error
        }
    }

    @Test func loadsChecksWithAllKeys() throws {
        let s = try load("""
            suite: demo
            description: a demo
            jobs: 3
            timeout: 90s
            env: {A: "1"}
            checks:
              - id: first
                uses: echo
                with: {message: hi}
                tags: [fast, unit]
                env: {B: two}
                required: false
              - id: second
                uses: echo
                needs: first
                timeout: 1m30s
                cwd: sub
            """)
        #expect(s.name == "demo")
        #expect(s.jobs == 3)
        #expect(s.checks.map(\.id) == ["first", "second"])
        #expect(s.checks[0].required == false)
        #expect(s.checks[0].tags == ["fast", "unit"])
        #expect(s.checks[0].timeout == .seconds(90))
        #expect(s.checks[1].timeout == .seconds(90))
        #expect(s.checks[1].needs == ["first"])
        #expect(s.checks[1].cwd?.hasSuffix("/sub") == true)
        #expect(s.env == ["A": "1"])
    }

    @Test func unknownCheckKeyNamesPositionAndSuggestion() {
        let e = error("""
            checks:
              - id: a
                uses: echo
                neds: [b]
            """)
        #expect(e?.location?.line == 4)
        #expect(e?.location?.column == 5)
        #expect(e?.description.contains("unknown key 'neds'") == true)
        #expect(e?.description.contains("did you mean 'needs'?") == true)
        #expect(e?.description.hasPrefix("s.yaml:4:5: error:") == true)
    }

    @Test func unknownTopLevelKey() {
        let e = error("sute: x\nchecks: []\n")
        #expect(e?.location?.line == 1)
        #expect(e?.description.contains("did you mean 'suite'?") == true)
    }

    @Test func malformedYAMLReportsLine() {
        let e = error("checks:\n  - id: a\n    uses: [echo\n")
        guard case .malformedYAML(let loc, _)? = e else {
            Issue.record("expected malformedYAML, got \(String(describing: e))")
            return
        }
        #expect(loc.line >= 3)
    }

    @Test func unknownVerifierSuggests() {
        let e = error("checks:\n  - id: a\n    uses: ecoh\n")
        #expect(e?.location?.line == 3)
        #expect(e?.description.contains("did you mean 'echo'?") == true)
    }

    @Test func badDurationNamesKey() {
        let e = error("checks:\n  - id: a\n    uses: echo\n    timeout: soon\n")
        #expect(e?.location?.line == 4)
        #expect(e?.description.contains("'timeout' must be a duration") == true)
    }

    @Test func duplicateIDsPointAtBoth() {
        let e = error("checks:\n  - id: a\n    uses: echo\n  - id: a\n    uses: echo\n")
        #expect(e?.location?.line == 4)
        #expect(e?.description.contains("first defined at s.yaml:2") == true)
    }

    @Test func unknownNeedSuggests() {
        let e = error("checks:\n  - id: build\n    uses: echo\n  - id: b\n    uses: echo\n    needs: [biuld]\n")
        #expect(e?.description.contains("needs 'biuld'") == true)
        #expect(e?.description.contains("did you mean 'build'?") == true)
    }

    @Test func cyclicNeedsShowTheCycle() {
        let e = error("""
            checks:
              - {id: a, uses: echo, needs: [c]}
              - {id: b, uses: echo, needs: [a]}
              - {id: c, uses: echo, needs: [b]}
            """)
        #expect(e?.description.contains("a -> c -> b -> a") == true)
    }

    @Test func verifierParameterErrorsNameTheKey() {
        let unknown = error("checks:\n  - id: a\n    uses: echo\n    with: {mesage: x}\n")
        #expect(unknown?.description.contains("unknown key 'mesage'") == true)
        #expect(unknown?.description.contains("did you mean 'message'?") == true)
        let wrongType = error("checks:\n  - id: a\n    uses: echo\n    with:\n      repeat: lots\n")
        #expect(wrongType?.location?.line == 5)
        #expect(wrongType?.description.contains("'repeat' must be an integer") == true)
        let rejected = error("checks:\n  - id: a\n    uses: echo\n    with: {repeat: -2}\n")
        #expect(rejected?.description.contains("'repeat'") == true)
    }

    @Test func runAndUsesAreExclusive() {
        let e = error("checks:\n  - id: a\n    uses: echo\n    run: x\n")
        #expect(e?.description.contains("'uses' or 'run', not both") == true)
    }

    /// A key with no near match ends its sentence before the list of valid keys (it ran into the list:
    /// "unknown key 'version' in the suite Valid keys: ...").
    @Test func anUnknownKeyWithoutASuggestionEndsItsSentence() {
        let e = error("version: 1\nchecks: []\n")
        #expect(e?.description.contains("unknown key 'version' in the suite. Valid keys: checks,") == true, "\(String(describing: e))")
    }

    @Test func includesMergeChecksAndDetectCycles() throws {
        let s = try load("include: [more.yaml]\nchecks:\n  - {id: own, uses: echo}\n",
                         files: ["more.yaml": "checks:\n  - {id: included, uses: echo}\n"])
        #expect(s.checks.map(\.id) == ["included", "own"])
        let cycle = error("include: a.yaml\nchecks: []\n", files: ["a.yaml": "include: s.yaml\n"])
        #expect(cycle?.description.contains("forms a cycle") == true)
        let suiteKey = error("include: a.yaml\nchecks: []\n", files: ["a.yaml": "root: /\n"])
        #expect(suiteKey?.description.contains("unknown key 'root' in an included file") == true)
    }

    @Test func aliasBombIsRejected() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for i in 1...9 {
            yaml += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n"
        }
        yaml += "checks: []\n"
        let e = error(yaml)
        guard case .aliasBomb? = e else {
            Issue.record("expected aliasBomb, got \(String(describing: e))")
            return
        }
    }

    /// Plain values count against the size limit, repeated ones against the alias limit: each has its own
    /// message, and anchors reused a little (merge keys across checks) stay well inside the alias budget.
    @Test func aliasExpansionsAndPlainSizeAreCountedApart() throws {
        var plain = "checks:\n"
        for i in 0..<50 { plain += "  - {id: c\(i), uses: echo}\n" }
        var small = YAMLLoader.Budget(nodes: 120)
        do {
            _ = try YAMLLoader.load(text: plain, file: "p.yaml", budget: &small)
            Issue.record("152 values loaded with a budget of 120")
        } catch {
            guard case .tooLarge(_, 120) = error else { Issue.record("expected tooLarge, got \(error)"); return }
            #expect(error.message.contains("more than 120 values") && !error.message.contains("alias"))
        }
        var anchors = "base: &b {X: '1', Y: '2', Z: '3'}\nchecks:\n"
        for i in 0..<200 { anchors += "  - {id: c\(i), uses: echo, env: {<<: *b, N: '\(i)'}}\n" }
        var budget = YAMLLoader.Budget(nodes: 10_000, aliasExpansions: 1000)
        _ = try YAMLLoader.load(text: anchors, file: "a.yaml", budget: &budget)
        #expect(budget.aliasExpansions == 1000 - 200 * 4, "each *b repeats a map of three values")
        var tight = YAMLLoader.Budget(nodes: 10_000, aliasExpansions: 100)
        #expect(throws: ConfigError.self) { try YAMLLoader.load(text: anchors, file: "a.yaml", budget: &tight) }
        #expect(tight.aliasExpansions == 100, "the budget is left as it was when the load fails")
    }

    @Test func yamlMergeKeysWork() throws {
        let s = try load("""
            env: &d {X: "1"}
            checks:
              - id: a
                uses: echo
                env: {<<: *d, Y: "2"}
            """)
        #expect(s.checks[0].env == ["X": "1", "Y": "2"])
    }

    @Test func setValuesParseAsYAML() throws {
        let v = try AdHocSuite.parseSets(["vary=[tz,path]", "report.format=junit", "report.path=x.xml", "n=3", "q='a b'"])
        #expect(v["vary"]?.stringList == ["tz", "path"])
        #expect(v["report"]?["format"]?.string == "junit")
        #expect(v["report"]?["path"]?.string == "x.xml")
        #expect(v["n"]?.int == 3)
        #expect(v["q"]?.string == "a b")
        #expect(throws: ConfigError.self) { try AdHocSuite.parseSets(["novalue"]) }
    }
}

/// Check and suite ids: ASCII letters, digits, '.', '_' and '-', at most 128 bytes.
@Suite struct CheckIDTests {
    @Test func validAndInvalidIDs() {
        for id in ["a", "A-z_0.9", "unit-tests", "c001", String(repeating: "x", count: 128)] {
            #expect(SuiteLoader.isValidID(id), "\(id)")
        }
        for id in ["", "a b", "é", "a/b", "a:b", "tab\t", "ünit", "x\u{0}", String(repeating: "x", count: 129), "emoji😀"] {
            #expect(!SuiteLoader.isValidID(id), "\(id)")
        }
    }
}
