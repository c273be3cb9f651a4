import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// End to end through the real `gate` binary: secrets never reach any report, log or console output, the
/// reports validate, and exit codes tell findings (1), configuration errors (2) and run errors (3) apart.
@Suite(.serialized) struct LeakTests {
    /// Every rule's first example, generated, as one file per rule; and the secret values the engine
    /// extracts from them.
    static func plant(in dir: TempDir) throws -> [String] {
        var secrets: [String] = []
        let scanner = BufferScanner(engine: .builtin)
        for (i, rule) in Ruleset.builtin.rules.enumerated() where rule.regex != nil {
            let (file, template) = DefaultRulesetTests.split(rule.examples[0])
            let rel = "planted/\(rule.id)/\(file)"
            let text = try ExampleTemplate.expand(template, seed: UInt64(1000 + i)) + "\n"
            try dir.write([rel: text])
            let bytes = Array(text.utf8)
            bytes.withUnsafeBufferPointer { b in
                _ = scanner.begin(path: rel)
                for h in scanner.scan(b, report: 0..<b.count, path: rel, commit: nil) {
                    secrets.append(String(decoding: b[h.secret], as: UTF8.self))
                }
            }
        }
        return secrets
    }

    /// A secret leaks when any 12-byte window of it past its 4-character preview appears in `output`
    /// (shorter secrets: when the whole value appears).
    static func leaks(_ secrets: [String], in output: [UInt8]) -> [String] {
        struct Window: Hashable { var head: UInt64; var tail: UInt32 }
        func window(_ b: [UInt8], _ i: Int) -> Window {
            var h: UInt64 = 0, t: UInt32 = 0
            for k in 0..<8 { h = h << 8 | UInt64(b[i + k]) }
            for k in 8..<12 { t = t << 8 | UInt32(b[i + k]) }
            return Window(head: h, tail: t)
        }
        var windows = Set<Window>()
        if output.count >= 12 {
            for i in 0...(output.count - 12) { windows.insert(window(output, i)) }
        }
        let data = Data(output)
        return secrets.filter { s in
            let b = Array(s.utf8)
            if b.count < 16 { return data.range(of: Data(b)) != nil }
            return (4...(b.count - 12)).contains { windows.contains(window(b, $0)) }
        }
    }

    static func allBytes(under path: String) -> [UInt8] {
        var out: [UInt8] = []
        let e = FileManager.default.enumerator(atPath: path)
        while let rel = e?.nextObject() as? String {
            if let d = FileManager.default.contents(atPath: path + "/" + rel) { out += d }
        }
        return out
    }

    @Test func plantedSecretsNeverAppearInReportsLogsOrConsole() async throws {
        let dir = try TempDir("secrets-leak")
        defer { dir.remove() }
        let secrets = try Self.plant(in: dir)
        #expect(secrets.count >= Ruleset.builtin.rules.filter { $0.regex != nil }.count,
                "every rule's example yields at least one secret")

        // `gate check` with every format, verbose console output.
        let check = try await Exec.gate(["check", "secrets", dir.file("planted"), "--reports", dir.file("out-check"), "-v",
                                         "--set", "all-files=true"], cwd: dir.path)
        #expect(check.code == 1, "findings exit 1: \(check.stderr)")
        // `gate run` with the suite's `reports:` block and explicit flags.
        try dir.write(["suite.yaml": """
            suite: leak
            root: planted
            reports: {sarif: out-run/extra.sarif}
            checks:
              - id: secrets
                uses: secrets
                with: {all-files: true}
            """])
        let run = try await Exec.gate(["run", "suite.yaml", "--reports", dir.file("out-run"), "--verbose",
                                       "--junit", dir.file("out-run/j.xml"), "--markdown", dir.file("out-run/m.md")], cwd: dir.path)
        #expect(run.code == 1)

        let report = try dir.read("out-check/report.json")
        #expect(report.contains("secrets/github-pat") && report.contains("ghp_…"), "the reports do carry findings and previews")
        let everything = Array((check.stdout + check.stderr + run.stdout + run.stderr).utf8)
            + Self.allBytes(under: dir.file("out-check")) + Self.allBytes(under: dir.file("out-run"))
            + Self.allBytes(under: dir.file("planted/.gate"))
        let leaked = Self.leaks(secrets, in: everything)
        #expect(leaked.isEmpty, "\(leaked.count) planted secrets leaked into the output (previews: \(leaked.map { $0.prefix(4) }))")

        try await SchemaCheck.sarif(dir.file("out-check/report.sarif"))
        try await SchemaCheck.sarif(dir.file("out-run/extra.sarif"))
        try await SchemaCheck.junit(dir.file("out-run/j.xml"))
        try await SchemaCheck.report(dir.file("out-check/report.json"))
    }

    /// The leak check can fail: a report that does contain a secret is caught.
    @Test func theLeakDetectorDetects() {
        let s = githubToken()
        #expect(Self.leaks([s], in: Array("noise \(s.dropFirst(3).prefix(20)) noise".utf8)) == [s])
        #expect(Self.leaks([s], in: Array("preview \(s.prefix(4))… only".utf8)).isEmpty)
    }

    @Test func anInvalidCustomRegexExitsTwoNamingTheRuleAndLine() async throws {
        let dir = try TempDir("secrets-badregex")
        defer { dir.remove() }
        try dir.write(["rules.toml": "[[rules]]\nid = \"team-token\"\ndescription = \"d\"\nkeywords = [\"tt\"]\nregex = '''tt-([0-9]+'''\n"])
        let r = try await Exec.gate(["check", "secrets", dir.path, "--set", "config=rules.toml"], cwd: dir.path)
        #expect(r.code == 2)
        #expect(r.stderr.contains("rules.toml:5:") && r.stderr.contains("'team-token'"), "\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Stack"))
    }

    @Test func aScannerErrorExitsThreeNotOne() async throws {
        let dir = try TempDir("secrets-error")
        defer { dir.remove() }
        let r = try await Exec.gate(["check", "secrets", dir.path, "--set", "history=true"], cwd: dir.path)
        #expect(r.code == 3, "a check that could not run is an error, not findings: \(r.stdout)")
    }
}
