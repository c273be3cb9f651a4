import Foundation
import GateCore

/// The inputs `cases` names, and the runs of each.
struct CaseRuns: Sendable {
    /// The case path relative to the working directory (what `{case}` becomes); nil without cases.
    var path: String?
    /// The case path relative to the check's root: finding paths, lock keys, JUnit testcases.
    var id: String?
    var runs: [RunRecord]
}

enum CaseSet {
    /// Files under `cwd` matching `pattern`, relative to `cwd`, sorted.
    static func expand(_ pattern: String, cwd: String, skip: [String]) -> [String] {
        OutputScanner(patterns: [pattern], skipAbsolute: skip).scan(cwd).keys.sorted()
    }

    /// The JUnit testcase (rule id) for a case: no whitespace, as rule ids allow none.
    static func ruleID(_ caseID: String) -> String {
        "determinism/case/" + String(caseID.map { $0.isWhitespace ? "_" : $0 })
    }
}

/// Runs every (case, run) pair: in order, or overlapping (bounded by the CPUs) when `parallel` is set
/// and the runs cannot collide.
struct ReplayScheduler: Sendable {
    let executor: RunExecutor
    let plans: @Sendable (_ run: Int, _ runDirectory: String) -> RunPlan
    let runs: Int
    let concurrency: Int

    func execute(cases: [CaseRuns], artifacts: String, context: CheckContext) async throws -> [CaseRuns] {
        var jobs: [(c: Int, r: Int)] = []
        for c in cases.indices { for r in 1...runs { jobs.append((c, r)) } }
        var done: [Int: [Int: RunRecord]] = [:]
        let total = jobs.count
        var finished = 0
        func directory(_ c: Int, _ r: Int) -> String {
            (cases[c].path.map { artifacts + "/cases/" + $0 } ?? artifacts) + "/run-\(r)"
        }
        let executor = self.executor, plans = self.plans
        try await withThrowingTaskGroup(of: (Int, Int, RunRecord).self) { group in
            var next = 0
            func launch() {
                let (c, r) = jobs[next]
                next += 1
                let dir = directory(c, r)
                let path = cases[c].path
                group.addTask { (c, r, try await executor.execute(plan: plans(r, dir), casePath: path, directory: dir)) }
            }
            while next < jobs.count && next < concurrency { launch() }
            while let (c, r, record) = try await group.next() {
                done[c, default: [:]][r] = record
                finished += 1
                let label = cases[c].id == nil ? "" : "case \(c + 1)/\(cases.count) · "
                context.progress("\(label)run \(finished)/\(total) done")
                try context.checkCancellation()
                if next < jobs.count { launch() }
            }
        }
        return cases.indices.map { c in
            var out = cases[c]
            out.runs = (1...runs).map { done[c]![$0]! }
            return out
        }
    }
}
