import Testing
@testable import VerifierDeterminism

/// The bisection search on its own, with a model of a build whose outputs depend on known variations:
/// how many runs it spends and what it concludes. reprotest's `--auto-build` (reprotest/__init__.py,
/// check_auto) spends 3 + K builds for K variations; these tests hold the search to fewer.
@Suite struct BisectorTests {
    static let all: [Factor] = [.tz, .locale, .umask, .path, .time, .home, .jobs, .fileOrder, .user, .kernel].map { Factor($0) }
        + Factor.of(.random)

    /// A build that differs whenever every factor of one of `triggers` is varied (or always, when
    /// `always`), as an oracle; `calls` counts the runs.
    final class Model {
        let triggers: [Set<Factor>]
        let always: Bool
        /// From this run on, every run differs whatever varies (a clock read to the second, once the
        /// runs cross into the next second).
        let driftFrom: Int?
        var calls: [[Factor]] = []
        init(_ triggers: [Set<Factor>], always: Bool = false, driftFrom: Int? = nil) {
            self.triggers = triggers
            self.always = always
            self.driftFrom = driftFrom
        }
        func run(_ set: [Factor]) -> Set<String> {
            calls.append(set)
            let drifted = driftFrom.map { calls.count >= $0 } ?? false
            return always || drifted || triggers.contains(where: { $0.isSubset(of: Set(set)) }) ? ["out"] : []
        }
        var known: Set<String> { always || !triggers.isEmpty ? ["out"] : [] }
    }

    static func bisect(_ model: Model, suspects: [Factor] = [], selfLikely: Bool = false, budget: Int = 16,
                       all: [Factor] = all) async throws -> (Bisector.Verdict, Int) {
        let b = Bisector(all: all, known: model.known, budget: budget) { model.run($0) }
        let verdict = try await b.explain("out", suspects: suspects, selfLikely: selfLikely)
        #expect(b.runs == model.calls.count)
        return (verdict, b.runs)
    }

    @Test func theRightSuspectCostsTwoRuns() async throws {
        let seed = Factor(.random, "PYTHONHASHSEED")
        let (verdict, runs) = try await Self.bisect(Model([[seed]]), suspects: [seed, Factor(.fileOrder)])
        #expect(verdict == .culprits([[seed]]))
        // Alone, then everything else at once: reprotest would take 3 + 12 builds.
        #expect(runs == 2)
        #expect(BisectionText.differsWhen(verdict) == "PYTHONHASHSEED varies (alone)")
    }

    @Test func noSuspectFallsBackToDeltaDebugging() async throws {
        let model = Model([[Factor(.kernel)]])
        let (verdict, runs) = try await Self.bisect(model)
        #expect(verdict == .culprits([[Factor(.kernel)]]))
        // ddmin halves 12 factors: about 2 log2(12) runs, plus the complement; fewer than reprotest's 15.
        #expect(runs <= 9, "\(model.calls)")
    }

    @Test func aWrongSuspectStillFindsTheCulprit() async throws {
        let (verdict, runs) = try await Self.bisect(Model([[Factor(.umask)]]), suspects: [Factor(.time), Factor(.tz)])
        #expect(verdict == .culprits([[Factor(.umask)]]))
        #expect(runs <= 11)
    }

    @Test func twoIndependentCulpritsAreBothNamed() async throws {
        let (verdict, _) = try await Self.bisect(Model([[Factor(.tz)], [Factor(.fileOrder)]]), suspects: [Factor(.time), Factor(.tz)])
        guard case .culprits(let sets) = verdict else { Issue.record("\(verdict)"); return }
        #expect(Set(sets) == [[Factor(.tz)], [Factor(.fileOrder)]])
        #expect(BisectionText.differsWhen(verdict).contains("TZ varies (alone)"))
    }

    @Test func anInteractionIsReportedAsASet() async throws {
        let (verdict, _) = try await Self.bisect(Model([[Factor(.path), Factor(.umask)]]))
        #expect(verdict == .culprits([[Factor(.umask), Factor(.path)]]))
        #expect(BisectionText.differsWhen(verdict) == "the umask and the build path vary together (neither alone)")
    }

    @Test func aCommandThatDiffersByItselfIsNotBlamedOnAVariation() async throws {
        let (verdict, runs) = try await Self.bisect(Model([], always: true), suspects: [Factor(.time)])
        #expect(verdict == .intrinsic)
        #expect(runs <= 3)
        let (direct, directRuns) = try await Self.bisect(Model([], always: true), selfLikely: true)
        #expect(direct == .intrinsic && directRuns == 1)
    }

    @Test func aSingleVariationIsCheckedAgainstACleanRun() async throws {
        // With one factor the full run is the "alone" run: one clean run tells it from noise.
        let (verdict, runs) = try await Self.bisect(Model([[Factor(.tz)]]), suspects: [Factor(.tz)], all: [Factor(.tz)])
        #expect(verdict == .culprits([[Factor(.tz)]]) && runs == 1)
        let (noise, _) = try await Self.bisect(Model([], always: true), suspects: [Factor(.tz)], all: [Factor(.tz)])
        #expect(noise == .intrinsic)
    }

    @Test func aCommandThatStartsToDifferByItselfMidwayIsCaught() async throws {
        // `touch` then `tar` at one-second resolution: the first runs fall in the control's second, later
        // ones do not, and every set then "differs". The search must not end blaming whatever it narrowed
        // to; a last run with nothing varied shows the command differs by itself.
        let triggers: [Set<Factor>] = [[Factor(.umask)], [Factor(.user)], [Factor(.time)]]
        let model = Model(triggers, driftFrom: 7)
        let (verdict, runs) = try await Self.bisect(model, suspects: [Factor(.umask), Factor(.user), Factor(.time)])
        #expect(verdict == .intrinsic, "\(model.calls)")
        #expect(runs <= 16)
    }

    @Test func theBudgetIsHonoured() async throws {
        let model = Model([[Factor(.kernel), Factor(.locale), Factor(.user)]])
        let (verdict, runs) = try await Self.bisect(model, budget: 3)
        #expect(runs == 3)
        guard case .budgetSpent(let narrowed) = verdict else { Issue.record("\(verdict)"); return }
        #expect(Set([Factor(.kernel), Factor(.locale), Factor(.user)]).isSubset(of: Set(narrowed)))
    }

    @Test func splitKeepsEveryFactorOnce() {
        for n in 1...12 {
            let parts = Bisector.split(Self.all, into: n)
            #expect(parts.flatMap { $0 } == Self.all.sorted() || parts.flatMap { $0 } == Self.all)
            #expect(parts.count == min(n, Self.all.count))
        }
    }
}
