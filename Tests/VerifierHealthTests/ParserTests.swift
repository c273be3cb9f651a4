import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierHealth

/// The small languages of the health verifier, each against the tool it follows where that tool runs here.
@Suite struct ParserTests {
    static let document = try! JSONDecoder().decode(JSONValue.self, from: Data("""
        {"status": "healthy", "checks": {"database": "ok", "cas": "ok"}, "n": 2.0, "list": [1, 2, 3],
         "items": [{"id": 7}, {"id": "x"}], "odd key": true, "empty": {}}
        """.utf8))

    @Test(arguments: [
        ("$.status == \"healthy\"", true), ("$.status == healthy", true), ("$.status != \"down\"", true),
        ("$.checks.* == \"ok\"", true), ("$.checks[*] == \"ok\"", true), ("$.empty.* == \"ok\"", false),
        ("$.n == 2", true), ("$.n >= 2", true), ("$.n < 2", false), ("$.list[-1] == 3", true), ("$.list[5] exists", false),
        ("$.items[*].id exists", true), ("$.items[0].id == 7", true), ("$['odd key'] == true", true),
        ("$.status =~ \"^heal\"", true), ("$.status !~ \"^heal\"", false), ("$.list contains 2", true),
        ("$.checks contains \"cas\"", true), ("$.status contains \"alth\"", true), ("$.missing absent", true),
        ("$.status absent", false), ("$.list == [1, 2, 3]", true), ("$.checks.database > 1", false),
    ])
    func jsonAssertions(text: String, passes: Bool) throws {
        let a = try JSONAssertion(text)
        #expect((a.check(Self.document) == nil) == passes, "\(text)")
    }

    @Test func aFailedWildcardNamesTheConcretePath() throws {
        let doc = try JSONDecoder().decode(JSONValue.self, from: Data(#"{"checks": {"a": "ok", "b": "down"}}"#.utf8))
        let miss = try #require(try JSONAssertion("$.checks.* == \"ok\"").check(doc))
        #expect(miss.path == "$.checks.b" && miss.actual == "\"down\"" && miss.expected == "== \"ok\"")
    }

    /// Percentiles as k6's TrendSink.P computes them (lib/metrics/sink.go): linear interpolation on p × (n − 1).
    @Test func percentilesInterpolateLikeK6() {
        #expect(Percentile.of([10, 20, 30, 40], 0.5) == 25)
        #expect(Percentile.of([10, 20, 30, 40], 0.95) == 38.5)
        #expect(Percentile.of([5], 0.99) == 5)
        #expect(Percentile.of([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9.1)
    }

    static let semverCases: [(String, String)] = [
        (">=1.4.0 <2.0.0", "1.4.0"), (">=1.4.0 <2.0.0", "2.0.0"), (">=1.4.0 <2.0.0", "1.9.9"), (">=1.4.0 <2.0.0", "1.5.0-rc.1"),
        ("^1.4", "1.9.0"), ("^1.4", "2.0.0"), ("^1.4", "1.3.9"), ("^0.2.3", "0.2.9"), ("^0.2.3", "0.3.0"), ("^0.0.3", "0.0.4"),
        ("^0.0.3", "0.0.3"), ("^0.x", "0.9.9"), ("^1.x", "1.0.0"), ("^1.2.3-beta.2", "1.2.3-beta.4"), ("^1.2.3-beta.2", "1.2.4-beta.1"),
        ("~1.4.2", "1.4.9"), ("~1.4.2", "1.5.0"), ("~1.4", "1.4.0"), ("~1", "1.9.9"), ("~1", "2.0.0"), ("~>1.2", "1.2.5"),
        ("1.x", "1.4.0"), ("1.x", "2.0.0"), ("1.2.x", "1.2.9"), ("*", "3.0.0"), ("*", "3.0.0-alpha"), ("", "1.0.0"),
        ("1.2 - 1.4", "1.4.9"), ("1.2 - 1.4", "1.5.0"), ("1.2.3 - 2.3.4", "2.3.4"), ("1.2.3 - 2.3.4", "2.3.5"),
        (">1.2", "1.2.9"), (">1.2", "1.3.0"), ("<=1.2", "1.2.9"), ("<1.2", "1.1.9"), (">= 1.2.3", "1.2.3"), ("> 1.2.3", "1.2.3"),
        ("=1.2.3", "1.2.3"), ("1.2.3", "v1.2.3"), ("1.2.3 || >=3", "3.1.0"), ("1.2.3 || >=3", "2.0.0"),
        (">=1.0.0-alpha", "1.0.0-beta"), (">=1.0.0-alpha", "1.0.1-beta"), ("<2.0.0", "2.0.0-rc.1"), ("1.0.0-alpha.1", "1.0.0-alpha.1"),
        (">1.0.0-alpha.1", "1.0.0-alpha.beta"), (">1.0.0-alpha.10", "1.0.0-alpha.9"), (">=1.0.0-rc.1", "1.0.0"),
        ("^1.4.0", "1.4.0+build.7"),
    ]

    /// npm's copy of node-semver, when node is installed.
    static let nodeSemver = ["/usr/lib/node_modules/npm/node_modules/semver", "/usr/local/lib/node_modules/npm/node_modules/semver"]
        .first { FileManager.default.fileExists(atPath: $0) && FileManager.default.isExecutableFile(atPath: "/usr/bin/node") }

    /// What gate says for each case: true or false, as text.
    static func gateSemver() throws -> [String] {
        try semverCases.map { range, version in
            let r = try #require(SemVerRange(range), "'\(range)' should parse")
            let v = try #require(SemVer(version), "'\(version)' should parse")
            return String(r.contains(v))
        }
    }

    @Test func semverRangesParseAndDecide() throws {
        let ours = try Self.gateSemver()
        #expect(ours.filter { $0 == "true" }.count > 10 && ours.filter { $0 == "false" }.count > 10)
    }

    /// Range membership agrees with node-semver, case for case.
    @Test(.enabled(if: nodeSemver != nil, "node and npm's semver are not installed: the node-semver parity cannot run"))
    func semverRangesAgreeWithNodeSemver() async throws {
        let ours = try Self.gateSemver()
        let module = try #require(Self.nodeSemver)
        let cases = try String(data: JSONEncoder().encode(Self.semverCases.map { [$0.0, $0.1] }), encoding: .utf8)!
        let script = "const s = require(\(JSONText.quote(module))); for (const [r, v] of \(cases)) console.log(s.satisfies(v, r))"
        let r = try await Exec.run(["node", "-e", script])
        let theirs = r.stdout.split(separator: "\n").map(String.init)
        #expect(theirs.count == ours.count, "\(r.stderr)")
        for (i, (mine, node)) in zip(ours, theirs).enumerated() {
            #expect(mine == node, "\(Self.semverCases[i]): gate says \(mine), node-semver says \(node)")
        }
    }

    @Test func versionsOrderBySemverPrecedence() throws {
        // semver.org §11's own example chain.
        let chain = ["1.0.0-alpha", "1.0.0-alpha.1", "1.0.0-alpha.beta", "1.0.0-beta", "1.0.0-beta.2", "1.0.0-beta.11",
                     "1.0.0-rc.1", "1.0.0"].map { SemVer($0)! }
        #expect(chain == chain.sorted())
        for bad in ["1.2", "01.2.3", "1.2.3-", "1.2.3-01", "a.b.c", "1.2.3+"] { #expect(SemVer(bad) == nil, "\(bad)") }
    }

    static let schemaCases: [(String, String)] = [
        (#"{"type": "object", "required": ["status"]}"#, #"{"status": 1}"#),
        (#"{"type": "object", "required": ["status"]}"#, #"{"state": 1}"#),
        (#"{"type": "integer"}"#, "1.0"), (#"{"type": "integer"}"#, "1.5"), (#"{"type": "number"}"#, "1"),
        (#"{"type": ["string", "null"]}"#, "null"), (#"{"enum": ["ok", 1]}"#, "1.0"), (#"{"enum": ["ok", 1]}"#, #""OK""#),
        (#"{"const": {"a": [1]}}"#, #"{"a": [1.0]}"#),
        (#"{"properties": {"a": {"type": "string"}}, "additionalProperties": false}"#, #"{"a": "x", "b": 1}"#),
        (#"{"properties": {"a": {"type": "string"}}}"#, #"{"a": 3}"#), (#"{"items": {"minimum": 2}}"#, "[2, 3, 1]"),
        (#"{"minLength": 2, "maxLength": 3}"#, #""ab""#), (#"{"minLength": 2}"#, #""é""#), (#"{"pattern": "^a+$"}"#, #""aaa""#),
        (#"{"pattern": "b"}"#, #""abc""#), (#"{"minItems": 1}"#, "[]"), (#"{"maximum": 5}"#, "5"), (#"{"maximum": 5}"#, "5.01"),
        (#"{"type": "boolean"}"#, "0"), (#"{"type": "array"}"#, "{}"), (#"{"minimum": 1}"#, #""0""#), (#"false"#, "1"),
        (#"{"properties": {"x": {"enum": [1, 2]}}, "required": ["x"]}"#, #"{"x": 3}"#),
    ]

    /// The schema subset agrees with python-jsonschema (Draft 2020-12) on each case.
    @Test func schemaSubsetAgreesWithJsonschema() async throws {
        var ours: [Bool] = []
        for (schema, instance) in Self.schemaCases {
            let s = try JSONSchemaSubset(try JSONDecoder().decode(JSONValue.self, from: Data(schema.utf8)))
            ours.append(s.violations(try JSONDecoder().decode(JSONValue.self, from: Data(instance.utf8))).isEmpty)
        }
        let script = """
            import json, sys
            from jsonschema import Draft202012Validator
            for schema, instance in json.load(sys.stdin):
                print(Draft202012Validator(json.loads(schema)).is_valid(json.loads(instance)))
            """
        let dir = try TempDir("schema-parity")
        defer { dir.remove() }
        try dir.write(["cases.json": String(data: JSONEncoder().encode(Self.schemaCases.map { [$0.0, $0.1] }), encoding: .utf8)!,
                       "check.py": script])
        let r = try await Exec.run(["sh", "-c", "\(Repo.python) check.py < cases.json"], cwd: dir.path)
        guard r.code == 0 else {
            Issue.record("python-jsonschema did not run (make test installs it in .build/venv): \(r.stderr)")
            return
        }
        let theirs = r.stdout.split(separator: "\n").map { $0 == "True" }
        #expect(theirs.count == ours.count)
        for (i, (mine, py)) in zip(ours, theirs).enumerated() {
            #expect(mine == py, "\(Self.schemaCases[i]): gate says \(mine), jsonschema says \(py)")
        }
    }
}
