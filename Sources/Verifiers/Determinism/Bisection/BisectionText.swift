import GateCore

/// The words for a bisection: "differs when: PYTHONHASHSEED varies (alone)", the evidence line listing
/// each run, the log block and the stats.
enum BisectionText {
    /// "PYTHONHASHSEED varies (alone)", "the build path and the umask vary together (neither alone)", ...
    static func differsWhen(_ verdict: Bisector.Verdict, causes: [Cause] = []) -> String {
        switch verdict {
        case .culprits(let sets) where sets.isEmpty:
            return "not reproduced when rerun under the same variations (it differs only sometimes)"
        case .culprits(let sets):
            return sets.map(set).joined(separator: "; ")
        case .intrinsic:
            if causes.contains(where: { $0.label.contains("timestamp") || $0.label.contains("clock") }) {
                return "nothing varies: every run reads the clock (two runs under the control's conditions differ too)"
            }
            return "nothing varies: the command differs from run to run by itself (the clock, process ids or randomness)"
        case .budgetSpent(let narrowed):
            return list(narrowed) + (narrowed.count == 1 ? " varies" : " vary") + " (narrowed this far before the run budget ran out)"
        }
    }

    private static func set(_ factors: [Factor]) -> String {
        factors.count == 1 ? "\(factors[0].label) varies (alone)"
            : list(factors) + " vary together (" + (factors.count == 2 ? "neither alone" : "no one of them alone") + ")"
    }

    private static func list(_ factors: [Factor]) -> String {
        let labels = factors.map(\.label)
        guard labels.count > 1 else { return labels.first ?? "nothing" }
        return labels.dropLast().joined(separator: ", ") + " and " + labels.last!
    }

    /// One line per run: "run 3: PYTHONHASHSEED: differs".
    static func runLines(_ r: BisectionResult, target: String) -> [String] {
        var index = r.firstRun
        return r.tests.map { t in
            let name = t.ran ? "run \(index)" : "run \(r.valueRun)"
            if t.ran { index += 1 }
            let what = t.factors.isEmpty ? "nothing varied" : t.factors.map(\.description).joined(separator: ", ")
            return "\(name) (\(what)): " + (t.differing.contains(target) ? "differs" : "same as run 1")
        }
    }

    static func stats(_ r: BisectionResult) -> JSONValue {
        var verdicts: [String: JSONValue] = [:]
        for (target, verdict) in r.verdicts {
            var v: [String: JSONValue] = ["differsWhen": .string(differsWhen(verdict, causes: r.causes[target] ?? []))]
            switch verdict {
            case .culprits(let sets):
                v["verdict"] = .string("culprits")
                v["culprits"] = .array(sets.map { .array($0.map { .string($0.description) }) })
            case .intrinsic: v["verdict"] = .string("nothing-varied")
            case .budgetSpent(let narrowed):
                v["verdict"] = .string("budget-spent")
                v["narrowed"] = .array(narrowed.map { .string($0.description) })
            }
            verdicts[target] = .object(v)
        }
        var out: [String: JSONValue] = [
            "runs": .int(r.runs), "budget": .int(r.budget), "targets": .object(verdicts),
            "tests": .array(r.tests.map { t in
                .object(["vary": .array(t.factors.map { .string($0.description) }),
                         "differing": .array(t.differing.sorted().map { .string($0) }), "ran": .bool(t.ran)])
            }),
        ]
        if let id = r.caseID { out["case"] = .string(id) }
        return .object(out)
    }

    /// The log block: what was run and what each run showed.
    static func log(_ r: BisectionResult) -> String {
        var lines = ["BISECTION\(r.caseID.map { " of case '\($0)'" } ?? ""): \(r.runs) extra \(r.runs == 1 ? "run" : "runs") (budget \(r.budget)), values of run \(r.valueRun)"]
        for (target, verdict) in r.verdicts {
            lines.append("  '\(target)' differs when: \(differsWhen(verdict, causes: r.causes[target] ?? []))")
        }
        if let first = r.verdicts.first {
            lines += runLines(r, target: first.target).map { "    " + $0 }
        }
        return lines.joined(separator: "\n")
    }
}
