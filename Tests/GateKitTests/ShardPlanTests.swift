import Foundation
import GateCore
import GateKit
import GateTestSupport
import Testing

@Suite struct ShardPlanTests {
    func load(_ yaml: String) throws -> (Suite, TempDir) {
        let dir = try TempDir("plan")
        try dir.write(["suite.yaml": yaml])
        return (try SuiteLoader(registry: BuiltinVerifiers.registry, workingDirectory: dir.path).load("suite.yaml"), dir)
    }

    static let yaml = """
        suite: plan
        checks:
          - {id: a, run: "true"}
          - {id: b, run: "true", needs: [a]}
          - {id: c, run: "true"}
          - {id: d, run: "true", weight: 4}
          - {id: e, run: "true"}
          - {id: f, run: "true", needs: [e]}
          - {id: g, run: "true"}
        """

    @Test func needsStayTogetherAndEveryCheckIsPlacedOnce() throws {
        let (suite, dir) = try load(Self.yaml)
        defer { dir.remove() }
        for n in 1...5 {
            let plan = ShardPlan.partition(suite, count: n)
            #expect(plan.balance == .weights)
            #expect(plan.shards.count == n)
            #expect(plan.shards.flatMap { $0 }.sorted() == suite.checks.map(\.id).sorted())
            for shard in plan.shards {
                if shard.contains("a") { #expect(shard.contains("b")) }
                if shard.contains("e") { #expect(shard.contains("f")) }
                // Suite order within a shard.
                #expect(shard == suite.checks.map(\.id).filter(shard.contains))
            }
            #expect(ShardPlan.partition(suite, count: n) == plan, "the plan must be deterministic")
        }
        // Units by cost: d 4, {a,b} 2, {e,f} 2, c 1, g 1; longest first onto the least loaded shard.
        #expect(ShardPlan.partition(suite, count: 2).shards == [["c", "d"], ["a", "b", "e", "f", "g"]])
    }

    @Test func historyDurationsBalanceTheShards() throws {
        let (suite, dir) = try load(Self.yaml)
        defer { dir.remove() }
        // c is slow by the history; the weights alone would not know it.
        let durations = ["a": 10, "b": 10, "c": 5000, "d": 10, "e": 10, "f": 10, "g": 10]
        let plan = ShardPlan.partition(suite, count: 2, durations: durations)
        #expect(plan.balance == .history)
        #expect(plan.shards.contains(["c"]), "the slow check should have a shard to itself: \(plan.shards)")
    }

    @Test func shardSelectionFromOptionAndEnvironment() throws {
        #expect(ShardSlice.parse("2/4") == ShardSlice(index: 1, count: 4))
        for bad in ["0/4", "5/4", "2", "a/b", "2/0", "1/2/3"] { #expect(ShardSlice.parse(bad) == nil, "\(bad)") }
        #expect(try ShardSlice.resolve(option: "1/2", environment: ["GATE_SHARD": "2/2"]) == ShardSlice(index: 0, count: 2))
        #expect(try ShardSlice.resolve(option: nil, environment: ["GATE_SHARD": "2/3"]) == ShardSlice(index: 1, count: 3))
        #expect(try ShardSlice.resolve(option: nil, environment: ["TEST_SHARD_INDEX": "0", "TEST_TOTAL_SHARDS": "3"])
                == ShardSlice(index: 0, count: 3))
        #expect(try ShardSlice.resolve(option: nil, environment: [:]) == nil)
        #expect(throws: ConfigError.self) { try ShardSlice.resolve(option: "3/2", environment: [:]) }
        #expect(throws: ConfigError.self) {
            try ShardSlice.resolve(option: nil, environment: ["TEST_SHARD_INDEX": "3", "TEST_TOTAL_SHARDS": "3"])
        }
    }

    @Test func slicesCoverTheKeySpaceOnce() {
        for n in [1, 2, 3, 7, 16] {
            for key: UInt64 in [0, 1, UInt64.max / 2, UInt64.max / 3 * 2, UInt64.max - 1, UInt64.max] {
                let owners = (0..<n).filter { ShardSlice(index: $0, count: n).contains(key: key) }
                #expect(owners.count == 1, "key \(key) of \(n) slices is in \(owners)")
            }
        }
    }
}
