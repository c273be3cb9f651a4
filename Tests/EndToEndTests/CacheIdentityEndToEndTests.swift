import Foundation
import GateTestSupport
import Testing

/// Cached results belong to the gate that produced them, not only to its version string: a gate built from
/// other code that kept the version (a rebuild from source, an upgrade between releases) must verify again
/// rather than replay what the old one found, or new rules would never see unchanged inputs.
@Suite struct CacheIdentityEndToEndTests {
    @Test func anotherBuildOfGateVerifiesAgain() async throws {
        let dir = try TempDir("cache-identity")
        defer { dir.remove() }
        try dir.write([
            "suite.yaml": "checks:\n  - {id: a, run: 'cat x.txt', inputs: [x.txt]}\n",
            "x.txt": "x\n",
        ])
        // A second build of gate: the same bytes in another file, as a rebuild would leave them.
        // Written through a close-on-exec descriptor: FileManager's copy opens its target without O_CLOEXEC,
        // so a process another test spawned at that moment kept it open for writing, and starting the copy
        // failed with "Text file busy".
        let other = dir.file("other-gate")
        let bytes = try Data(contentsOf: URL(fileURLWithPath: Repo.gateBinary))
        let fd = open(other, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        #expect(fd >= 0)
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        close(fd)
        #expect(written == bytes.count)

        let first = try await Exec.gate(["run", "suite.yaml", "--no-history"], cwd: dir.path)
        #expect(first.code == 0, "\(first.stdout)\(first.stderr)")
        #expect(!first.stdout.contains("(cached)"), "\(first.stdout)")
        let again = try await Exec.gate(["run", "suite.yaml", "--no-history"], cwd: dir.path)
        #expect(again.stdout.contains("(cached)"), "the same gate did not reuse its result: \(again.stdout)")

        let env = ["NO_COLOR": "1", "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""]
        let rebuilt = try await Exec.run([other, "run", "suite.yaml", "--no-history"], cwd: dir.path, env: env)
        #expect(rebuilt.code == 0, "\(rebuilt.stdout)\(rebuilt.stderr)")
        #expect(!rebuilt.stdout.contains("(cached)"), "another build replayed the first one's result: \(rebuilt.stdout)")
        let rebuiltAgain = try await Exec.run([other, "run", "suite.yaml", "--no-history"], cwd: dir.path, env: env)
        #expect(rebuiltAgain.stdout.contains("(cached)"), "the other build did not reuse its own result: \(rebuiltAgain.stdout)")
    }
}
