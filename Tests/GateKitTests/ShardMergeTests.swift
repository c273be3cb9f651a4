import Foundation
import GateCore
import GateKit
import GateReports
import GateTestSupport
import Testing

/// Shards 1..N of a suite, merged, give exactly the findings and statuses of one unsharded run; the merged
/// reports validate; a merge with a shard missing or given twice is refused, naming the shards and checks.
@Suite struct ShardMergeTests {
    static let suite = """
        suite: shards
        checks:
          - id: ok
            run: "true"
          - id: finds
            run: |
              printf '%s\\n' '{"rule":"lint/style","severity":"error","message":"bad style","path":"a.txt","line":3}' >> "$GATE_FINDINGS"
              printf '%s\\n' '{"rule":"lint/style","severity":"warning","message":"meh","path":"b.txt","line":1}' >> "$GATE_FINDINGS"
              exit 1
          - id: after-finds
            run: "true"
            needs: [finds]
          - id: advisory
            run: exit 3
            required: false
          - id: store
            uses: cas
            split: true
            with: {root: store, layout: native, cache: false}
          - id: leaks
            uses: secrets
            split: true
            with: {root: leaks, all-files: true}
          - id: slow
            run: sleep 0.2
            weight: 3
          - id: also-ok
            run: echo fine
          - id: sign-off
            manual: Someone looked at it
            owner: release-manager
        """

    func prepare() throws -> TempDir {
        let dir = try TempDir("shards")
        try dir.write(["suite.yaml": Self.suite, "a.txt": "a\n", "b.txt": "b\n"])
        try FileManager.default.copyItem(atPath: Repo.path("Fixtures/sample-service/cas"), toPath: dir.file("store"))
        // Corrupt one object so that the split check has a finding in exactly one slice.
        let objects = try FileManager.default.subpathsOfDirectory(atPath: dir.file("store/objects")).sorted()
            .filter { !$0.hasSuffix("/") && $0.contains("/") }
        try appendByte(dir.file("store/objects/" + (try #require(objects.first))))
        // A tree of clean files and one generated token (the secrets verifier's own failing example), so
        // that the split secrets check finds it in exactly one slice.
        for i in 0..<24 { try dir.write(["leaks/src/file\(i).txt": "nothing to see in file \(i)\n"]) }
        let secrets = try #require(BuiltinVerifiers.registry.type(for: "secrets"))
        let leak = try #require(secrets.descriptor.examples.first { $0.expect == .failed && $0.prepare != nil })
        try leak.prepare?(dir.file("leaks"))
        return dir
    }

    /// Check id to (status, finding fingerprints).
    static func outcome(_ r: RunReport) -> [String: String] {
        Dictionary(uniqueKeysWithValues: r.checks.map { c in
            (c.id, c.status.rawValue + " " + c.findings.map { "\($0.rule)@\($0.path ?? ""):\($0.fingerprint)" }.sorted().joined(separator: ","))
        })
    }

    @Test(arguments: [2, 3, 4])
    func mergedShardsEqualOneRun(count: Int) async throws {
        let dir = try prepare()
        defer { dir.remove() }
        let runner = CachedRunner(dir)
        let whole = try await runner.run(cache: false)
        var inputs: [ShardMerge.Input] = []
        var covered: [String] = []
        for k in 0..<count {
            let path = dir.file("shard-\(k + 1)/report.json")
            let r = try await runner.run(cache: false, shard: ShardSlice(index: k, count: count),
                                         reports: ReportSet(targets: [.json: path]))
            try await SchemaCheck.report(path)
            let info = try #require(r.shard)
            #expect(info.index == k + 1 && info.count == count && info.suiteChecks == whole.checks.map(\.id))
            #expect(r.checks.map(\.id) == info.checks)
            covered += info.checks
            inputs.append(try ShardMerge.read(path, display: "shard-\(k + 1)"))
        }
        // Every check once, the split ones on every shard.
        let split: Set = ["store", "leaks"]
        for id in split { #expect(covered.filter { $0 == id }.count == count) }
        let single = covered.filter { !split.contains($0) }
        #expect(Set(single).count == single.count && single.count == whole.checks.count - split.count)

        let merged = try ShardMerge.merge(inputs)
        #expect(Self.outcome(merged) == Self.outcome(whole))
        #expect(merged.checks.map(\.id) == whole.checks.map(\.id))
        #expect(merged.status == whole.status && merged.exitCode == whole.exitCode)
        #expect(merged.check("store")?.findings.contains { $0.rule == "cas/hash-mismatch" } == true)
        #expect(merged.check("leaks")?.findings.filter { $0.rule == "secrets/github-pat" }.count == 1)
        #expect(merged.check("leaks")?.status == .failed)
        #expect(merged.check("leaks")?.stats["files"] == whole.check("leaks")?.stats["files"])

        let set = ReportSet.all(in: dir.file("merged"))
        #expect(set.write(merged).isEmpty)
        try await SchemaCheck.report(dir.file("merged/report.json"))
        try await SchemaCheck.junit(dir.file("merged/junit.xml"))
        try await SchemaCheck.sarif(dir.file("merged/report.sarif"))
    }

    @Test func mergeNamesMissingAndOverlappingShards() async throws {
        let dir = try prepare()
        defer { dir.remove() }
        let runner = CachedRunner(dir)
        var reports: [RunReport] = []
        for k in 0..<3 {
            reports.append(try await runner.run(cache: false, shard: ShardSlice(index: k, count: 3)))
        }
        let inputs = reports.enumerated().map { ShardMerge.Input(name: "s\($0.offset + 1).json", report: $0.element) }

        let lost = try #require(reports[2].shard?.checks.filter { $0 != "store" && $0 != "leaks" })
        #expect(!lost.isEmpty)
        do {
            _ = try ShardMerge.merge(Array(inputs.prefix(2)))
            Issue.record("a merge without shard 3 must fail")
        } catch {
            #expect(error.description.contains("missing shard 3/3"))
            for id in lost { #expect(error.description.contains("'\(id)'"), "the error should name '\(id)': \(error)") }
        }
        do {
            _ = try ShardMerge.merge(inputs + [ShardMerge.Input(name: "again.json", report: reports[0])])
            Issue.record("a merge with shard 1 twice must fail")
        } catch {
            #expect(error.description.contains("shard 1/3 is given more than once"))
            let twice = try #require(reports[0].shard?.checks.first { $0 != "store" && $0 != "leaks" })
            #expect(error.description.contains("'\(twice)' ran in more than one shard"))
            #expect(error.description.contains("slice 1/3 more than once"))
        }
        var other = reports[1]
        other.suite = "another"
        do {
            _ = try ShardMerge.merge([inputs[0], ShardMerge.Input(name: "x.json", report: other), inputs[2]])
            Issue.record("a merge across suites must fail")
        } catch {
            #expect(error.description.contains("from suite 'another'"))
        }
    }
}
