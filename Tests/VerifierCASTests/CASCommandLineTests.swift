import Foundation
import GateCore
import GateTestSupport
import Testing

/// The built `gate` binary on the committed fixtures: the sample service's store passes, a rotten object
/// fails with exit 1, and `gate cas put` writes what `gate check cas` then verifies.
@Suite struct CASCommandLineTests {
    @Test func sampleStorePassesAndRottenFixtureFails() async throws {
        let dir = try TempDir("cas-cli")
        defer { dir.remove() }
        // A copy, so that the stat cache (.gate/ under the checked root) stays out of the repository.
        try FileManager.default.copyItem(atPath: Repo.path("Fixtures/sample-service/cas"), toPath: dir.file("store"))
        let ok = try await Exec.gate(["check", "cas", "store", "--reports", "ok"], cwd: dir.path)
        #expect(ok.code == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("all verified"))
    }

    @Test func rottenObjectFailsWithExitOne() async throws {
        let dir = try TempDir("cas-cli-fail")
        defer { dir.remove() }
        try FileManager.default.copyItem(atPath: Repo.path("Fixtures/cas/fail-hash-mismatch"), toPath: dir.file("store"))
        let r = try await Exec.gate(["check", "cas", "store", "--reports", "reports"], cwd: dir.path)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        let report = try dir.read("reports/report.json")
        #expect(report.contains("cas/hash-mismatch"))
        try await SchemaCheck.junit(dir.file("reports/junit.xml"))
        try await SchemaCheck.sarif(dir.file("reports/report.sarif"))
    }

    @Test func putThenCheck() async throws {
        let dir = try TempDir("cas-cli-put")
        defer { dir.remove() }
        try dir.write(["a.txt": "a\n", "b.txt": "bb\n"])
        let put = try await Exec.gate(["cas", "put", "a.txt", "b.txt", "--store", "st", "--manifest", "m"], cwd: dir.path)
        #expect(put.code == 0, "\(put.stderr)")
        #expect(put.stdout == "5c73e7e3dcbb0395e841f27363849a18  a.txt\n6d04cb28c6ce91ea687fbbf3d9438631  b.txt\n")
        let check = try await Exec.gate(["check", "cas", "st", "--reports", "r"], cwd: dir.path)
        #expect(check.code == 0, "\(check.stdout)")
        let missing = try await Exec.gate(["cas", "put", "nope.txt", "--store", "st"], cwd: dir.path)
        #expect(missing.code == 2)
        #expect(missing.stderr.contains("nope.txt"))
    }
}
