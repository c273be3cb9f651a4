import Foundation
import Testing

@testable import GateCore

@Suite struct GlobTests {
    @Test(arguments: [
        ("*.lock", "Cargo.lock", true), ("*.lock", "deep/dir/yarn.lock", true), ("*.lock", "lock", false),
        ("src/*.swift", "src/a.swift", true), ("src/*.swift", "src/x/a.swift", false),
        ("src/**/*.swift", "src/a.swift", true), ("src/**/*.swift", "src/x/y/a.swift", true),
        ("**/test_*.py", "test_a.py", true), ("**/test_*.py", "a/b/test_a.py", true),
        ("vendor/", "vendor/x/y.go", true), ("vendor/", "src/vendor/x.go", true), ("/vendor/", "src/vendor/x.go", false), ("/vendor/", "vendor/x.go", true), ("node_modules/", "a/node_modules/b.js", true),
        ("file?.txt", "file1.txt", true), ("file?.txt", "file10.txt", false),
        ("[a-c]x", "bx", true), ("[!a-c]x", "bx", false), ("*.{yml,yaml}", "a/s.yaml", true),
        ("docs/**", "docs/a/b.md", true), ("docs/**", "doc/a.md", false), ("/*.md", "a.md", true), ("/*.md", "d/a.md", false), ("a/*/c", "a/b/c", true), ("a/*/c", "a/b/d/c", false),
    ])
    func matches(pattern: String, path: String, expected: Bool) {
        #expect(Glob(pattern).matches(path) == expected, "\(pattern) vs \(path)")
    }
}

@Suite struct PathUtilTests {
    @Test func normalizeAndRelative() {
        #expect(PathUtil.normalize("/a/./b/../c//d/") == "/a/c/d")
        #expect(PathUtil.normalize("a/../../b") == "../b")
        #expect(PathUtil.resolve("x/y", against: "/root") == "/root/x/y")
        #expect(PathUtil.resolve("/abs", against: "/root") == "/abs")
        #expect(PathUtil.relative("/root/a/b", to: "/root") == "a/b")
        #expect(PathUtil.relative("/rootx/a", to: "/root") == "/rootx/a")
        #expect(PathUtil.isInside("/root/../etc", "/root") == false)
        #expect(PathUtil.dirname("/a/b") == "/a")
        #expect(PathUtil.basename("/a/b.txt") == "b.txt")
    }

    /// `normalize` returns a path it judges already normal untouched; the full algorithm must agree.
    /// Every path of up to five components drawn from the tricky ones is tried, absolute and relative.
    @Test func theAlreadyNormalShortcutAgreesWithTheFullAlgorithm() {
        let parts = ["a", ".", "..", "", "...", ".a", "b."]
        var paths: [String] = ["", "/", ".", "..", "a"]
        var layer: [[String]] = [[]]
        for _ in 1...4 {
            layer = layer.flatMap { prefix in parts.map { prefix + [$0] } }
            for comps in layer {
                paths.append(comps.joined(separator: "/"))
                paths.append("/" + comps.joined(separator: "/"))
                paths.append(comps.joined(separator: "/") + "/")
            }
        }
        var shortcuts = 0
        for p in paths {
            // Appending "/." forces the full algorithm and does not change what the path names.
            let full = PathUtil.normalize(p.isEmpty ? "./." : p + "/.")
            if PathUtil.isNormal(p) {
                shortcuts += 1
                #expect(full == p, "'\(p)'")
            }
            #expect(PathUtil.normalize(p) == full, "'\(p)'")
        }
        #expect(shortcuts > 100)
        #expect(PathUtil.isNormal("/work/main/Sources") && !PathUtil.isNormal("/work//main") && !PathUtil.isNormal("a/"))
    }
}

@Suite struct DurationParsingTests {
    @Test(arguments: [("90s", 90_000), ("10m", 600_000), ("1h30m", 5_400_000), ("500ms", 500), ("2", 2000), ("1.5s", 1500), ("14d", 1_209_600_000)])
    func parses(text: String, ms: Int) {
        #expect(DurationParsing.parse(text)?.milliseconds == ms)
    }

    @Test(arguments: ["", "soon", "10x", "m", "-5s", "5s3"])
    func rejects(text: String) {
        #expect(DurationParsing.parse(text) == nil)
    }

    /// Issue 19: these trapped (SIGILL) in a Double-to-Int64 conversion or an unchecked add.
    @Test(arguments: ["10000000000000000000s", "9999999999999999s", "2562047788015215h", "1000000000000000000000ms",
                      "99999999999999999999", "5000000000000000000ms5000000000000000000ms", "36501d", "5215w"])
    func refusesTooLong(text: String) {
        #expect(DurationParsing.check(text) == .failure(.tooLong))
    }

    @Test(arguments: ["1e300", "0x10", "inf", "nan", "+5s", "1.s.", ".s", "5 s", "٣s", "1h 30m"])
    func refusesOtherForms(text: String) {
        #expect(DurationParsing.check(text) == .failure(.malformed), "\(text)")
    }

    @Test func edgesOfTheRange() {
        #expect(DurationParsing.parse("36500d") == DurationParsing.maximum)
        #expect(DurationParsing.parse("36499d23h59m59s999ms")?.milliseconds == DurationParsing.maximum.milliseconds - 1)
        #expect(DurationParsing.check("36500d1ms") == .failure(.tooLong))
        #expect(DurationParsing.parse("0s") == .zero)
        #expect(DurationParsing.parse("0000000000000000000000000000001s")?.milliseconds == 1000)
        #expect(DurationParsing.parse("1.9999ms")?.milliseconds == 1)
        #expect(DurationParsing.parse(".5s")?.milliseconds == 500)
    }

    /// Random digit strings (with and without a fraction) and unit suffixes, one to three parts: the parser
    /// never traps, and agrees with exact 128-bit arithmetic on the value and on the limit.
    @Test func randomDigitsAndUnitsAgreeWithExactArithmetic() {
        let units: [(String, Int128)] = [("ms", 1), ("s", 1000), ("sec", 1000), ("secs", 1000), ("m", 60_000), ("min", 60_000),
                                         ("mins", 60_000), ("h", 3_600_000), ("hr", 3_600_000), ("hrs", 3_600_000),
                                         ("d", 86_400_000), ("day", 86_400_000), ("days", 86_400_000), ("w", 604_800_000)]
        var rng = SystemRandomNumberGenerator()
        let limit = Int128(DurationParsing.maximum.milliseconds)
        var accepted = 0, tooLong = 0
        for _ in 0..<20_000 {
            var text = ""
            var exact: Int128 = 0
            var overflowed = false
            let parts = Int.random(in: 1...3, using: &rng)
            for p in 0..<parts {
                let length = [1, 2, 5, 10, 15, 19, 20, 25, 36].randomElement(using: &rng)!
                let digits = String((0..<length).map { _ in "0123456789".randomElement(using: &rng)! })
                let fraction = Bool.random(using: &rng) ? String((0..<Int.random(in: 1...12, using: &rng)).map { _ in
                    "0123456789".randomElement(using: &rng)! }) : nil
                let bare = parts == 1 && p == 0 && Int.random(in: 0..<8, using: &rng) == 0
                let (unit, factor) = bare ? ("", Int128(1000)) : units.randomElement(using: &rng)!
                text += digits + (fraction.map { "." + $0 } ?? "") + unit
                // Exact: the whole part, then the first nine fraction digits, rounded down to milliseconds.
                let significant = digits.drop { $0 == "0" }
                if significant.count > 30 { overflowed = true; continue }
                var whole: Int128 = 0
                for d in significant { whole = whole * 10 + Int128(d.wholeNumberValue!) }
                var f: Int128 = 0, scale: Int128 = 1
                for d in (fraction ?? "").prefix(9) { f = f * 10 + Int128(d.wholeNumberValue!); scale *= 10 }
                exact += whole * factor + f * factor / scale
            }
            let result = DurationParsing.check(text)
            if overflowed || exact > limit {
                #expect(result == .failure(.tooLong), "\(text)")
                tooLong += 1
            } else {
                #expect(result == .success(.milliseconds(Int64(exact))), "\(text): expected \(exact) ms")
                accepted += 1
            }
        }
        // Both sides of the limit were exercised.
        #expect(accepted > 1000 && tooLong > 1000, "accepted \(accepted), too long \(tooLong)")
    }

    @Test func formats() {
        #expect(DurationParsing.format(.milliseconds(350)) == "350ms")
        #expect(DurationParsing.format(.milliseconds(1540)) == "1.5s")
        #expect(DurationParsing.format(.seconds(125)) == "2m 5s")
    }
}

@Suite struct RedactorTests {
    // Test credentials are assembled at run time; none is committed in a real format.
    static func token(_ prefix: String, _ count: Int) -> String {
        prefix + String((0..<count).map { i in Array("abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")[(i * 7 + 3) % 55] })
    }

    @Test func redactsSecretEnvironmentValuesAndKnownShapes() {
        let envSecret = "s3cr3t-" + String(repeating: "q", count: 10)
        let r = Redactor(environment: ["DEPLOY_TOKEN": envSecret, "HOME": "/home/someone"])
        let gh = Self.token("gh" + "p_", 36)
        let text = "token is \(envSecret); gh \(gh); url https://user:hunter22@example.invalid/x; home /home/someone" // gate:allow (a test password for the redactor)
        let out = r.redact(text)
        #expect(!out.contains(envSecret))
        #expect(!out.contains(gh))
        #expect(!out.contains("hunter22"))
        #expect(out.contains("[redacted:DEPLOY_TOKEN]"))
        #expect(out.contains("https://user:***@example.invalid"))
        #expect(out.contains("/home/someone"))
    }

    @Test func privateKeyBlocksAreRemoved() {
        let body = String(repeating: "MIIEvQIBADANBgkqhkiG9w0BAQEFAASC", count: 4)
        let pem = "-----BEGIN " + "PRIVATE KEY-----\n\(body)\n-----END " + "PRIVATE KEY-----"
        let out = Redactor().redact("before\n\(pem)\nafter")
        #expect(!out.contains(body))
        #expect(out.hasPrefix("before\n") && out.hasSuffix("\nafter"))
    }

    /// One sample per built-in shape, each alone in a line of ordinary words: the trigger prefilter must let
    /// every one through to its regex, so a pattern added without a trigger fails here.
    @Test func everyShapeIsRedactedOnItsOwn() {
        let t = Self.token
        let samples: [String] = [
            t("gh" + "p_", 36), t("gh" + "s_", 36), t("github" + "_pat_", 48), t("glp" + "at-", 24), t("xo" + "xb-", 24),
            t("sk" + "_live_", 24), t("rk" + "_live_", 24), "AK" + "IA" + "QWERTYUIOPASDFGH", "AS" + "IA" + "ZXCVBNMQWERTYUIO",
            t("sk" + "-proj-", 32), t("sk" + "-ant-", 32), t("sk" + "-", 32), t("np" + "m_", 36), t("py" + "pi-AgEIcHlwaS5vcmc", 60),
            t("h" + "f_", 34), t("AI" + "za", 35), t("S" + "G.", 20) + t(".", 20),
            t("ey" + "J", 16) + t(".ey" + "J", 16) + t(".", 16), "Bear" + "er " + t("", 24), "pass" + "word=" + t("", 12),
            "API" + "_KEY: " + t("", 20), "https://deploy:" + t("", 12) + "@host.invalid/x",
        ]
        for sample in samples {
            let secret = sample.split(whereSeparator: { " :=@/".contains($0) }).map(String.init).max { $0.count < $1.count }!
            let out = Redactor().redact("the build said \(sample) and stopped")
            #expect(!out.contains(secret), "\(sample) -> \(out)")
            #expect(RedactionEngine.mayMatch(sample), "\(sample)")
        }
        let plain = "exited 0; 12 files checked in 3 ms"
        #expect(!RedactionEngine.mayMatch(plain))
        #expect(Redactor().redact(plain) == plain)
    }

    @Test func namesThatLookSecret() {
        #expect(Redactor.looksSecret("GITHUB_TOKEN"))
        #expect(Redactor.looksSecret("db_password"))
        #expect(!Redactor.looksSecret("PATH"))
    }
}

@Suite struct ConfigValueTests {
    @Test func typesFollowTheCoreSchema() throws {
        let v = try #require(try YAMLLoader.load(text: "a: true\nb: 'true'\nc: 12\nd: 1.5\ne: ~\nf: [x, y]\ng: \"007\"\n", file: "t"))
        #expect(v["a"]?.bool == true)
        #expect(v["b"]?.bool == nil)
        #expect(v["b"]?.string == "true")
        #expect(v["c"]?.int == 12)
        #expect(v["d"]?.double == 1.5)
        #expect(v["e"]?.isNull == true)
        #expect(v["f"]?.stringList == ["x", "y"])
        #expect(v["g"]?.int == nil)
        #expect(v.json == ["a": true, "b": "true", "c": 12, "d": 1.5, "e": .null, "f": ["x", "y"], "g": "007"])
    }

    @Test func duplicateKeysAreErrors() {
        #expect(throws: ConfigError.self) { try YAMLLoader.load(text: "a: 1\na: 2\n", file: "t") }
    }
}

@Suite struct VisibleTextTests {
    @Test func controlCharactersAreShownNotObeyed() {
        #expect(VisibleText.line("a\u{1B}]0;title\u{07}b") == #"a\x1b]0;title\x07b"#)
        #expect(VisibleText.line("x\r\ny\tz\u{7F}") == #"x\r\ny\tz\x7f"#)
        #expect(VisibleText.line("csi \u{9B}31m bidi \u{202E}gnp.exe \u{2028}") == #"csi \u{9b}31m bidi \u{202e}gnp.exe \u{2028}"#)
        #expect(VisibleText.line("plain ü → ✓") == "plain ü → ✓")
        #expect(VisibleText.line("a\r\nb", keeping: ["\r", "\n"]) == "a\r\nb")
    }

    @Test func linesAreIndentedUnderTheFirst() {
        #expect(VisibleText.lines("one\ntwo\r\nthree\u{1B}[2K\rfour", indent: "  ") == "one\n  two\n  three\\x1b[2K\\rfour")
        #expect(VisibleText.lines("single") == "single")
    }

    /// After the GitHub Actions runner's parsers (ActionCommand.TryParseV2: TrimStart, then "::" at the
    /// start; TryParse: "##[" anywhere), with lines ending at LF or CR as StreamReader.ReadLine ends them.
    @Test(arguments: [
        ("::add-path::/x", #"\x3a:add-path::/x"#),
        ("  \t::error::x", "  \t" + #"\x3a:error::x"#),
        ("\u{A0}\u{3000}::error::x", "\u{A0}\u{3000}" + #"\x3a:error::x"#),
        ("ok\r::set-env name=A::1", "ok\r" + #"\x3a:set-env name=A::1"#),
        ("ok\n\n::x::", "ok\n\n" + #"\x3a:x::"#),
        ("text ##[add-path]/x", #"text ##\x5badd-path]/x"#),
        ("a::b and #[x] and # # [", "a::b and #[x] and # # ["),
        ("x\u{1B}[31m::error::y", "x\u{1B}[31m::error::y"),
    ])
    func workflowCommandsAreMadeInert(input: String, expected: String) {
        #expect(VisibleText.inertWorkflowCommands(input) == expected)
    }
}
