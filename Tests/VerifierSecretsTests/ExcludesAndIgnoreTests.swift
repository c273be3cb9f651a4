import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// gate's own output is never scanned, vendored and build trees are left out by default (and can be
/// brought back), and gitleaks' `.gitleaksignore` is honoured when its configuration is used.
@Suite struct ExcludesAndIgnoreTests {
    static func paths(_ o: CheckOutcome) -> [String] { o.findings.compactMap(\.path).sorted() }

    /// A determinism or history run may record a secret under Reports/ or .gate/; the scan must not fail on
    /// its own records, even with every default exclude turned off.
    @Test func gateOutputIsNeverScanned() async throws {
        let dir = try TempDir("secrets-own-output")
        defer { dir.remove() }
        let t = githubToken()
        try dir.write([
            "Reports/ci/run.json": "{\"token\": \"\(t)\"}\n", ".gate/state/replay.txt": "T=\(t)\n",
            "docs/Reports/notes.txt": "T=\(t)\n", "src/app.env": "T=\(t)\n",
        ])
        for with in [["all-files": "true"], ["all-files": "true", "default-excludes": "false"]] {
            let o = try await runSecrets(dir.path, with)
            #expect(Self.paths(o) == ["docs/Reports/notes.txt", "src/app.env"], "with \(with)")
        }
    }

    @Test func vendoredAndBuildTreesAreLeftOutUnlessIncluded() async throws {
        let dir = try TempDir("secrets-vendored")
        defer { dir.remove() }
        let t = githubToken()
        try dir.write([
            "_vendored/lib/a.py": "T='\(t)'\n", "build/out/b.js": "t='\(t)'\n", "dist/c.js": "t='\(t)'\n",
            "third_party/d.go": "t := \"\(t)\"\n", "vendor/e.go": "t := \"\(t)\"\n", "yarn.lock": "t \(t)\n",
            "src/f.env": "T=\(t)\n",
        ])
        let normal = try await runSecrets(dir.path, ["all-files": "true"])
        #expect(Self.paths(normal) == ["src/f.env"])
        let vendored = try await runSecrets(dir.path, ["all-files": "true", "include-vendored": "true"])
        #expect(Self.paths(vendored) == ["_vendored/lib/a.py", "build/out/b.js", "dist/c.js", "src/f.env",
                                         "third_party/d.go", "vendor/e.go"], "lock files stay out")
        let everything = try await runSecrets(dir.path, ["all-files": "true", "default-excludes": "false"])
        #expect(Self.paths(everything).count == 7)
    }

    static let config = "[extend]\nuseDefault = true\n"

    /// Fingerprints as gitleaks writes them (`file:rule:line`, gitleaks' rule ids), read from the root when a
    /// gitleaks config is in use: listed findings are waived, others are not.
    @Test func gitleaksIgnoreWaivesListedFingerprints() async throws {
        let dir = try TempDir("secrets-gitleaksignore")
        defer { dir.remove() }
        try dir.write([
            ".gitleaks.toml": Self.config,
            "a.env": "X=1\nT=\(githubToken(seed: 1))\n", "b.env": "T=\(githubToken(seed: 2))\n",
            "c.env": "password = \"\(token("{r:62:10}#{r:62:6}"))\"\n",
            ".gitleaksignore": "# known test fixtures\na.env:github-pat:2\nc.env:generic-api-key:1\nb.env:github-pat:9\n",
        ])
        let o = try await runSecrets(dir.path, ["all-files": "true", "config": ".gitleaks.toml"])
        #expect(o.findings.filter { !$0.waived }.compactMap(\.path) == ["b.env"], "b.env is listed at another line")
        #expect(o.findings.filter(\.waived).allSatisfy { $0.waiver == "listed in '.gitleaksignore'" })
        if case .int(let n)? = o.stats["gitleaksIgnored"] { #expect(n == 2) } else { Issue.record("no gitleaksIgnored stat") }
        let without = try await runSecrets(dir.path, ["all-files": "true"])
        #expect(without.findings.filter { !$0.waived }.count == 3, "without a gitleaks config the file is not read")
    }

    @Test func gitleaksIgnoreFingerprintsParseFromTheRight() {
        let commit = String(repeating: "ab", count: 20)
        #expect(GitleaksIgnore.parse("\(commit):dir/a:b.env:aws-access-token:12")
                == .init(commit: commit, path: "dir/a:b.env", rule: "aws-access-token", line: 12))
        #expect(GitleaksIgnore.parse("src/x.py:generic-api-key:3") == .init(commit: nil, path: "src/x.py", rule: "generic-api-key", line: 3))
        #expect(GitleaksIgnore.parse("src/x.py:3") == nil)
        #expect(GitleaksIgnore.parse("src/x.py:rule:three") == nil)
    }

    @Test func aBadFingerprintIsAConfigErrorNamingItsLine() async throws {
        let dir = try TempDir("secrets-gitleaksignore-bad")
        defer { dir.remove() }
        try dir.write([".gitleaks.toml": Self.config, ".gitleaksignore": "a.env:github-pat:2\nnot a fingerprint\n",
                       "a.env": "T=\(githubToken())\n"])
        let r = try await Exec.gate(["check", "secrets", dir.path, "--set", "all-files=true", "--set", "config=.gitleaks.toml"],
                                    cwd: dir.path)
        #expect(r.code == 2, "\(r.stdout)\(r.stderr)")
        #expect((r.stdout + r.stderr).contains(".gitleaksignore:2"))
    }

    /// gitleaks reports GitHub tokens whatever their checksum; gate does not, on purpose, unless asked.
    @Test func validateOffReportsChecksumInvalidTokens() async throws {
        let dir = try TempDir("secrets-validate-off")
        defer { dir.remove() }
        try dir.write(["app.env": "GITHUB_TOKEN=\(token("ghp_{r:62:30}{badcrc:30}"))\nNPM=\(token("npm_{r:62:30}{badcrc:30}"))\n",
                       "extend.toml": "[extend]\nuseDefault = true\n\n[[rules]]\nid = \"github-pat\"\nvalidate = \"off\"\n"])
        #expect(try await runSecrets(dir.path, ["all-files": "true"]).findings.isEmpty)
        let one = try await runSecrets(dir.path, ["all-files": "true", "validate-off": "[github-pat]"])
        #expect(one.findings.map(\.rule) == ["secrets/github-pat"])
        let all = try await runSecrets(dir.path, ["all-files": "true", "validate-off": "[all]"])
        #expect(all.findings.map(\.rule).sorted() == ["secrets/github-pat", "secrets/npm-token"])
        let viaConfig = try await runSecrets(dir.path, ["all-files": "true", "config": "extend.toml"])
        #expect(viaConfig.findings.map(\.rule) == ["secrets/github-pat"], "validate = \"off\" on the rule in a config")
    }
}
