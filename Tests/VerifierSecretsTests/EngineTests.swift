import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// The scanning engine: boundaries, known non-secrets, overlaps, positions, long lines and chunking.
@Suite struct EngineTests {
    static let shapes: [(rule: String, template: String)] = [
        ("github-pat", "ghp_{r:62:30}{crc:30}"), ("slack-bot-token", "xoxb-{r:9:12}-{r:9:13}-{r:62:24}"),
        ("stripe-secret-key", "sk_live_{r:62:24}"), ("aws-access-key-id", "AKIA{r:32:16}"),
        ("google-api-key", "AIza{r:u:35}"), ("npm-token", "npm_{r:62:30}{crc:30}"), ("jwt", "{jwt}"),
    ]

    /// A token ends where the next character is not a token character, whatever that character is.
    @Test(arguments: shapes.map(\.rule))
    func tokensAreFoundWhateverSurroundsThem(rule: String) {
        let t = token(Self.shapes.first { $0.rule == rule }!.template)
        let contexts = [
            "<token>\(t)</token>", "f(\(t))", "[\(t), 2]", "?a=\(t)&b=1", "k=\(t);", "\"\(t)\"", "`\(t)`", "{\(t)}",
            "x|\(t)|y", "\(t)", "\t\(t)\n", "'\(t)'", "<a href=\"x?t=\(t)\">",
        ]
        for c in contexts {
            #expect(ruleIDs(scan(c)).contains(rule), "\(rule) not found in: \(c.replacingOccurrences(of: t, with: "<TOKEN>"))")
        }
    }

    @Test func aTokenRunningIntoMoreTokenCharactersIsNotThatToken() {
        let t = githubToken()
        #expect(scan("x=\(t)Q9").isEmpty)
        #expect(scan("x=Z\(t)").isEmpty)
    }

    /// None of these may produce a finding of any rule.
    @Test func knownNonSecretsAreNeverFindings() throws {
        let hex40 = token("{r:h:40}"), hex64 = token("{r:h:64}")
        let uuid = token("{r:h:8}-{r:h:4}-{r:h:4}-{r:h:4}-{r:h:12}")
        let b64 = token("{r:64:86}")
        let texts = [
            "id = \"\(uuid)\"", "request_token: \(uuid)", "commit \(hex40)", "api_key = \"\(token("{r:h:10}"))\"",
            "secret_hash: \(hex64)", "token_sha256 = \"\(hex64)\"", "session_token = \"\(token("{r:h:8}-{r:h:4}-11ec-{r:h:4}-{r:h:12}"))\"",
            "\"integrity\": \"sha512-\(b64)==\"", "password_digest = \"sha256-\(token("{r:64:43}"))=\"",
            "golang.org/x/text v0.3.7 h1:\(token("{r:64:43}"))=", "api_key: \"h1:\(token("{r:64:43}"))=\"",
            "background: url(data:image/png;base64,\(token("{r:64:40}"))AKIA\(token("{r:32:16}"))\(token("{r:64:40}")));",
            "<img src=\"data:image/png;base64,\(token("{r:64:30}"))ghp_\(token("{r:62:36}"))\">",
            "-----BEGIN PUBLIC KEY-----\n\(token("{r:64:64}"))\n-----END PUBLIC KEY-----",
            "-----BEGIN CERTIFICATE-----\n\(token("{r:64:64}"))\n-----END CERTIFICATE-----",
            "public_key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI\(token("{r:64:43}")) deploy@ci",
            "secret_key = \"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ\(token("{r:64:60}"))\"",
            "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\naws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            "password: ${DB_PASSWORD}", "token: \"{{ .Values.token }}\"", "api_key = \"<your-key>\"",
            "secret = \"xxxxxxxxxxxxxxxx\"", "password = \"changeme\"", "password = \"{password}\"",
            "GITHUB_TOKEN=ghp_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx", "token: %API_TOKEN%",
            "postgres://user:password@localhost:5432/db", "password = \"12345678\"", "token = \"abcdefghijkl\"",
        ]
        for text in texts {
            let hits = scan(text)
            #expect(hits.isEmpty, "unexpected \(ruleIDs(hits)) in: \(text)")
        }
    }

    /// Hex and random UUID values are findings when their name says they are secrets: services issue hex
    /// keys (gitleaks' own examples: `"client_secret" : "<64 hex digits>"`) and UUID tokens (Heroku, Snyk).
    /// Short hex (ids, abbreviated digests) and time-based UUIDs are not.
    @Test func hexAndUUIDValuesUnderSecretNamesAreFindings() {
        for text in ["api_key = \"\(token("{r:h:40}"))\"", "token = \"\(token("{r:h:64}"))\"",
                     "client_secret: \(token("{r:h:32}"))", "api_token = \"\(token("{r:h:8}-{r:h:4}-4{r:h:3}-{r:h:4}-{r:h:12}"))\""] {
            #expect(ruleIDs(scan(text)) == ["generic-secret"], "expected a finding in: \(text)")
        }
    }

    /// A GitHub token with a wrong checksum is no finding at all: not for its rule, and not for the generic
    /// rule that would otherwise see a random value assigned to a token.
    @Test func checksumInvalidTokensAreNeverFindings() {
        for seed in 1...20 as ClosedRange<UInt64> {
            let bad = token("ghp_{r:62:30}{badcrc:30}", seed: seed)
            for text in ["GITHUB_TOKEN=\(bad)", "password: \"\(bad)\"", "<token>\(bad)</token>",
                         "npm_token = \(token("npm_{r:62:30}{badcrc:30}", seed: seed))"] {
                #expect(scan(text).isEmpty, "checksum-invalid token reported in \(text.prefix(20))")
            }
        }
    }

    @Test func linesAndColumnsCountCodePoints() throws {
        let t = githubToken()
        let hits = scan("first line\nnaïve café → GH=\(t)\n")
        let h = try #require(hits.first)
        #expect(h.line == 2)
        #expect(h.column == 17, "column counts code points, not bytes (16 precede the token)")
    }

    @Test func inlineMarkersAreRecognised() {
        let t = githubToken()
        for marker in ["# gate:allow", "// gitleaks:allow", "# pragma: allowlist secret", "# trufflehog:ignore"] {
            #expect(scan("GH=\(t) \(marker)").first?.inlineIgnored == true, "\(marker)")
        }
        #expect(scan("# gate:allow-next-line\nGH=\(t)").first?.inlineIgnored == true)
        #expect(scan("GH=\(t) # gate:allow-next-line").first?.inlineIgnored == false,
                "allow-next-line does not allow its own line")
        #expect(scan("# gate:allow\n\nGH=\(t)").first?.inlineIgnored == false, "a marker two lines up does not count")
    }

    /// Several findings on one line and on several lines come out in order with the right positions.
    @Test func manyTokensKeepTheirPositions() {
        let tokens = (1...5).map { githubToken(seed: $0) }
        let text = tokens.enumerated().map { "t\($0.offset)=\($0.element) u=\($0.element)" }.joined(separator: "\n")
        let hits = scan(text)
        #expect(hits.count == 10)
        #expect(hits.map(\.line) == [1, 1, 2, 2, 3, 3, 4, 4, 5, 5])
    }

    /// `windowBefore` bounds what the regex sees before a keyword hit; `window` still bounds what follows.
    /// The generic rule uses it: its match starts at the name, or a compared value of 64 characters before it.
    @Test func windowBeforeLimitsTheContextBeforeAKeyword() throws {
        func engine(_ before: Int?) throws -> SecretEngine {
            var r = RuleSpec(id: "pair", description: "a value before its marker")
            r.regex = "ID-([A-Za-z0-9]{20})[ \\t]+=[ \\t]+[a-z ]{0,80}MARK"
            r.keywords = ["mark"]
            r.window = 200
            r.windowBefore = before
            return try SecretEngine(Ruleset(rules: [r], allowlists: []))
        }
        let id = token("{r:62:20}")
        let near = "ID-\(id) = MARK", far = "ID-\(id) = " + String(repeating: "x", count: 60) + " MARK"
        #expect(scan(near, engine: try engine(nil)).count == 1)
        #expect(scan(far, engine: try engine(nil)).count == 1)
        #expect(scan(near, engine: try engine(32)).count == 1)
        #expect(scan(far, engine: try engine(32)).isEmpty, "the match starts 86 bytes before the keyword")
        // The built-in generic rule still sees a compared value of 64 characters before its name.
        let value = token("{r:62:64}")
        #expect(ruleIDs(scan("if (\"\(value)\" == password) {")) == ["generic-secret"])
    }
}
