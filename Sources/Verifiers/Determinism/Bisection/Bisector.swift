/// Finds the smallest set of factors that still makes a target output differ from the control's, with a
/// budget of runs. reprotest's `--auto-build` is the reference: it reruns once per variation (3 + K builds
/// for K variations). This search spends fewer when the cause analysis points at the right variation:
///
/// 1. **One at a time, suspects first**: each variation the cause analysis points at (a hash seed for
///    reordered items, the clock for a tar mtime, the build path for an embedded path) is tried alone.
/// 2. **Delta debugging** (Zeller's ddmin) over the rest when no suspect alone reproduces: halves, then
///    complements, then finer parts, down to a set from which no single factor can be dropped.
/// 3. **The complement**: with a culprit found, everything else is varied at once. When that run matches
///    the control, the culprit explains the difference; otherwise the search repeats on the rest.
/// 4. **Nothing varied**: a run under the control's conditions, when the evidence says the command differs
///    by itself (process ids, random bytes), or to tell a lone culprit from run-to-run noise.
///
/// Every tested set is cached, so a second target (another output) reuses the runs already made.
final class Bisector {
    /// What a run under a set of factors showed: the targets that differed from the control.
    typealias Oracle = (_ factors: [Factor]) async throws -> Set<String>

    struct Test: Sendable {
        var factors: [Factor]
        var differing: Set<String>
        /// Whether this test cost a run (false for the check's own full run, which is known).
        var ran: Bool
    }

    enum Verdict: Sendable, Equatable {
        /// Each inner list is a minimal set: varying it alone reproduces the difference.
        case culprits([[Factor]])
        /// The target differs even with nothing varied.
        case intrinsic
        /// The budget ran out; the smallest set seen to reproduce.
        case budgetSpent(narrowed: [Factor])
    }

    private struct OutOfRuns: Error {}

    let all: [Factor]
    let budget: Int
    private let oracle: Oracle
    private(set) var tests: [Test] = []
    private var cache: [Set<Factor>: Set<String>] = [:]
    private(set) var runs = 0

    /// The runs the search itself may spend: one is kept back to re-check a spent search (budgets of 4 or more).
    private var searchBudget: Int { budget >= 4 ? budget - 1 : budget }

    /// `all`: the factors of the run that differed; `known`: what that run showed.
    init(all: [Factor], known: Set<String>, budget: Int, oracle: @escaping Oracle) {
        self.all = all.sorted()
        self.budget = budget
        self.oracle = oracle
        cache[Set(all)] = known
        tests.append(Test(factors: self.all, differing: known, ran: false))
    }

    /// The smallest sets of factors that make `target` differ. `suspects` are tried alone first, in order;
    /// `selfLikely` asks for a run with nothing varied first (the evidence points at run-to-run noise).
    func explain(_ target: String, suspects: [Factor], selfLikely: Bool, maxAlone: Int = 3) async throws -> Verdict {
        var smallest = all
        func differs(_ set: [Factor]) async throws -> Bool {
            let key = Set(set)
            if let seen = cache[key] { return seen.contains(target) }
            guard runs < searchBudget else { throw OutOfRuns() }
            runs += 1
            let seen = try await oracle(set.sorted())
            cache[key] = seen
            tests.append(Test(factors: set.sorted(), differing: seen, ran: true))
            if seen.contains(target) && set.count < smallest.count { smallest = set.sorted() }
            return seen.contains(target)
        }
        do {
            guard try await differs(all) else { return .culprits([]) }
            if selfLikely, try await differs([]) { return .intrinsic }
            var culprits: [[Factor]] = []
            var remaining = all
            while !remaining.isEmpty {
                var found: [Factor]?
                for f in suspects.filter(remaining.contains).prefix(maxAlone) {
                    if try await differs([f]) {
                        found = [f]
                        break
                    }
                }
                if found == nil { found = try await ddmin(remaining, differs) }
                let culprit = found!
                culprits.append(culprit)
                remaining.removeAll { culprit.contains($0) }
                // A command that differs by itself makes every run differ: one clean run rules that out.
                let sawClean = { self.cache.values.contains { !$0.contains(target) } }
                let restDiffers = remaining.isEmpty ? false : try await differs(remaining)
                if !restDiffers {
                    if !sawClean(), try await differs([]) { return .intrinsic }
                    break
                }
                // The rest still differs: another culprit, unless the command differs by itself.
                if !sawClean(), try await differs([]) { return .intrinsic }
            }
            return .culprits(culprits)
        } catch is OutOfRuns {
            // A search that spends its budget is often chasing a command that differs by itself (a clock read
            // to the second: once the runs leave the control's second, every set "differs"). The run kept
            // back for this repeats the control's conditions, ignoring what an early run showed.
            if searchBudget < budget, runs < budget {
                runs += 1
                let seen = try await oracle([])
                tests.append(Test(factors: [], differing: seen, ran: true))
                cache[[]] = seen
                if seen.contains(target) { return .intrinsic }
            }
            return .budgetSpent(narrowed: smallest)
        }
    }

    /// Zeller's ddmin: a 1-minimal subset of `input` that still differs (`input` itself is known to).
    private func ddmin(_ input: [Factor], _ differs: ([Factor]) async throws -> Bool) async throws -> [Factor] {
        var c = input
        var n = 2
        while c.count >= 2 {
            let parts = Self.split(c, into: n)
            var reduced = false
            for part in parts {
                if try await differs(part) {
                    c = part
                    n = 2
                    reduced = true
                    break
                }
            }
            if !reduced && n > 2 {
                for part in parts {
                    let complement = c.filter { !part.contains($0) }
                    if try await differs(complement) {
                        c = complement
                        n = max(n - 1, 2)
                        reduced = true
                        break
                    }
                }
            }
            if !reduced {
                if n >= c.count { break }
                n = min(c.count, n * 2)
            }
        }
        return c
    }

    /// `n` nearly equal, contiguous parts.
    static func split(_ c: [Factor], into n: Int) -> [[Factor]] {
        var out: [[Factor]] = []
        var start = 0
        for i in 0..<n {
            let end = start + (c.count - start) / (n - i)
            if end > start { out.append(Array(c[start..<end])) }
            start = end
        }
        return out
    }
}
