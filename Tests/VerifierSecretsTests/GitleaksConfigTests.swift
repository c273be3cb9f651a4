import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// `config:` with a `.gitleaks.toml`: rules, allowlists, `[extend]`, `disabledRules`, `regexTarget`, and
/// errors that name the file, the line and the rule.
@Suite struct GitleaksConfigTests {
    static func engine(_ toml: String, disable: [String] = []) throws -> SecretEngine {
        let dir = try TempDir("gitleaks-config")
        defer { dir.remove() }
        try dir.write([".gitleaks.toml": toml])
        return try SecretEngine(Ruleset.load(config: dir.file(".gitleaks.toml"), display: ".gitleaks.toml", disable: disable))
    }

    static let acme = """
        [[rules]]
        id = "acme-key"
        description = "ACME key"
        regex = '''(?i)acme[_a-z-]*\\s*=\\s*"?(acme_[a-z0-9]{20})'''
        secretGroup = 1
        entropy = 3.0
        keywords = ["acme"]
        """

    @Test func aConfigWithoutExtendReplacesTheDefaults() throws {
        let e = try Self.engine(Self.acme)
        #expect(e.rules.map(\.spec.id) == ["acme-key"])
        let key = token("acme_{r:a9:20}")
        #expect(ruleIDs(scan("ACME_KEY=\(key)", engine: e), engine: e) == ["acme-key"])
        #expect(scan("GH=\(githubToken())", engine: e).isEmpty, "built-in rules are off without useDefault")
    }

    @Test func useDefaultAddsRulesAndDisabledRulesRemovesThemByIdOrGitleaksAlias() throws {
        let e = try Self.engine("[extend]\nuseDefault = true\ndisabledRules = [\"generic-api-key\", \"jwt\"]\n\n" + Self.acme)
        let ids = Set(e.rules.map(\.spec.id))
        #expect(ids.contains("acme-key") && ids.contains("github-pat"))
        #expect(!ids.contains("generic-secret"), "gitleaks' id 'generic-api-key' names gate's generic rule")
        #expect(!ids.contains("jwt"))
        #expect(ruleIDs(scan("GH=\(githubToken())", engine: e), engine: e) == ["github-pat"])
    }

    @Test func aRuleWithADefaultIdIsMergedIntoTheDefault() throws {
        let e = try Self.engine("""
            [extend]
            useDefault = true

            [[rules]]
            id = "github-pat"
            [[rules.allowlists]]
            paths = ['''^fixtures/''']
            """)
        let rule = try #require(e.rules.first { $0.spec.id == "github-pat" })
        #expect(rule.spec.regex?.contains("ghp_") == true, "the default regex is kept")
        #expect(rule.allowlists.count == 1)
        #expect(scan("GH=\(githubToken())", engine: e, path: "fixtures/a.env").isEmpty)
        #expect(!scan("GH=\(githubToken())", engine: e, path: "src/a.env").isEmpty)
    }

    @Test func allowlistsFollowGitleaksSemantics() throws {
        let e = try Self.engine(Self.acme + """

            [[rules.allowlists]]
            regexTarget = "line"
            regexes = ['''#\\s*test fixture''']

            [[rules.allowlists]]
            condition = "AND"
            paths = ['''\\.md$''']
            stopwords = ["demo"]

            [allowlist]
            description = "vendored"
            paths = ['''^third/''']

            [[allowlists]]
            targetRules = ["acme-key"]
            regexTarget = "match"
            regexes = ['''ACME_KEY_OLD''']
            """)
        let key = token("acme_{r:a9:20}")
        func found(_ text: String, _ path: String = "a.env") -> Bool { !scan(text, engine: e, path: path).isEmpty }
        #expect(found("ACME_KEY=\(key)"))
        #expect(!found("ACME_KEY=\(key) # test fixture"), "regexTarget line")
        #expect(!found("ACME_KEY=\(key)", "third/x.env"), "global path allowlist skips the file")
        #expect(!found("ACME_KEY_OLD=\(key)"), "targeted global allowlist on the match")
        let demo = "acme_demo" + token("{r:a9:16}")
        #expect(found("ACME_KEY=\(demo)"), "AND: the stopword alone is not enough")
        #expect(!found("ACME_KEY=\(demo)", "docs/x.md"), "AND: path and stopword together allow it")
    }

    @Test func pathOnlyRulesFlagFilesByName() async throws {
        let dir = try TempDir("gitleaks-path-rule")
        defer { dir.remove() }
        try dir.write([
            ".gitleaks.toml": "[[rules]]\nid = \"acme-keystore-file\"\ndescription = \"ACME key store\"\npath = '''\\.p12$'''\n",
            "certs/client.p12": "binary-ish", "certs/readme.txt": "nothing",
        ])
        let outcome = try await runSecrets(dir.path, ["config": ".gitleaks.toml"])
        #expect(outcome.findings.map(\.rule) == ["secrets/acme-keystore-file"])
        #expect(outcome.findings.first?.path == "certs/client.p12")
        #expect(outcome.extraRules.map(\.id) == ["secrets/acme-keystore-file"], "custom rules are described for SARIF")
    }

    @Test func anInvalidRegexNamesTheRuleAndTheFileAndLine() throws {
        let toml = "title = \"x\"\n\n[[rules]]\nid = \"broken\"\ndescription = \"d\"\nregex = '''ab(c'''\nkeywords = [\"ab\"]\n"
        do {
            _ = try Self.engine(toml)
            Issue.record("an invalid regex must be rejected")
        } catch let e as ConfigError {
            #expect(e.description.hasPrefix(".gitleaks.toml:6:"), "\(e.description)")
            #expect(e.description.contains("'broken'"))
            #expect(e.description.contains("missing closing parenthesis"))
        }
    }

    @Test func badShapesAreConfigurationErrors() throws {
        let cases: [(String, String)] = [
            ("[[rules]]\nid = \"x\"\nregex = 'a'\nkeyword = [\"a\"]\n", "did you mean 'keywords'"),
            ("[[rules]]\nid = \"x\"\nregex = 'a'\n[[rules.required]]\nid = \"y\"\n", "composite rules"),
            ("[[rules]]\ndescription = \"no id\"\nregex = 'a'\n", "missing required key 'id'"),
            ("[[rules]]\nid = \"x\"\n", "needs 'regex', 'path' or both"),
            ("[[rules]]\nid = \"x\"\nregex = '(a)'\nsecretGroup = 3\n", "secretGroup 3"),
            ("[[rules]]\nid = \"x\"\nregex = 'a'\n[rules.allowlist]\nregexTarget = \"file\"\n", "'regexTarget'"),
            ("rules = 3 = 4\n", "invalid TOML"),
            ("[extend]\npath = \"missing.toml\"\n", "missing.toml"),
        ]
        for (toml, expected) in cases {
            do {
                _ = try Self.engine(toml)
                Issue.record("accepted: \(toml)")
            } catch let e as ConfigError {
                #expect(e.description.contains(expected), "\(e.description) should mention \(expected)")
            }
        }
    }

    @Test func extendPathChainsToAnotherFile() throws {
        let dir = try TempDir("gitleaks-extend")
        defer { dir.remove() }
        try dir.write([
            "base.toml": Self.acme,
            "team/.gitleaks.toml": "[extend]\npath = \"../base.toml\"\n\n[[rules]]\nid = \"team\"\nregex = 'TEAM-[0-9]{8}'\nkeywords = [\"team-\"]\n",
        ])
        let set = try Ruleset.load(config: dir.file("team/.gitleaks.toml"), display: "team/.gitleaks.toml", disable: [])
        #expect(set.rules.map(\.id) == ["acme-key", "team"])
    }
    /// gate's additions to the schema: `[macros]` inserted as `{{name}}`, and allowlist `hashes` (SHA-256
    /// prefixes of public example values, so a config can allow them without holding them).
    @Test func macrosAndHashAllowlists() throws {
        let known = token("acme_{r:a9:20}", seed: 11), other = token("acme_{r:a9:20}", seed: 12)
        let digest = String(Array(known.utf8).withUnsafeBytes { ContentHash.hash($0, .sha256).hex }.prefix(32))
        let e = try Self.engine("""
            [macros]
            body = '''acme_[a-z0-9]{20}'''

            [[rules]]
            id = "acme-key"
            description = "ACME key"
            regex = '''(?i)acme[_a-z-]*\\s*=\\s*"?({{body}})'''
            keywords = ["acme"]
            [[rules.allowlists]]
            hashes = ["\(digest)"]
            """)
        #expect(ruleIDs(scan("ACME_KEY=\(other)", engine: e), engine: e) == ["acme-key"], "the macro is expanded")
        #expect(scan("ACME_KEY=\(known)", engine: e).isEmpty, "the listed hash is allowed")
        #expect(throws: ConfigError.self) {
            _ = try Self.engine("[[rules]]\nid = \"x\"\nregex = 'x'\nkeywords = [\"x\"]\n[[rules.allowlists]]\nhashes = [\"abc\"]\n")
        }
    }
}
