import Foundation
import GateCore
import GateTestSupport
import Testing

/// The built `gate` binary: `gate check determinism --set ...` and `gate replay record|verify`.
@Suite struct ReplayCommandTests {
    static let suite = """
        suite: replay
        checks:
          - id: build
            run: 'true'
          - id: report
            uses: determinism
            needs: [build]
            with:
              command: 'cat input.txt'
              golden: report.lock
          - id: plain
            uses: determinism
            with: {command: 'true'}
        """

    @Test func recordThenVerifyThenMismatchExitCodes() async throws {
        let dir = try TempDir("replay-cli")
        defer { dir.remove() }
        try dir.write(["suite.yaml": Self.suite, "input.txt": "one\n"])

        let missing = try await Exec.gate(["replay", "verify", "suite.yaml"], cwd: dir.path)
        #expect(missing.code == 3, "no lock yet: the check cannot run\n\(missing.stdout)\(missing.stderr)")
        #expect(missing.stdout.contains("record it with"))

        let record = try await Exec.gate(["replay", "record", "suite.yaml"], cwd: dir.path)
        #expect(record.code == 0, "\(record.stdout)\(record.stderr)")
        #expect(record.stdout.contains("recorded golden lock 'report.lock'"))
        #expect(!record.stdout.contains("plain"), "only checks with a golden lock are replayed")
        let lock = try dir.read("report.lock")

        let verify = try await Exec.gate(["replay", "verify", "suite.yaml", "--only", "report"], cwd: dir.path)
        #expect(verify.code == 0, "\(verify.stdout)\(verify.stderr)")
        #expect(try dir.read("report.lock") == lock, "verifying never rewrites the lock")

        try dir.write(["input.txt": "two\n"])
        let mismatch = try await Exec.gate(["replay", "verify", "suite.yaml", "--json", "out.json"], cwd: dir.path)
        #expect(mismatch.code == 1)
        #expect(mismatch.stdout.contains("does not match the golden lock 'report.lock'"))
        try await SchemaCheck.report(dir.file("out.json"))

        let unknown = try await Exec.gate(["replay", "verify", "suite.yaml", "--only", "plain"], cwd: dir.path)
        #expect(unknown.code == 2)
        #expect(unknown.stderr.contains("'plain' is not a determinism check with a 'golden' lock"))
    }

    @Test func adHocCheckRecordsWithSetAndReportsValidate() async throws {
        let dir = try TempDir("check-cli")
        defer { dir.remove() }
        try dir.write(["input.txt": "one\n"])
        let record = try await Exec.gate(["check", "determinism", "--set", "command=cat input.txt", "--set", "golden=g.lock",
                                          "--set", "record=true", "--set", "vary=[tz, path, umask]"], cwd: dir.path)
        #expect(record.code == 0, "\(record.stdout)\(record.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("g.lock")))

        let diverge = try await Exec.gate(["check", "determinism", "--set", "command=date +%s%N", "--reports", "out"], cwd: dir.path)
        #expect(diverge.code == 1)
        try await SchemaCheck.junit(dir.file("out/junit.xml"))
        try await SchemaCheck.sarif(dir.file("out/report.sarif"))
        try await SchemaCheck.report(dir.file("out/report.json"))
        #expect(try dir.read("out/junit.xml").contains("name=\"determinism/output-diverged\""))

        let bad = try await Exec.gate(["check", "determinism", "--set", "command=date", "--set", "vary=[tzz]"], cwd: dir.path)
        #expect(bad.code == 2)
        #expect(bad.stderr.contains("unknown variation 'tzz'; did you mean 'tz'?"))
    }
}
