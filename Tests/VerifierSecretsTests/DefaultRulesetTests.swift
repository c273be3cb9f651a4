import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// The built-in ruleset: its shape, its coverage of the formats the issue lists, and every rule's
/// examples (generated at test time) and counterexamples.
@Suite struct DefaultRulesetTests {
    static let rules = Ruleset.builtin.rules

    @Test func parsesWithAtLeastSixtyDistinctRules() {
        #expect(Self.rules.count >= 60)
        #expect(Set(Self.rules.map(\.id)).count == Self.rules.count, "rule ids must be unique")
    }

    @Test func everyRuleIsDescribedAndHasKeywordsAndExamples() throws {
        for r in Self.rules {
            #expect(!r.description.isEmpty && r.description != r.id, "\(r.id) needs a description")
            #expect(!r.examples.isEmpty, "\(r.id) needs an example that matches")
            #expect(!r.counterexamples.isEmpty, "\(r.id) needs an example that must not match")
            // A rule without a regex flags files by name (its examples are paths); every other rule needs
            // keywords, or it would run on whole files.
            #expect(r.regex != nil || r.path != nil)
            if r.regex != nil {
                #expect(!r.keywords.isEmpty, "\(r.id) needs keywords for the prefilter")
                #expect(r.keywords.allSatisfy { $0 == $0.lowercased() }, "\(r.id): keywords are lowercase")
            }
        }
    }

    /// `{file:NAME}` at the start of an example scans it as the file NAME (for rules with a `path`).
    static func split(_ template: String) -> (path: String, template: String) {
        guard template.hasPrefix("{file:"), let close = template.firstIndex(of: "}") else { return ("example.txt", template) }
        let name = template[template.index(template.startIndex, offsetBy: 6)..<close]
        return (String(name), String(template[template.index(after: close)...]))
    }

    /// Whether the rule fires on an example: its regex on the text, or (a path-only rule) its path regex on
    /// the example taken as a path.
    static func fires(_ rule: RuleSpec, _ template: String, seed: UInt64) throws -> Bool {
        let (path, body) = split(template)
        let text = try ExampleTemplate.expand(body, seed: seed)
        if rule.regex == nil, let compiled = SecretEngine.builtin.rules.first(where: { $0.spec.id == rule.id }) {
            return compiled.pathRegex?.matches(Array(text.utf8), scratch: RegexScratch(captures: 4)) == true
        }
        return ruleIDs(scan(text, path: path)).contains(rule.id)
    }

    @Test func coversTheRequiredFormats() {
        let ids = Set(Self.rules.map(\.id))
        let required = [
            "aws-access-key-id", "aws-secret-access-key", "github-pat", "github-oauth", "github-fine-grained-pat",
            "gitlab-pat", "gitlab-pipeline-trigger-token", "gitlab-runner-registration-token", "gitlab-runner-auth-token",
            "slack-bot-token", "slack-user-token", "slack-app-token", "slack-webhook-url", "stripe-secret-key",
            "stripe-restricted-key", "google-api-key", "google-oauth-client-secret", "gcp-service-account", "private-key",
            "jwt", "npm-token", "pypi-token", "sendgrid-api-key", "twilio-api-key", "openai-api-key", "anthropic-api-key",
            "azure-storage-account-key", "shopify-access-token", "digitalocean-pat", "huggingface-token",
            "vault-service-token", "terraform-cloud-token", "age-secret-key", "databricks-token", "url-password",
            "generic-secret",
        ]
        for id in required { #expect(ids.contains(id), "missing rule '\(id)'") }
        let generic = Self.rules.first { $0.id == "generic-secret" }
        #expect(generic?.confidence == .low, "the generic rule has the lowest confidence")
        // config-named-key is generic too (any `<name>_key: "<token>"` entry), and the last rule.
        #expect(Self.rules.last?.id == "config-named-key" && Self.rules.last?.confidence == .low)
        #expect(Self.rules.filter { !["generic-secret", "config-named-key"].contains($0.id) }.allSatisfy { $0.confidence > .low })
        for id in ["github-pat", "github-oauth", "github-fine-grained-pat", "npm-token"] {
            #expect(Self.rules.first { $0.id == id }?.validators == [.crc32Base62], "\(id) validates its checksum")
        }
    }

    /// Each example, expanded with three seeds, produces a finding of its own rule.
    @Test(arguments: Ruleset.builtin.rules.map(\.id))
    func examplesMatchTheirRule(id: String) throws {
        let rule = try #require(Self.rules.first { $0.id == id })
        for template in rule.examples {
            for seed in [1, 2, 3] as [UInt64] {
                #expect(try Self.fires(rule, template, seed: seed), "\(id) should match example \(template) (seed \(seed))")
            }
        }
    }

    /// No counterexample produces a finding of its rule.
    @Test(arguments: Ruleset.builtin.rules.map(\.id))
    func counterexamplesDoNotMatch(id: String) throws {
        let rule = try #require(Self.rules.first { $0.id == id })
        for template in rule.counterexamples {
            for seed in [1, 2, 3] as [UInt64] {
                #expect(try !Self.fires(rule, template, seed: seed), "\(id) must not match counterexample \(template) (seed \(seed))")
            }
        }
    }

    /// The committed ruleset holds templates, not tokens: scanning the TOML file itself finds nothing.
    @Test func theRulesetFileHoldsNoRealisticToken() {
        #expect(scan(DefaultRules.toml, path: "default-rules.toml").isEmpty)
    }

    /// `DefaultRules.swift` embeds `default-rules.toml` byte for byte. `GATE_RECORD=1` regenerates it.
    @Test func embeddedCopyMatchesTheDataFile() throws {
        let toml = try String(contentsOfFile: Repo.path("Sources/Verifiers/Secrets/Rules/default-rules.toml"), encoding: .utf8)
        let swiftPath = Repo.path("Sources/Verifiers/Secrets/Rules/DefaultRules.swift")
        let current = try String(contentsOfFile: swiftPath, encoding: .utf8)
        guard let open = current.range(of: "static let toml = ##\"\"\"\n") else {
            Issue.record("DefaultRules.swift lost its string literal")
            return
        }
        let expected = String(current[..<open.upperBound]) + toml + "\"\"\"##\n}\n"
        if ProcessInfo.processInfo.environment["GATE_RECORD"] == "1" {
            try expected.write(toFile: swiftPath, atomically: true, encoding: .utf8)
            Issue.record("regenerated DefaultRules.swift; rebuild and run again without GATE_RECORD")
            return
        }
        #expect(current == expected, "DefaultRules.swift is out of date; run GATE_RECORD=1 swift test --filter DefaultRulesetTests")
    }
}
