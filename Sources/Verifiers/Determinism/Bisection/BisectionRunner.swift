import Foundation
import GateCore

/// What a bisection found for one case: per target (an output, or the exit status) the smallest sets of
/// variations that make it differ, and every run it made.
struct BisectionResult: Sendable {
    var caseID: String?
    /// Targets in the order their findings are reported; the first is the one the search was aimed at.
    var verdicts: [(target: String, verdict: Bisector.Verdict)]
    var tests: [Bisector.Test]
    var runs: Int
    var budget: Int
    /// The experiment run whose values the bisection runs reuse.
    var valueRun: Int
    /// The run indexes the bisection used, for the log ("run 3", "run 4", ...).
    var firstRun: Int
    /// Each target's likely causes, for the words of the verdict.
    var causes: [String: [Cause]] = [:]

    func verdict(for target: String) -> Bisector.Verdict? { verdicts.first { $0.target == target }?.verdict }
}

/// Runs a bisection for the first case whose runs differ: each test is a real run of the command under
/// some of the variations (kept as `bisect-K/` beside `run-N/`), compared with the control by digest.
struct BisectionRunner: Sendable {
    let executor: RunExecutor
    let planner: VariationPlanner
    let settings: Settings
    /// How many secondary targets (after the leading finding's) get a search of their own.
    static let extraTargets = 2

    func bisect(_ c: CaseRuns, reports: [DivergenceReport], artifacts: String, context: CheckContext) async throws -> BisectionResult? {
        let targets = Self.targets(reports)
        guard let primary = targets.first, c.runs.count >= 2 else { return nil }
        let control = c.runs[0]
        let names = targets.map { $0.name }
        guard let experiment = c.runs.dropFirst().first(where: { Self.differing($0, control, names).contains(primary.name) }) else { return nil }
        let applied = experiment.plan.variations.filter { $0.applied }.compactMap { Variation(rawValue: $0.variation) }
        let factors = applied.flatMap(Factor.of)
        guard !factors.isEmpty else { return nil }

        let caseDirectory = c.path.map { artifacts + "/cases/" + $0 } ?? artifacts
        let firstRun = settings.runs + 1
        var next = 0
        let bisector = Bisector(all: factors, known: Self.differing(experiment, control, names), budget: settings.bisectRuns) { set in
            next += 1
            let directory = caseDirectory + "/bisect-\(next)"
            context.progress("bisection run \(next): varying " + (set.isEmpty ? "nothing" : set.map(\.description).joined(separator: ", ")))
            let plan = planner.plan(run: firstRun + next - 1, runDirectory: directory, only: Set(set), valueRun: experiment.index)
            let record = try await executor.execute(plan: plan, casePath: c.path, directory: directory)
            try context.checkCancellation()
            return Self.differing(record, control, names)
        }
        var verdicts: [(String, Bisector.Verdict)] = []
        for target in targets.prefix(1 + Self.extraTargets) {
            let suspects = Suspects.factors(for: target.causes, among: factors)
            let verdict = try await bisector.explain(target.name, suspects: suspects, selfLikely: Suspects.selfLikely(target.causes))
            verdicts.append((target.name, verdict))
        }
        return BisectionResult(caseID: c.id, verdicts: verdicts, tests: bisector.tests, runs: bisector.runs,
                               budget: settings.bisectRuns, valueRun: experiment.index, firstRun: firstRun,
                               causes: Dictionary(targets.map { ($0.name, $0.causes) }, uniquingKeysWith: { a, _ in a }))
    }

    struct Target {
        var name: String
        var causes: [Cause]
    }

    /// The outputs (or the exit status) the findings name, in report order.
    static func targets(_ reports: [DivergenceReport]) -> [Target] {
        var out: [Target] = []
        for r in reports {
            let name = r.finding.rule == "determinism/exit-code-diverged" ? exitTarget : r.finding.evidence?["artifact"]
            guard let name, !out.contains(where: { $0.name == name }) else { continue }
            out.append(Target(name: name, causes: r.causes))
        }
        return out
    }

    static let exitTarget = "exit status"

    /// The targets in which `run` differs from the control: digest, presence, or exit status.
    static func differing(_ run: RunRecord, _ control: RunRecord, _ targets: [String]) -> Set<String> {
        var out: Set<String> = []
        for t in targets {
            if t == exitTarget {
                if run.exitText != control.exitText { out.insert(t) }
            } else if run.artifacts[t]?.digest != control.artifacts[t]?.digest {
                out.insert(t)
            }
        }
        return out
    }
}

extension BisectionRunner.Target {
    init(name: String) { self.init(name: name, causes: []) }
}
