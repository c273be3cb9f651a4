import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// `write-baseline` takes the same two forms as in boundaries: a path, or `true` for the `baseline` file
/// (.gate/secrets-baseline.json when the check names none); `false` writes nothing.
@Suite struct WriteBaselineFormsTests {
    @Test func trueWritesTheBaselineFileOrTheDefaultPath() async throws {
        let dir = try TempDir("secrets-write-baseline")
        defer { dir.remove() }
        try dir.write(["a.env": "A=\(githubToken(seed: 11))\n"])
        let off = try await runSecrets(dir.path, ["write-baseline": "false"])
        #expect(off.status == nil && off.findings.filter { !$0.waived }.count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.file(".gate/secrets-baseline.json")))

        let byDefault = try await runSecrets(dir.path, ["write-baseline": "true"])
        #expect(byDefault.status == .passed)
        #expect(try dir.read(".gate/secrets-baseline.json").contains("gate-secrets-baseline/2"))
        #expect(byDefault.summary.contains("set 'baseline: .gate/secrets-baseline.json' so that later runs read it"),
                "\(byDefault.summary)")

        let named = try await runSecrets(dir.path, ["write-baseline": "true", "baseline": "known.json"])
        #expect(named.status == .passed && !named.summary.contains("set 'baseline"), "\(named.summary)")
        let read = try await runSecrets(dir.path, ["baseline": "known.json"])
        #expect(read.findings.count == 1 && read.findings.allSatisfy(\.waived))

        let byPath = try await runSecrets(dir.path, ["write-baseline": "other.json"])
        #expect(byPath.status == .passed && FileManager.default.fileExists(atPath: dir.file("other.json")))
    }

    @Test func anythingElseIsAConfigErrorNamingTheKey() {
        for value in ["[a, b]", ""] {
            #expect {
                _ = try makeVerifier("/tmp", ["write-baseline": value])
            } throws: { error in
                "\(error)".contains("write-baseline") && "\(error)".contains("true, false or a path")
            }
        }
    }
}
