import Foundation
import GateTestSupport
import Testing

/// The distribution pieces (`make dist`, the GitHub Action's installer, the hooks, the GitLab template, the
/// Dockerfile), each tested by a script under Tests/dist/ against the built binary. The scripts package the
/// debug binary, which is enough to test the packaging; two release builds from scratch are
/// `make dist-check` (Tests/dist/reproducible-build), not part of `make test`.
@Suite(.serialized)
struct DistributionTests {
    static func tool(_ name: String) -> String? {
        let candidates = [Repo.path(".build/venv-dist/bin/\(name)")]
            + (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":").map { "\($0)/\(name)" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    func script(_ name: String, sourceLocation: SourceLocation = #_sourceLocation) async throws {
        let r = try await Exec.run([Repo.path("Tests/dist/\(name)")], env: ["GATE_BIN": Repo.gateBinary],
                                   timeout: .seconds(600))
        #expect(r.code == 0, "Tests/dist/\(name) exited \(r.code):\n\(r.stdout)\n\(r.stderr)",
                sourceLocation: sourceLocation)
        #expect(r.stdout.contains("ok: "), "Tests/dist/\(name) did not finish:\n\(r.stdout)", sourceLocation: sourceLocation)
    }

    @Test func packagingTwiceGivesIdenticalBytes() async throws { try await script("package-twice") }

    @Test func unpackedArchiveRunsUnderAnEmptyEnvironment() async throws { try await script("archive-runs") }

    @Test func actionInstallerVerifiesChecksums() async throws { try await script("action-install") }

    @Test(.enabled(if: tool("pre-commit") != nil || tool("prek") != nil,
                   "neither pre-commit nor prek is installed: `.ci/deps test` installs them into .build/venv-dist"))
    func hooksThroughPreCommitAndPrek() async throws { try await script("hooks") }

    @Test(.enabled(if: tool("check-jsonschema") != nil,
                   "check-jsonschema is not installed: `.ci/deps test` installs it into .build/venv-dist"))
    func gitlabTemplateMatchesTheSchema() async throws { try await script("gitlab") }

    @Test(.enabled(if: tool("dpkg-deb") != nil, "dpkg-deb is not installed (apt: dpkg)"))
    func debPackageHoldsTheFilesAndPassesLintian() async throws { try await script("deb") }

    @Test func dockerfileRuntimeStageHoldsTheArchivedBinary() async throws { try await script("dockerfile") }
}
