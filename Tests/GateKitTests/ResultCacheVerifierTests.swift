import Foundation
import GateCore
import GateKit
import GateReports
import GateTestSupport
import Testing

/// For every built-in verifier, through the real pipeline on its own documented passing example: a second
/// run is a hit, and changing an input file, a parameter, an environment input or gate's version is a
/// miss. Restoring a changed file's content is a hit again (the key is content, not timestamps).
@Suite struct ResultCacheVerifierTests {
    /// A parameter change each verifier's passing example accepts. A new verifier must add one here.
    static let parameterChange = Dictionary(uniqueKeysWithValues: [
        ("cas", "full: true"),
        ("determinism", "runs: 3"),
        ("tenant-isolation", "max-examples: 7"),
        ("boundaries", "ignore-type-checking: true"),
        ("migrations", "allow-pending: false"),
        ("command", "kill-grace: 2s"),
        ("secrets", "max-file-size: 50MB"),
        ("health", "timeout: 9s"),
        ("ledger", "max-skew: 5s"),
    ])

    static let verifiers: [String] = BuiltinVerifiers.all.map { $0.descriptor.id }

    @Test(arguments: verifiers)
    func everyChangeToAnInputIsAMiss(verifier: String) async throws {
        let type = try #require(BuiltinVerifiers.registry.type(for: verifier))
        let example = try #require(type.descriptor.examples.first { $0.expect == .passed }, "\(verifier): no passing example")
        let change = try #require(Self.parameterChange[verifier], "add a parameter change for '\(verifier)' to this test")
        let dir = try TempDir("cache-\(verifier)")
        defer { dir.remove() }
        try dir.write(example.files)
        try example.prepare?(dir.path)

        func suite(_ extra: String = "", with more: String = "") -> String {
            let with = (example.with + "\n" + more).split(separator: "\n").map { "      " + $0 }.joined(separator: "\n")
            // A command check has no default inputs: it is cached only with declared ones. Nor has a health
            // check (a live service is no file); its example's service is app.py (the run writes a port file).
            let inputs = verifier == "command" ? "    inputs: ['**']\n" : verifier == "health" ? "    inputs: [app.py]\n" : ""
            return "suite: cache\nchecks:\n  - id: c\n    uses: \(verifier)\n" + inputs
                + "    env-inputs: [GATE_TEST_INPUT]\n" + extra + "    with:\n" + with + "\n"
        }
        try dir.write(["suite.yaml": suite(), "changed.yaml": suite(with: change)])
        var runner = CachedRunner(dir)
        runner.environment["GATE_TEST_INPUT"] = "one"
        try await CachedRunner.settle()

        let cold = try #require(try await runner.run().check("c"))
        #expect(cold.status == .passed, "\(verifier): \(cold.summary) \(cold.reason ?? "")")
        #expect(cold.cached == false)
        let warm = try #require(try await runner.run().check("c"))
        #expect(warm.cached == true, "\(verifier): an unchanged second run must be a hit: \(warm.cache?.note ?? "")")
        #expect(warm.cache?.hashedFiles == 0, "\(verifier): the warm run read \(warm.cache?.hashedFiles ?? -1) files")
        #expect(warm.findings == cold.findings && warm.summary == cold.summary && warm.status == cold.status)

        // Parameters.
        #expect(try await runner.run("changed.yaml").check("c")?.cached == false, "\(verifier): '\(change)' must miss")
        // Environment inputs.
        var other = runner
        other.environment["GATE_TEST_INPUT"] = "two"
        #expect(try await other.run().check("c")?.cached == false, "\(verifier): a changed env-input must miss")
        // gate's version.
        var newer = runner
        newer.version = "99.0.0"
        #expect(try await newer.run().check("c")?.cached == false, "\(verifier): a new gate version must miss")
        #expect(try await runner.run().check("c")?.cached == true)

        // Input files, each of the first few: changed is a miss, restored is a hit.
        let inputs = try runner.inputs(of: "c")
        #expect(!inputs.isEmpty, "\(verifier): the example has no input files")
        for file in inputs.prefix(3) {
            let original = try Data(contentsOf: URL(fileURLWithPath: file))
            try appendByte(file)
            let changed = try #require(try await runner.run().check("c"))
            #expect(changed.cached == false, "\(verifier): changing '\(PathUtil.relative(file, to: dir.path))' must miss")
            try original.write(to: URL(fileURLWithPath: file))
            let restored = try #require(try await runner.run().check("c"))
            #expect(restored.cached == true, "\(verifier): restoring '\(PathUtil.relative(file, to: dir.path))' must hit")
        }
    }
}
