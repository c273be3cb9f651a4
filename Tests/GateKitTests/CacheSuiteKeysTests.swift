import Foundation
import GateCore
import GateKit
import GateTestSupport
import Testing

/// `inputs`, `env-inputs`, `cache`, `split` and `weight` are validated at load time: a mistake is a
/// ConfigError (exit 2) naming the file, line and key.
@Suite struct CacheSuiteKeysTests {
    static let bad: [(String, String, String)] = [
        ("    inputs: {a: b}\n", "inputs", "suite.yaml:5"),
        ("    inputs: []\n", "inputs", "suite.yaml:5"),
        ("    env-inputs: [HOME, 9LIVES]\n", "env-inputs", "suite.yaml:5"),
        ("    cache: sometimes\n", "cache", "suite.yaml:5"),
        ("    split: true\n", "split", "suite.yaml:5"),
        ("    weight: -2\n", "weight", "suite.yaml:5"),
        ("    weight: heavy\n", "weight", "suite.yaml:5"),
    ]

    @Test(arguments: bad.indices)
    func badKeysNameFileLineAndKey(index: Int) throws {
        let (line, key, location) = Self.bad[index]
        let dir = try TempDir("keys")
        defer { dir.remove() }
        try dir.write(["suite.yaml": "suite: k\nchecks:\n  - id: c\n    run: \"true\"\n" + line])
        do {
            _ = try SuiteLoader(registry: BuiltinVerifiers.registry, workingDirectory: dir.path).load("suite.yaml")
            Issue.record("'\(line)' should be refused")
        } catch {
            #expect(error.description.contains(location), "\(error.description)")
            #expect(error.description.contains("'\(key)'") || error.description.contains(key), "\(error.description)")
        }
    }

    @Test func splitChecksCannotNeedOrBeNeeded() throws {
        let dir = try TempDir("keys")
        defer { dir.remove() }
        try dir.write([
            "a.yaml": "checks:\n  - {id: s, uses: cas, split: true, needs: [b], with: {root: .}}\n  - {id: b, run: \"true\"}\n",
            "b.yaml": "checks:\n  - {id: s, uses: cas, split: true, with: {root: .}}\n  - {id: b, run: \"true\", needs: [s]}\n",
            "ok.yaml": "checks:\n  - {id: s, uses: cas, split: true, inputs: [x], env-inputs: [HOME], cache: false, weight: 2.5, with: {root: .}}\n",
        ])
        let loader = SuiteLoader(registry: BuiltinVerifiers.registry, workingDirectory: dir.path)
        #expect { try loader.load("a.yaml") } throws: { "\($0)".contains("cannot need 'b'") }
        #expect { try loader.load("b.yaml") } throws: { "\($0)".contains("needs 's', which is split") }
        let ok = try loader.load("ok.yaml").checks[0].cache
        #expect(ok == CachePolicy(inputs: ["x"], envInputs: ["HOME"], enabled: false, split: true, weight: 2.5))
    }
}
