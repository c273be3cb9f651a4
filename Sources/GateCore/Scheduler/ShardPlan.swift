/// Which checks each CI shard runs. Deterministic: every shard computes the same plan from the same suite
/// and the same durations, without talking to the others.
///
/// Checks joined by `needs` (in either direction) form one unit and stay on one shard, so that a check
/// and what it needs run together. Units are placed longest first, each on the least loaded shard (ties
/// go to the lower shard), which keeps the slowest shard within one unit's cost of the ideal. A unit's
/// cost is the sum of its checks' median durations from the history; checks without history cost their
/// `weight:` (default 1) times the mean known duration, or just their weight when there is no history.
/// A `split: true` check runs on every shard, each doing one slice of its work.
public struct ShardPlan: Sendable, Equatable {
    /// How the plan was balanced.
    public enum Balance: String, Sendable, Codable {
        case history
        case weights
    }

    /// Check ids per shard (index 0 is shard 1), each in suite order; split checks are on every shard.
    public var shards: [[String]]
    public var balance: Balance

    public static func partition(_ suite: Suite, count: Int, durations: [String: Int] = [:]) -> ShardPlan {
        let checks = suite.checks
        let index = Dictionary(checks.enumerated().map { ($1.id, $0) }, uniquingKeysWith: { a, _ in a })
        // Union-find over needs edges.
        var parent = Array(checks.indices)
        func find(_ i: Int) -> Int {
            var i = i
            while parent[i] != i {
                parent[i] = parent[parent[i]]
                i = parent[i]
            }
            return i
        }
        for (i, c) in checks.enumerated() {
            for n in c.needs {
                guard let j = index[n] else { continue }
                let (a, b) = (find(i), find(j))
                if a != b { parent[max(a, b)] = min(a, b) }
            }
        }

        let known = checks.compactMap { durations[$0.id] }
        let balance: Balance = known.isEmpty ? .weights : .history
        let unit = known.isEmpty ? 1.0 : max(1.0, Double(known.reduce(0, +)) / Double(known.count))
        func cost(_ c: CheckSpec) -> Double {
            if let d = durations[c.id] { return Double(max(1, d)) }
            if c.manual != nil { return 0 }
            return (c.cache.weight ?? 1) * unit
        }

        var groups: [Int: [Int]] = [:]
        var split: [Int] = []
        for i in checks.indices {
            if checks[i].cache.split { split.append(i) } else { groups[find(i), default: []].append(i) }
        }
        let units = groups.values.map { members in (members, members.map { cost(checks[$0]) }.reduce(0, +)) }
            .sorted { ($1.1, $0.0[0]) < ($0.1, $1.0[0]) }

        let n = max(1, count)
        var load = [Double](repeating: 0, count: n)
        var assigned = [[Int]](repeating: [], count: n)
        for i in split {
            for s in 0..<n {
                assigned[s].append(i)
                load[s] += cost(checks[i]) / Double(n)
            }
        }
        for (members, c) in units {
            let target = load.indices.min { (load[$0], $0) < (load[$1], $1) }!
            assigned[target] += members
            load[target] += c
        }
        return ShardPlan(shards: assigned.map { $0.sorted().map { checks[$0].id } }, balance: balance)
    }
}

/// Which shard a report comes from, and the whole suite's check list, so that `gate merge` can tell a
/// missing or overlapping shard and name the checks.
public struct ShardInfo: Codable, Sendable, Equatable {
    /// 1-based, as users write `--shard 2/4`.
    public var index: Int
    public var count: Int
    /// The checks this shard ran, in suite order (split checks included).
    public var checks: [String]
    /// Every check of the suite, in suite order.
    public var suiteChecks: [String]
    /// Checks split across all shards.
    public var splitChecks: [String]
    public var balance: ShardPlan.Balance

    public init(index: Int, count: Int, checks: [String], suiteChecks: [String], splitChecks: [String],
                balance: ShardPlan.Balance) {
        self.index = index
        self.count = count
        self.checks = checks
        self.suiteChecks = suiteChecks
        self.splitChecks = splitChecks
        self.balance = balance
    }
}

extension ShardSlice {
    /// The most shards a suite may be cut into.
    public static let maxShards = 1000

    /// Parses `K/N` with K from 1. Nil when malformed.
    public static func parse(_ text: String) -> ShardSlice? {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count == 2, let k = Int(parts[0].trimmingCharacters(in: .whitespaces)),
              let n = Int(parts[1].trimmingCharacters(in: .whitespaces)), n >= 1, n <= maxShards, k >= 1, k <= n
        else { return nil }
        return ShardSlice(index: k - 1, count: n)
    }

    /// The shard from `--shard`, else `GATE_SHARD`, else Bazel's `TEST_SHARD_INDEX` (from 0) and
    /// `TEST_TOTAL_SHARDS`. Nil when none is set; a malformed value is a usage error naming its source.
    public static func resolve(option: String?, environment: [String: String]) throws(ConfigError) -> ShardSlice? {
        if let option {
            guard let s = parse(option) else {
                throw .usage("--shard '\(option)' is not K/N with 1 ≤ K ≤ N ≤ \(maxShards) (for example --shard 2/4)")
            }
            return s
        }
        if let v = environment["GATE_SHARD"], !v.isEmpty {
            guard let s = parse(v) else { throw .usage("GATE_SHARD='\(v)' is not K/N with 1 ≤ K ≤ N ≤ \(maxShards) (for example 2/4)") }
            return s
        }
        let index = environment["TEST_SHARD_INDEX"], total = environment["TEST_TOTAL_SHARDS"]
        if index != nil || total != nil {
            guard let i = index.flatMap({ Int($0) }), let n = total.flatMap({ Int($0) }), n >= 1, n <= maxShards, i >= 0, i < n else {
                throw .usage("TEST_SHARD_INDEX='\(index ?? "")' and TEST_TOTAL_SHARDS='\(total ?? "")' do not name a "
                             + "shard (the total must be from 1 to \(maxShards); the index counts from 0 and must be below it)")
            }
            return ShardSlice(index: i, count: n)
        }
        return nil
    }
}
