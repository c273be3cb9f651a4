import Foundation
import GateTestSupport
import Testing

/// The built binary: `--shard` and its environment forms, `gate merge` exit codes, the cache on the
/// console and `--no-cache`.
@Suite struct ScaleEndToEndTests {
    static let suite = """
        suite: scale
        checks:
          - {id: one, run: "true", inputs: [a.txt]}
          - {id: two, run: "exit 1"}
          - {id: three, run: "true", needs: [one]}
          - {id: four, run: "echo four", inputs: [a.txt]}
        """

    func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    @Test func shardsFromEveryFormMergeWithTheUnshardedExitCode() async throws {
        let dir = try TempDir("e2e-shard")
        defer { dir.remove() }
        try dir.write(["suite.yaml": Self.suite, "a.txt": "a\n"])
        // Shard 1 by option, shard 2 by GATE_SHARD, shard 3 by Bazel's variables (index from 0).
        let forms: [([String], [String: String])] = [
            (["--shard", "1/3"], [:]),
            ([], ["GATE_SHARD": "2/3"]),
            ([], ["TEST_SHARD_INDEX": "2", "TEST_TOTAL_SHARDS": "3", "TEST_SHARD_STATUS_FILE": dir.file("bazel-status")]),
        ]
        var ran: [String] = []
        for (k, form) in forms.enumerated() {
            let r = try await Exec.gate(["run", "suite.yaml", "--json", "s\(k + 1).json", "--reports", "r\(k + 1)"] + form.0,
                                        cwd: dir.path, env: form.1)
            #expect([0, 1].contains(r.code), "\(r.stdout)\(r.stderr)")
            let shard = try #require(try json(dir.file("s\(k + 1).json"))["shard"] as? [String: Any])
            #expect(shard["index"] as? Int == k + 1 && shard["count"] as? Int == 3)
            ran += shard["checks"] as? [String] ?? []
        }
        #expect(ran.sorted() == ["four", "one", "three", "two"])
        #expect(FileManager.default.fileExists(atPath: dir.file("bazel-status")), "Bazel's shard status file is touched")

        let merged = try await Exec.gate(["merge", "s1.json", "s2.json", "s3.json", "--reports", "merged"], cwd: dir.path,
                                         env: ["GITHUB_STEP_SUMMARY": dir.file("summary.md")])
        #expect(merged.code == 1, "a failed required check fails the merge: \(merged.stdout)\(merged.stderr)")
        let summary = try String(contentsOfFile: dir.file("summary.md"), encoding: .utf8)
        #expect(summary.contains("# gate: scale") && summary.contains("`two`"), "\(summary)")
        try await SchemaCheck.report(dir.file("merged/report.json"))
        try await SchemaCheck.junit(dir.file("merged/junit.xml"))
        try await SchemaCheck.sarif(dir.file("merged/report.sarif"))
        let checks = try #require(try json(dir.file("merged/report.json"))["checks"] as? [[String: Any]])
        #expect(checks.map { $0["id"] as? String } == ["one", "two", "three", "four"])

        let missing = try await Exec.gate(["merge", "s1.json", "s3.json", "--json", "m.json"], cwd: dir.path)
        #expect(missing.code == 2)
        #expect(missing.stderr.contains("missing shard 2/3"), "\(missing.stderr)")
        let bad = try await Exec.gate(["run", "suite.yaml", "--shard", "4/3"], cwd: dir.path)
        #expect(bad.code == 2 && bad.stderr.contains("--shard '4/3'"), "\(bad.stderr)")
    }

    @Test func warmRunsSayCachedAndNoCacheRunsEverything() async throws {
        let dir = try TempDir("e2e-cache")
        defer { dir.remove() }
        try dir.write(["suite.yaml": Self.suite, "a.txt": "a\n"])
        _ = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        let warm = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(warm.stdout.contains("(cached)"), "\(warm.stdout)")
        #expect(warm.stdout.contains("(2 cached)"), "\(warm.stdout)")
        let report = try json(dir.file("Reports/scale/report.json"))
        let one = try #require((report["checks"] as? [[String: Any]])?.first)
        #expect(one["cached"] as? Bool == true)
        let junit = try String(contentsOfFile: dir.file("Reports/scale/junit.xml"), encoding: .utf8)
        #expect(junit.contains("<property name=\"cached\" value=\"true\"/>"))
        let md = try String(contentsOfFile: dir.file("Reports/scale/report.md"), encoding: .utf8)
        #expect(md.contains("passed (cached)"))
        let off = try await Exec.gate(["run", "suite.yaml", "--no-cache"], cwd: dir.path)
        #expect(!off.stdout.contains("(cached)"), "\(off.stdout)")
    }
}
