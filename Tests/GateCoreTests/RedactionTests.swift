import Foundation
import GateTestSupport
import Testing

@testable import GateCore

/// The redactor's promises one by one, on texts built at test time (issue 19 §3).
@Suite struct RedactionTests {
    static func leaks(_ token: LeakToken, in text: String) -> Bool {
        text.contains(token.text) || token.pieces.contains { text.contains($0) }
    }

    @Test(arguments: LeakTokens.all())
    func everyKindIsCaughtAloneGluedAndColoured(_ token: LeakToken) {
        let r = Redactor()
        // Alone, glued to a word or an underscore (no word boundary), right after a colour code, inside an
        // OSC title, and with a colour code in the middle of the token.
        let mid = token.text.index(token.text.startIndex, offsetBy: token.text.count / 2)
        let texts = [
            "found \(token.text) here", "prefix_\(token.text)", "Xx\(token.text)x",
            "\u{1B}[31m\(token.text)\u{1B}[0m", "\u{1B}]0;\(token.text)\u{07}",
            "\u{1B}[1m" + token.text[..<mid] + "\u{1B}[22m" + token.text[mid...],
        ]
        for text in texts {
            let out = r.redact(text)
            #expect(!Self.leaks(token, in: out), "\(token.kind): \(text.debugDescription) -> \(out.debugDescription)")
        }
    }

    @Test func escapesOutsideARedactionStay() {
        let token = LeakTokens.all()[0]
        let out = Redactor().redact("\u{1B}[31mred\u{1B}[0m \u{1B}[32m\(token.text)\u{1B}[0m")
        #expect(out == "\u{1B}[31mred\u{1B}[0m \u{1B}[32m" + token.text.prefix(4) + "…[redacted]\u{1B}[0m", "\(out.debugDescription)")
    }

    /// A URL's password is known by the `@` after it: one cut before it is caught only when the environment
    /// holds it (`environmentValuesWholeAndCut`).
    @Test(arguments: LeakTokens.all().filter { $0.kind != "url-password" })
    func aTokenCutAtTheEndOfAFieldIsCaught(_ token: LeakToken) throws {
        // What a capped field keeps of a token: the prefix and 12 characters of the secret, then a marker.
        let start = try #require(token.text.range(of: token.secret)).lowerBound
        let cut = token.text[..<start] + token.secret.prefix(12)
        let out = Redactor().redact("message text \(cut)…[cut 100 bytes]")
        #expect(!out.contains(token.secret.prefix(12)), "\(token.kind): \(out)")
    }

    @Test func aTokenCutAtTheStartOfAKeptTailLosesItsPiece() {
        for token in LeakTokens.all() {
            let tail = CapturedOutput(bytes: Array((token.text.dropFirst(6) + "\nrest of the log\n").utf8), totalBytes: 100_000)
            #expect(!Self.leaks(token, in: Redactor().redact(tail.text)), "\(token.kind): \(tail.text)")
            if token.kind != "url-password" { #expect(tail.text == "…\nrest of the log\n", "\(token.kind)") }
        }
        #expect(Redactor.cutStart("  starts with a space") == "  starts with a space")
        #expect(Redactor.cutStart("ail_of_a_word, then text") == "…, then text")
        let whole = CapturedOutput(bytes: Array("complete output".utf8), totalBytes: 15)
        #expect(whole.text == "complete output")
    }

    @Test func aKeyBodyIsCaughtByItsShapeWithoutItsBeginLine() {
        let body = LeakTokens.keyBody()
        // The BEGIN line fell before the kept tail: whole lines, with and without the END line.
        for text in ["…\n" + body.joined(separator: "\n") + "\n-----END RSA " + "PRIVATE KEY-----\nafter\n",
                     "build log\n" + body.joined(separator: "\n") + "\nmore log\n",
                     "…\n" + body.suffix(1).joined() + "\n-----END " + "PRIVATE KEY-----\n"] {
            let out = Redactor().redact(text)
            for line in body where text.contains(line) {
                #expect(!out.contains(line.prefix(12)), "\(out)")
            }
            #expect(out.contains("[redacted key material]"), "\(out)")
        }
        // One line of 64 letters is not a key.
        let single = "x " + String(repeating: "a", count: 64) + "\nnext\n"
        #expect(Redactor().redact(single) == single)
    }

    /// A whole 64 KiB tail of key lines, with and without BEGIN and END: the rules are possessive, so a long
    /// block neither exhausts PCRE2's stack nor goes quadratic.
    @Test func aLongKeyBlockIsRedactedWhole() {
        let body = LeakTokens.keyBody(lines: 1000)
        let begin = "-----BEGIN RSA " + "PRIVATE KEY-----\n", end = "\n-----END RSA " + "PRIVATE KEY-----\n"
        for text in [begin + body.joined(separator: "\n") + end, begin + body.joined(separator: "\n"),
                     body.joined(separator: "\n") + end, "…\n" + body.joined(separator: "\n") + "\n"] {
            let out = Redactor().redact(text)
            #expect(out.utf8.count < 200, "\(out.prefix(300))")
            #expect(!body.contains { out.contains($0.prefix(12)) })
        }
    }

    @Test func environmentValuesWholeAndCut() {
        let value = LeakTokens.random(24)
        let r = Redactor(environment: ["MYSQL_PWD": value])
        #expect(r.redact("pw \(value) end") == "pw [redacted:MYSQL_PWD] end")
        // Cut at the end of a field, or at the start of a kept tail: the first or last 8 characters give it away.
        #expect(r.redact("pw \(value.prefix(14))...") == "pw [redacted:MYSQL_PWD]...")
        #expect(r.redact("\(value.suffix(15)) and more") == "[redacted:MYSQL_PWD] and more")
        #expect(r.redact("\u{1B}[1m\(value)\u{1B}[0m") == "\u{1B}[1m[redacted:MYSQL_PWD]\u{1B}[0m")
    }

    @Test func secretLookingNames() {
        for name in ["GITHUB_TOKEN", "db_password", "MYSQL_PWD", "DB_PASS", "SIGNING_KEY", "STRIPE_KEY", "STRIPEKEY",
                     "DATABASE_DSN", "SENTRY_DSN", "PGPASSWORD", "GPG_PASSPHRASE", "BASIC_AUTH", "HTTP_AUTHORIZATION",
                     "AWS_SECRET_ACCESS_KEY", "app_pwd"] {
            #expect(Redactor.looksSecret(name), "\(name)")
        }
        // PWD and OLDPWD are the shell's working directories; the others hold no credential.
        for name in ["PWD", "OLDPWD", "PATH", "HOME", "GIT_AUTHOR_NAME", "SSH_AUTH_SOCK", "KEYBOARD", "PASSENGERS"] {
            #expect(!Redactor.looksSecret(name), "\(name)")
        }
        let cwd = "/home/someone/project"
        #expect(Redactor(environment: ["PWD": cwd, "OLDPWD": cwd + "/x"]).redact("in \(cwd)") == "in \(cwd)")
    }

    @Test func urlPasswordsInAnyVariableAreSecrets() {
        let password = LeakTokens.random(16) + "%40x"
        let r = Redactor(environment: ["CACHE_URL": "redis://:\(password)@cache:6379/0", "LINK": "https://example.invalid/a"])
        #expect(r.redact("connecting with \(password)") == "connecting with [redacted:CACHE_URL]")
        #expect(r.redact("decoded \(password.removingPercentEncoding!)") == "decoded [redacted:CACHE_URL]")
        #expect(r.redact("see https://example.invalid/a") == "see https://example.invalid/a")
    }

    @Test func assignmentsAndFlags() {
        let v = LeakTokens.random(16)
        for text in ["DB_PASS=\(v)", "MYSQL_PWD: \(v)", "\"signing_key\": \"\(v)\"", "password = '\(v)'",
                     "--db-password \(v)", "Authorization: Bearer \(v)1", "token \(v)9"] {
            let out = Redactor().redact(text)
            #expect(!out.contains(v), "\(text) -> \(out)")
        }
        // The shell's PWD, test verdicts and prose stay.
        for text in ["PWD=/home/someone/project", "PASS totally-fine (3 tests)", "tests pass successfully",
                     "the token expired after 30 minutes", "secret management is hard", "laughs_and_cries"] {
            #expect(Redactor().redact(text) == text, "\(text)")
        }
    }

    /// Values of keys named like credentials, however short (VAmPI's debug endpoint answers
    /// `"password": "pass1"`), in JSON, form and query bodies, and header lines.
    @Test func credentialKeysAnyLength() {
        let v = "p" + LeakTokens.random(4)
        let cases = [
            (#"{"username": "alice", "password": "\#(v)"}"#, #"{"username": "alice", "password": "[redacted]"}"#),
            (#"{"new_password":"\#(v)","email":"a@b.c"}"#, #"{"new_password":"[redacted]","email":"a@b.c"}"#),
            (#"{"Client_Secret" : "\#(v)\"x"}"#, #"{"Client_Secret" : "[redacted]"}"#),
            (#"{"api_key": 12345}"#, #"{"api_key": [redacted]}"#),
            (#"{"auth_token": "\#(v)", "token_type": "bearer"}"#, #"{"auth_token": "[redacted]", "token_type": "bearer"}"#),
            ("user=alice&password=\(v)&next=/home", "user=alice&password=[redacted]&next=/home"),
            ("GET /cb?access_token=\(v) HTTP/1.1", "GET /cb?access_token=[redacted] HTTP/1.1"),
            ("Host: x\nAuthorization: Basic \(v)\nAccept: */*", "Host: x\nAuthorization: [redacted]\nAccept: */*"),
            ("x-api-key: \(v)", "x-api-key: [redacted]"),
            // A body cut before its closing quote (a kept preview).
            (#"{"secret": "\#(v)"#, #"{"secret": "[redacted]"#),
        ]
        for (text, expected) in cases { #expect(Redactor().redact(text) == expected, "\(text)") }
        // Keys that only contain a credential word, counts, and prose stay.
        for text in [#"{"token_type": "bearer", "secret_count": 3, "tokens": ["a"]}"#, "passwords must be long",
                     "the api key rotates=daily", #"{"password_hint": "pet"}"#, "keyboard=us"] {
            #expect(Redactor().redact(text) == text, "\(text)")
        }
        #expect(Redactor().redact(Redactor().redact(cases[0].0)) == cases[0].1)
    }

    @Test func redactionIsIdempotentAndLeavesPlainTextAlone() {
        let tokens = LeakTokens.all()
        let text = tokens.map(\.text).joined(separator: " and ")
        let once = Redactor().redact(text)
        #expect(Redactor().redact(once) == once)
        for plain in ["exited 0; 12 files checked in 3 ms", "src/GateCore/Support/Redactor.swift:42",
                      "cas/hash-mismatch", "sha256:3f1c0e", "日本語のテキスト", ""] {
            #expect(Redactor().redact(plain) == plain)
        }
    }

    /// Every string field of a result, planted with a different token: nothing survives `scrub`, and the
    /// fingerprint (a hash that waivers match on) is kept.
    @Test func scrubCoversEveryStringOfAResult() throws {
        let tokens = LeakTokens.all()
        func tok(_ i: Int) -> String { tokens[i % tokens.count].text }
        var f = Finding(rule: "leak/" + tok(0), message: "m " + tok(1), path: "src/" + tok(2) + ".py", line: 1,
                        evidence: [tok(3): tok(4)], help: "rotate " + tok(5))
        f.waived = true
        f.waiver = "waived " + tok(6)
        let fingerprint = f.fingerprint
        var r = CheckResult(id: "c", verifier: "command", description: "d " + tok(7), status: .failed,
                            summary: "s " + tok(8), reason: "r " + tok(9),
                            stats: ["k": .string(tok(10)), "nested": .array([.object([tok(11): .string(tok(12))])])],
                            rules: ["x/" + tok(13)], findings: [f], log: "log " + tok(14), tags: [tok(15)],
                            source: "suite.yaml:1", root: "dir/" + tok(16))
        r.extraRules = [RuleDescriptor("x/" + tok(17), "summary " + tok(18), help: "help " + tok(19))]
        r.testcases = TestcaseLayout(names: ["case " + tok(20)], assignments: [fingerprint: "case " + tok(21)])
        r.cache = CacheInfo(key: "k", inputFiles: 0, hashedFiles: 0, hashedBytes: 0, note: "note " + tok(22))
        let scrubbed = Redactor().scrub(r)
        let dump = String(describing: scrubbed)
        for t in tokens.prefix(23) { #expect(!Self.leaks(t, in: dump), "\(t.kind) in \(dump)") }
        #expect(scrubbed.findings.first?.fingerprint == fingerprint)
        #expect(scrubbed.status == .failed && scrubbed.findings.first?.waived == true)

        let outcome = Redactor().scrub(CheckOutcome(findings: [f], summary: tok(8), stats: ["k": .string(tok(10))],
                                                    rules: [tok(13)], extraRules: r.extraRules, log: tok(14),
                                                    testcases: r.testcases))
        let outDump = String(describing: outcome)
        for t in tokens.prefix(23) { #expect(!Self.leaks(t, in: outDump), "\(t.kind) in \(outDump)") }
    }

    @Test func storageKeysHashOnlyWhatHoldsACredential() {
        let token = LeakTokens.all()[0].text
        #expect(Redactor.shapesOnly.storageKey("/repo/src/a.swift") == "/repo/src/a.swift")
        let key = Redactor.shapesOnly.storageKey("/repo/src/\(token).env")
        #expect(key.hasPrefix("sha256:") && !key.contains(token))
        #expect(key != Redactor.shapesOnly.storageKey("/repo/src/\(LeakTokens.all()[0].text).env"))
    }

    @Test func attestationsHoldNoCredential() {
        let tokens = LeakTokens.all()
        let a = Attestation(item: "x", by: "me " + tokens[0].text, at: Date(), note: "pasted " + tokens[1].text,
                            evidence: "https://x/?t=" + tokens[2].text)
        for (t, field) in zip(tokens, [a.by, a.note, a.evidence ?? ""]) { #expect(!Self.leaks(t, in: field), "\(field)") }
    }

    @Test func everyRuleCompilesAndHasATriggerOrShape() {
        for (i, rule) in RedactionRule.all.enumerated() {
            _ = RedactionEngine.regexes[i]
            #expect(!rule.triggers.isEmpty || i == RedactionRule.keyBodyIndex, "\(rule.name)")
            for t in rule.triggers where rule.anyCase { #expect(t == t.lowercased(), "\(rule.name): \(t)") }
        }
    }
}
