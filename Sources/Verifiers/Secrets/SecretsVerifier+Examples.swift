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
        generated(
            "A GitHub token with a valid checksum fails the check",
            with: "all-files: true",
            expect: .failed, expectRules: ["secrets/github-pat"],
            file: "app.env", template: "GITHUB_TOKEN=ghp_{r:62:30}{crc:30}\n"),
        generated(
            "An inline marker allows a known test value",
            with: "all-files: true",
            expect: .passed,
            file: "test.env", template: "GITHUB_TOKEN=ghp_{r:62:30}{crc:30}  # gate:allow\n"),
        generated(
            "CI can refuse inline markers",
            with: "inline-ignores: false",
            expect: .failed, expectRules: ["secrets/github-pat"],
            file: "test.env", template: "GITHUB_TOKEN=ghp_{r:62:30}{crc:30}  # gate:allow\n"),
        generated(
            "A GitHub token whose checksum is wrong is no finding, unless validation is turned off",
            with: "validate-off: [github-pat]",
            expect: .failed, expectRules: ["secrets/github-pat"],
            file: "app.env", template: "GITHUB_TOKEN=ghp_{r:62:30}{badcrc:30}\n"),
        VerifierExample(
            "A secret inside base64 is found, and the finding says where",
            with: "all-files: true",
            expect: .failed, expectRules: ["secrets/gitlab-pat"],
            prepare: { root in
                let inner = try ExampleTemplate.expand(base64Inner, seed: 42)
                try Data("config: \(Data(inner.utf8).base64EncodedString())\n".utf8).write(to: URL(fileURLWithPath: root + "/ci.yml"))
            },
            prepareShell: "printf 'config: %s\\n' \"$(" + shellPieces(base64Inner, breaking: "glpat-") + " | base64 | tr -d '\\n')\" > ci.yml"),
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

    static let base64Inner = "CI_TOKEN=glpat-{r:u:20}\n"

    /// An example whose file holds a generated token (random body, valid checksum, from a fixed seed).
    /// `gate explain` prints it as a printf of pieces, so that the whole token is in no printed text.
    static func generated(_ title: String, with: String, expect: CheckStatus, expectRules: [String] = [],
                          file: String, template: String) -> VerifierExample {
        VerifierExample(title, with: with, expect: expect, expectRules: expectRules,
                        prepare: { root in try writeGenerated(root, file, template) },
                        prepareShell: shellPieces(template, breaking: "ghp_") + " > " + ExampleShell.quoted(file))
    }

    /// The template's text as a printf of pieces, cut inside the token's prefix and every 10 characters.
    static func shellPieces(_ template: String, breaking prefix: String) -> String {
        let text = (try? ExampleTemplate.expand(template, seed: 42)) ?? template
        return ExampleShell.pieces(text, breaking: prefix)
    }

    /// Expands a ruleset example template (random bodies, valid checksums) into a file under `root`.
    static func writeGenerated(_ root: String, _ name: String, _ template: String) throws {
        let text = try ExampleTemplate.expand(template, seed: 42)
        try Data(text.utf8).write(to: URL(fileURLWithPath: root + "/" + name))
    }
}
