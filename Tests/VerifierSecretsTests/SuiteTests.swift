import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// The `secrets` checks of `Suites/launch.yaml` and `Suites/self.yaml`, through the real binary: the
/// committed sample and gate's own repository pass, and the sample fails once tokens are planted in a copy.
@Suite(.serialized) struct SuiteTests {
    @Test func theLaunchSuitesSecretsCheckPassesOnTheSampleAndFailsWithPlantedTokens() async throws {
        let dir = try TempDir("secrets-sample")
        defer { dir.remove() }
        let copy = dir.file("sample-service")
        try FileManager.default.copyItem(atPath: Repo.path("Fixtures/sample-service"), toPath: copy)
        let suite = Repo.path("Suites/launch.yaml")

        let clean = try await Exec.gate(["run", suite, "--only", "secrets", "--root", copy, "--reports", dir.file("r1")],
                                        cwd: dir.path)
        #expect(clean.code == 0, "the committed sample is clean:\n\(clean.stdout)")

        // Planted at test time: a checksummed GitHub token, a Stripe key, and a password in a URL.
        let planted = """
            DATABASE_URL=postgres://invoicing:\(token("{r:62:18}"))@db:5432/invoicing
            STRIPE_SECRET_KEY=\(token("sk_live_{r:62:24}"))
            GITHUB_TOKEN=\(githubToken())
            """
        try planted.write(toFile: copy + "/deploy/.env", atomically: true, encoding: .utf8)
        let leaked = try await Exec.gate(["run", suite, "--only", "secrets", "--root", copy, "--reports", dir.file("r2")],
                                         cwd: dir.path)
        #expect(leaked.code == 1)
        let report = try String(contentsOfFile: dir.file("r2/report.json"), encoding: .utf8)
        for rule in ["secrets/url-password", "secrets/stripe-secret-key", "secrets/github-pat"] {
            #expect(report.contains(rule), "\(rule) in \(leaked.stdout)")
        }
    }

    @Test func theSelfSuitesSecretsCheckPassesOnGatesOwnRepository() async throws {
        let dir = try TempDir("secrets-self")
        defer { dir.remove() }
        let r = try await Exec.gate(["run", Repo.path("Suites/self.yaml"), "--only", "secrets", "--reports", dir.path],
                                    cwd: Repo.root)
        #expect(r.code == 0, "gate's own repository must hold no credentials:\n\(r.stdout)\(r.stderr)")
    }

    /// Same inputs, same report bytes, apart from the time fields.
    @Test func reportsAreDeterministic() async throws {
        let dir = try TempDir("secrets-determinism")
        defer { dir.remove() }
        for i in 1...30 { try dir.write(["src/f\(i).env": "A=\(githubToken(seed: UInt64(i)))\nB=\(token("sk_live_{r:62:24}", seed: UInt64(i)))\n"]) }
        var outputs: [String] = []
        for run in 1...2 {
            _ = try await Exec.gate(["check", "secrets", dir.file("src"), "--json", dir.file("r\(run).json"), "--sarif",
                                     dir.file("r\(run).sarif"), "--set", "jobs=2"], cwd: dir.path)
            let json = try String(contentsOfFile: dir.file("r\(run).json"), encoding: .utf8)
            let sarif = try String(contentsOfFile: dir.file("r\(run).sarif"), encoding: .utf8)
            outputs.append((json + sarif).split(separator: "\n")
                .filter { !$0.contains("\"durationMs\"") && !$0.contains("\"startedAt\"") }.joined(separator: "\n"))
        }
        #expect(outputs[0] == outputs[1])
        #expect(outputs[0].contains("secrets/github-pat"))
    }
}
