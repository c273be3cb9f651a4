import Crypto
import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// Baselines key on a slow, salted derivation and reports carry no hash of a value: a report or a baseline
/// and a guess confirm nothing without real work.
@Suite struct SaltedBaselineTests {
    /// Every fast digest a leak could take: SHA-1, SHA-256 and MD5, in hex (both cases, cut to 8 digits, so
    /// any truncation of 8 or more matches) and in base64 (cut to 11 characters: 8 bytes).
    static func fastHashes(_ value: String) -> [String] {
        let d = Data(value.utf8)
        let digests: [[UInt8]] = [Array(Insecure.SHA1.hash(data: d)), Array(SHA256.hash(data: d)), Array(Insecure.MD5.hash(data: d))]
        return digests.flatMap { bytes -> [String] in
            let hex = bytes.map { String(format: "%02x", $0) }.joined()
            let b64 = Data(bytes).base64EncodedString()
            let url = b64.replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            return [String(hex.prefix(8)), String(hex.uppercased().prefix(8)), String(b64.prefix(11)), String(url.prefix(11))]
        }
    }

    static func json(_ o: CheckOutcome) -> String {
        o.findings.map { "\($0.fingerprint) \($0.message) \($0.evidence ?? [:])" }.joined(separator: "\n")
    }

    /// Before: `secretHash` (SHA-256 of the value, 32 hex digits) sat in every report and baseline entry.
    @Test func neitherBaselineNorReportHoldsAFastHashOfAnyValue() async throws {
        let dir = try TempDir("secrets-salted")
        defer { dir.remove() }
        let values = [githubToken(seed: 1), token("sk_live_{r:62:24}", seed: 2), "hunter2" + token("{r:62:6}", seed: 3)]
        try dir.write(["a.env": "A=\(values[0])\nB=\(values[1])\n",
                       "db.env": "DATABASE_URL=postgres://app:\(values[2])@db.example.invalid/app\n"])
        let written = try await runSecrets(dir.path, ["write-baseline": ".gate/secrets-baseline.json"])
        #expect(written.findings.count == 3)
        let file = try dir.read(".gate/secrets-baseline.json")
        #expect(file.contains("\"pbkdf2-sha256\"") && file.contains("gate-secrets-baseline/2"))
        for v in values {
            #expect(!file.contains(v) && !Self.json(written).contains(v))
            for h in Self.fastHashes(v) {
                #expect(!file.contains(h), "the baseline holds a fast hash of a value")
                #expect(!Self.json(written).contains(h), "the report holds a fast hash of a value")
            }
        }
        #expect(written.findings.allSatisfy { $0.evidence?["secretHash"] == nil })
    }

    /// The salt lives in the file: a second clone (another state directory, so another fingerprint key)
    /// matches the same findings.
    @Test func aBaselineMatchesInAnotherClone() async throws {
        let one = try TempDir("secrets-clone-a"), two = try TempDir("secrets-clone-b")
        defer { one.remove(); two.remove() }
        let files = ["a.env": "A=\(githubToken(seed: 4))\n", "b.env": "B=\(token("sk_live_{r:62:24}", seed: 5))\n"]
        try one.write(files)
        try two.write(files)
        _ = try await runSecrets(one.path, ["write-baseline": "base.json"])
        try two.write(["base.json": try one.read("base.json")])
        let o = try await runSecrets(two.path, ["baseline": "base.json"])
        #expect(o.findings.count == 2 && o.findings.allSatisfy(\.waived))
        #expect(o.stats["baselineStale"] == .int(0))
        let a = try await runSecrets(one.path), b = try await runSecrets(two.path)
        #expect(Set(a.findings.map(\.fingerprint)) != Set(b.findings.map(\.fingerprint)),
                "fingerprints are keyed per clone unless \(FingerprintKey.environmentName) is shared")
    }

    /// A baseline of the first format is matched by its old hash once, then rewritten salted; a note says so.
    @Test func aFirstFormatBaselineIsMigratedOnFirstRead() async throws {
        let dir = try TempDir("secrets-migrate")
        defer { dir.remove() }
        let kept = githubToken(seed: 7), gone = githubToken(seed: 8)
        try dir.write(["a.env": "A=\(kept)\n"])
        func old(_ v: String) -> String { "sha256:" + SHA256.hash(data: Data(v.utf8)).map { String(format: "%02x", $0) }.joined().prefix(32) }
        try dir.write(["base.json": """
            {
              "schema": "gate-secrets-baseline/1",
              "entries": [
                {"path": "a.env", "rule": "secrets/github-pat", "secret": "\(old(kept))"},
                {"path": "z.env", "rule": "secrets/github-pat", "secret": "\(old(gone))"}
              ]
            }
            """])
        let o = try await runSecrets(dir.path, ["baseline": "base.json"])
        #expect(o.findings.count == 1 && o.findings.allSatisfy(\.waived))
        #expect(o.summary.contains("migrated"))
        #expect(o.log?.contains("first format") == true)
        let file = try dir.read("base.json")
        #expect(file.contains("gate-secrets-baseline/2") && !file.contains(old(kept)) && !file.contains("z.env"))
        let again = try await runSecrets(dir.path, ["baseline": "base.json"])
        #expect(again.findings.allSatisfy(\.waived) && !again.summary.contains("migrated"))
    }

    /// Before: writing a baseline reported the check as waived. Now it passes and says what it wrote.
    @Test func writeBaselinePassesAndCountsItsEntries() async throws {
        let dir = try TempDir("secrets-write")
        defer { dir.remove() }
        try dir.write(["a.env": "A=\(githubToken(seed: 9))\nB=\(githubToken(seed: 10))\n"])
        let o = try await runSecrets(dir.path, ["write-baseline": "base.json"])
        #expect(o.status == .passed)
        #expect(o.summary.hasPrefix("baseline written: 2 entries"))
        #expect(o.stats["baselineWritten"] == .int(2))
    }

    @Test func aBaselineThatMakesGuessingCheapIsRefused() async throws {
        let dir = try TempDir("secrets-cheap")
        defer { dir.remove() }
        try dir.write(["a.env": "A=1\n", "base.json": """
            {"schema": "gate-secrets-baseline/2", "kdf": {"name": "pbkdf2-sha256", "iterations": 1, "salt": "00112233445566778899aabbccddeeff"}, "entries": []}
            """])
        await #expect(throws: VerifierError.self) { _ = try await runSecrets(dir.path, ["baseline": "base.json"]) }
    }
}
