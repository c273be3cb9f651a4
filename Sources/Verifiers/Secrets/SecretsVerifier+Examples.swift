import Foundation
import GateCore

extension SecretsVerifier {
    /// Runnable examples (GateKitTests runs each one). Tokens are generated into the temporary root by
    /// `prepare`, from a fixed seed, so that no realistic token is written in the source.
    static let examples: [VerifierExample] = [
        VerifierExample(
            "Placeholders, references and identifiers are not secrets",
            with: "all-files: true",
            files: [
                "config/app.yml": """
                    database:
                      password: ${DB_PASSWORD}
                      request-id: 6f1c2b9e-8a4d-4c1e-9f7a-2b3c4d5e6f70
                    aws:
                      access_key_id: AKIAIOSFODNN7EXAMPLE
                    api_key: "<your-api-key>"
                    """,
            ],
            expect: .passed),
        VerifierExample(
            "A GitHub token with a valid checksum fails the check",
            with: "all-files: true",
            expect: .failed, expectRules: ["secrets/github-pat"],
            prepare: { root in try writeGenerated(root, "app.env", "GITHUB_TOKEN=ghp_{r:62:30}{crc:30}\n") }),
        VerifierExample(
            "An inline marker allows a known test value",
            with: "all-files: true",
            expect: .passed,
            prepare: { root in try writeGenerated(root, "test.env", "GITHUB_TOKEN=ghp_{r:62:30}{crc:30}  # gate:allow\n") }),
        VerifierExample(
            "CI can refuse inline markers",
            with: "inline-ignores: false",
            expect: .failed, expectRules: ["secrets/github-pat"],
            prepare: { root in try writeGenerated(root, "test.env", "GITHUB_TOKEN=ghp_{r:62:30}{crc:30}  # gate:allow\n") }),
        VerifierExample(
            "A GitHub token whose checksum is wrong is no finding, unless validation is turned off",
            with: "validate-off: [github-pat]",
            expect: .failed, expectRules: ["secrets/github-pat"],
            prepare: { root in try writeGenerated(root, "app.env", "GITHUB_TOKEN=ghp_{r:62:30}{badcrc:30}\n") }),
        VerifierExample(
            "A secret inside base64 is found, and the finding says where",
            with: "all-files: true",
            expect: .failed, expectRules: ["secrets/gitlab-pat"],
            prepare: { root in
                let inner = try ExampleTemplate.expand("CI_TOKEN=glpat-{r:u:20}\n", seed: 42)
                try Data("config: \(Data(inner.utf8).base64EncodedString())\n".utf8).write(to: URL(fileURLWithPath: root + "/ci.yml"))
            }),
        VerifierExample(
            "A gitleaks config adds its own rule on top of the defaults",
            with: "config: .gitleaks.toml",
            files: [
                ".gitleaks.toml": """
                    [extend]
                    useDefault = true

                    [[rules]]
                    id = "acme-client-key"
                    description = "ACME internal client key"
                    regex = '''acme_[a-z0-9]{24}'''
                    keywords = ["acme_"]
                    """,
                "client.py": "ACME_CLIENT = \"acme_q8vn2pl9mk4xz7rt5wy3bc6d\"\n",
            ],
            expect: .failed, expectRules: ["secrets/acme-client-key"]),
    ]

    /// Expands a ruleset example template (random bodies, valid checksums) into a file under `root`.
    static func writeGenerated(_ root: String, _ name: String, _ template: String) throws {
        let text = try ExampleTemplate.expand(template, seed: 42)
        try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + name))
    }
}
