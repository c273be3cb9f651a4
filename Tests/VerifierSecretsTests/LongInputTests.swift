import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// Long lines, large files and pathological patterns: the cases where regex scanners hang.
@Suite struct LongInputTests {
    /// A 1 MB single-line minified bundle, dense with keywords, with three real tokens inside. It is
    /// scanned through the real file path. The bound below is a guard against catastrophic backtracking
    /// (which takes minutes), not a benchmark; the release build scans it in a few milliseconds.
    @Test func aOneMegabyteMinifiedLineScansQuickly() throws {
        let dir = try TempDir("secrets-minified")
        defer { dir.remove() }
        var rng = ExampleTemplate.Generator(seed: 5)
        let fragments = [
            "var token=e.token||\"\";", "password:a.password,", "function(t){return t.apiKey}", "\"key-\"+n+", "eyJ",
            "https://cdn.example.invalid/x.js?", "secret=", "aaaaaaaaaaaaaaaaaaaaaaaa", "sk_", "AKIA", "=\"",
        ]
        var line = ""
        var planted: [String] = []
        while line.utf8.count < 1 << 20 {
            line += fragments[Int(rng.next() % UInt64(fragments.count))]
            line += String(decoding: ExampleTemplate.random(ExampleTemplate.classes["62"]!, 20, &rng), as: UTF8.self)
            if planted.count < 3 && line.utf8.count > (planted.count + 1) * 300_000 {
                let t = githubToken(seed: UInt64(planted.count + 10))
                planted.append(t)
                line += ",auth:\"\(t)\","
            }
        }
        try dir.write(["bundle.min.js": line])
        let scanner = FileScanner(engine: .builtin)
        let clock = ContinuousClock()
        let start = clock.now
        let hits = scanner.scanFile(absolute: dir.file("bundle.min.js"), path: "bundle.min.js", maxSize: 1 << 30)
        let elapsed = clock.now - start
        #expect(ruleIDs(hits).filter { $0 == "github-pat" }.count == 3)
        #expect(hits.allSatisfy { $0.line == 1 })
        #expect(scanner.stats.regexLimit == 0, "no window needed the match limit")
        // Catastrophic backtracking takes minutes; the bound is generous because the full suite runs this
        // beside hundreds of tests on a shared 2-core machine (the benchmark measures speed, not this test).
        #expect(elapsed < .seconds(30), "1 MB minified line took \(elapsed)")
        print("1 MB minified line scanned in \(elapsed) (debug build)")
    }

    /// A nested quantifier that backtracks exponentially is stopped by PCRE2's match limit: the window is
    /// skipped and counted, the scan goes on and finds the rest.
    @Test func catastrophicPatternsHitTheMatchLimitInsteadOfHanging() throws {
        var evil = RuleSpec(id: "evil", description: "nested quantifiers")
        evil.regex = "(?:a|aa)+b"
        evil.keywords = ["aaaa"]
        evil.window = 4096
        var good = RuleSpec(id: "good", description: "marker")
        good.regex = "MARK-[0-9]{6}"
        good.keywords = ["mark-"]
        let engine = try SecretEngine(Ruleset(rules: [evil, good], allowlists: []))
        // The 'b' is there (so PCRE2's required-character check passes) but not where the loop needs it.
        let text = String(repeating: "a", count: 3000) + "Xb MARK-\(token("{r:9:6}"))"
        let scanner = FileScanner(engine: engine)
        let hits = scanner.scanText(Array(text.utf8), path: "x", lineNumbers: [1], commit: nil)
        #expect(ruleIDs(hits, engine: engine) == ["good"])
        #expect(scanner.stats.regexLimit >= 1)
    }

    /// A file larger than the chunk is scanned in overlapping pieces: a token on either side of every
    /// boundary is found exactly once, at the same line as in a single-buffer scan.
    @Test func chunkedFilesLoseAndDuplicateNothing() throws {
        var text = ""
        var expected = 0
        var seed: UInt64 = 100
        while text.utf8.count < 40_000 {
            text += "filler line \(text.utf8.count) with some words and numbers 12345\n"
            if text.utf8.count % 4096 > 3900 || text.utf8.count % 4096 < 200 {
                seed += 1
                text += "T=\(githubToken(seed: seed))\n"
                expected += 1
            }
        }
        let (whole, chunked) = try scanWholeAndChunked(text)
        #expect(expected > 5)
        #expect(whole.count == expected)
        #expect(chunked.map(\.line) == whole.map(\.line))
        #expect(chunked.map(\.column) == whole.map(\.column))
        #expect(chunked.map(\.value) == whole.map(\.value))
    }
}
