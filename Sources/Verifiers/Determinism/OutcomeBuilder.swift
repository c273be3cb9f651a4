import Foundation
import GateCore

/// Turns the replayed runs into findings, the golden comparison (or recording), stats, a one-line
/// summary and a readable log, which is also kept as `report.txt` beside the artifacts.
struct OutcomeBuilder {
    let settings: Settings
    let context: CheckContext
    let facts: MachineFacts
    let cases: [CaseRuns]
    let artifacts: String
    let canOverlap: Bool
    /// Divergences per case id ("" without cases).
    private var divergences: [String: [DivergenceReport]] = [:]
    private var goldenReports: [DivergenceReport] = []
    private var goldenLine: String?
    private var bisection: BisectionResult?

    init(settings: Settings, context: CheckContext, facts: MachineFacts, cases: [CaseRuns], artifacts: String, canOverlap: Bool) {
        self.settings = settings
        self.context = context
        self.facts = facts
        self.cases = cases
        self.artifacts = artifacts
        self.canOverlap = canOverlap
    }

    mutating func compare() throws {
        for c in cases {
            try context.checkCancellation()
            var analyzer = DivergenceAnalyzer(caseID: c.id, diffoscope: facts.diffoscope, displayBase: PathUtil.currentDirectory)
            analyzer.scratch = artifacts + "/inside"
            analyzer.archiveDepth = settings.archiveDepth
            analyzer.archiveLimit = settings.archiveLimit
            analyzer.hints = ToolchainHints(command: settings.commandText, names: settings.outputs)
            divergences[c.id ?? ""] = Self.ranked(analyzer.analyze(c.runs))
        }
    }

    /// The most precise finding first (see `DivergenceReport.rank`); ties keep the analyzer's order.
    static func ranked(_ reports: [DivergenceReport]) -> [DivergenceReport] {
        reports.enumerated().sorted { ($0.element.rank, $0.offset) < ($1.element.rank, $1.offset) }.map(\.element)
    }

    /// Finds which variations make the first diverging case differ, and says so in its findings.
    mutating func bisect(_ runner: BisectionRunner) async throws {
        guard settings.bisect, settings.runs >= 2,
              let c = cases.first(where: { !(divergences[$0.id ?? ""] ?? []).isEmpty }) else { return }
        var reports = divergences[c.id ?? ""]!
        guard let result = try await runner.bisect(c, reports: reports, artifacts: artifacts, context: context) else { return }
        bisection = result
        for (target, verdict) in result.verdicts {
            guard let i = reports.firstIndex(where: { BisectionRunner.targets([$0]).first?.name == target }) else { continue }
            let when = BisectionText.differsWhen(verdict, causes: reports[i].causes)
            reports[i].finding.message += "; differs when: \(when)"
            var evidence = reports[i].finding.evidence ?? [:]
            evidence["differsWhen"] = when
            evidence["bisection"] = BisectionText.runLines(result, target: target).joined(separator: "; ")
            reports[i].finding.evidence = evidence
            reports[i].text += "\n  differs when: \(when)"
        }
        divergences[c.id ?? ""] = reports
    }

    mutating func golden() throws {
        guard let path = settings.golden else { return }
        let display = settings.goldenDisplay ?? context.relative(path)
        var entries: [String: GoldenLock.Entry] = [:]
        var kept: [String: [String: String]] = [:]
        for c in cases {
            entries[c.id ?? ""] = GoldenLock(record: c.runs[0]).entries[""]
            kept[c.id ?? ""] = c.runs[0].artifacts.mapValues { PathUtil.display($0.compared) }
        }
        let actual = GoldenLock(entries: entries, caseMode: settings.cases != nil)
        if settings.record {
            if divergences.values.contains(where: { !$0.isEmpty }) {
                goldenLine = "golden lock '\(display)' NOT recorded: the outputs are not deterministic"
                return
            }
            do { try AtomicFile.write(actual.render(command: settings.commandText), to: path) } catch {
                throw VerifierError(error.description)
            }
            let outputs = entries.values.reduce(0) { $0 + $1.outputs.count }
            goldenLine = "recorded golden lock '\(display)' (\(settings.cases != nil ? "\(entries.count) cases, " : "")\(outputs) outputs)"
            return
        }
        let expected = try GoldenLock.load(path, display: display)
        let lockPath = PathUtil.isInside(path, context.root) ? context.relative(path) : nil
        goldenReports = GoldenCompare(lockDisplay: display, lockPath: lockPath, kept: kept).compare(expected: expected, actual: actual)
        goldenLine = goldenReports.isEmpty ? "matches golden lock '\(display)'"
            : "\(goldenReports.count) \(goldenReports.count == 1 ? "difference" : "differences") from golden lock '\(display)'"
    }

    func build(baseRules: [String]) -> CheckOutcome {
        var findings: [Finding] = []
        var rules = baseRules
        var extraRules: [RuleDescriptor] = []
        var problemCases = 0
        for c in cases {
            let mine = (divergences[c.id ?? ""] ?? []) + goldenReports.filter { $0.finding.path == c.id && c.id != nil }
            findings += (divergences[c.id ?? ""] ?? []).map(\.finding)
            guard let id = c.id else { continue }
            let rule = CaseSet.ruleID(id)
            rules.append(rule)
            extraRules.append(RuleDescriptor(rule, "Case '\(id)' replays deterministically and matches its golden digests.",
                                             help: "See the determinism/* findings for this case: they say where the outputs differ and why."))
            if let first = mine.first {
                problemCases += 1
                let kinds = mine.prefix(3).map { Self.kind($0.finding) }.joined(separator: "; ") + (mine.count > 3 ? "; ..." : "")
                findings.append(Finding(rule: rule, message: "case '\(id)' failed: \(kinds)", path: id, identity: "case|\(id)",
                                        help: first.finding.help))
            }
        }
        findings += goldenReports.map(\.finding)
        let notApplied = notAppliedVariations
        for v in notApplied {
            findings.append(Finding(rule: "determinism/variation-not-applied", severity: .warning,
                                    message: "the '\(v.variation)' variation was not applied: \(v.detail)", identity: v.variation,
                                    help: "Run where it is permitted (for example as root in CI), or remove it from 'vary' to accept the gap."))
        }
        // Outputs can hold credentials: diffs and values go through the same redactor as logs.
        findings = findings.map { f in
            var f = f
            f.message = context.redactor.redact(f.message)
            f.evidence = f.evidence?.mapValues(context.redactor.redact)
            return f
        }
        let log = renderLog(notApplied: notApplied)
        try? StreamCopy.writeArtifact(log + "\n", to: artifacts + "/report.txt")
        return CheckOutcome(findings: findings, summary: summary(notApplied: notApplied, problemCases: problemCases),
                            stats: stats(notApplied: notApplied), rules: rules, extraRules: extraRules,
                            log: Self.bounded(log))
    }

    /// A few words per problem for a case's JUnit testcase; the detailed findings carry the rest.
    static func kind(_ f: Finding) -> String {
        let artifact = f.evidence?["artifact"].map { "'\($0)' " } ?? ""
        switch f.rule {
        case "determinism/output-diverged": return "\(artifact)diverged between runs"
        case "determinism/exit-code-diverged": return "exit status diverged between runs"
        case "determinism/missing-output": return "\(artifact)missing in some runs"
        default: return artifact.isEmpty ? f.message : "\(artifact)differs from the golden lock"
        }
    }

    private var allReports: [DivergenceReport] {
        cases.flatMap { divergences[$0.id ?? ""] ?? [] } + goldenReports
    }

    /// Requested variations the experiment runs could not apply (the same on every run).
    private var notAppliedVariations: [AppliedVariation] {
        guard let run = cases.first?.runs.dropFirst().first else { return [] }
        return run.plan.variations.filter { !$0.applied }
    }

    private func summary(notApplied: [AppliedVariation], problemCases: Int) -> String {
        let reports = allReports
        if let first = Self.ranked(reports).first {
            var s = first.finding.message
            if reports.count > 1 {
                s += "; \(reports.count - 1) more"
                if settings.cases != nil { s += " (\(problemCases) of \(cases.count) cases affected)" }
            }
            if !notApplied.isEmpty { s += "; not applied: " + notApplied.map(\.variation).joined(separator: ", ") }
            return s
        }
        let run1 = cases[0].runs[0]
        let names = run1.artifacts.keys.sorted(by: DivergenceAnalyzer.artifactOrder)
        let shown = names.prefix(4).joined(separator: ", ") + (names.count > 4 ? ", ..." : "")
        var s: String
        if settings.runs > 1 {
            s = "\(settings.runs) runs identical" + (settings.cases != nil ? " for each of \(cases.count) cases" : "")
                + ": \(names.count) \(names.count == 1 ? "output" : "outputs") (\(shown))"
        } else {
            s = "1 run" + (settings.cases != nil ? " of each of \(cases.count) cases" : "") + ", \(names.count) outputs (\(shown))"
        }
        let applied = settings.vary.filter { v in !notApplied.contains { $0.variation == v.rawValue } }
        if applied.count == Variation.allCases.count, settings.runs > 1 {
            s += "; varied all \(applied.count) conditions (time through \(timeSource))"
        } else if !applied.isEmpty, settings.runs > 1 {
            s += "; varied " + applied.map { $0 == .time ? "time (\(timeSource))" : $0.rawValue }.joined(separator: ", ")
        }
        if !notApplied.isEmpty { s += "; not applied: " + notApplied.map(\.variation).joined(separator: ", ") }
        if let g = goldenLine { s += "; " + g }
        return s
    }

    private var timeSource: String { facts.libfaketime != nil ? "libfaketime" : "none" }

    private func stats(notApplied: [AppliedVariation]) -> [String: JSONValue] {
        var s: [String: JSONValue] = [
            "runs": .int(settings.runs),
            "outputs": .int(cases.reduce(0) { $0 + $1.runs[0].artifacts.count }),
            "bytesHashed": .int(cases.reduce(0) { $0 + $1.runs.reduce(0) { $0 + $1.bytesHashed } }),
            "divergences": .int(cases.reduce(0) { $0 + (divergences[$1.id ?? ""]?.count ?? 0) }),
            "parallel": .bool(settings.parallel && canOverlap),
        ]
        if settings.cases != nil { s["cases"] = .int(cases.count) }
        if settings.golden != nil { s["goldenMismatches"] = .int(goldenReports.count) }
        if !settings.vary.isEmpty {
            s["varied"] = .array(settings.vary.filter { v in !notApplied.contains { $0.variation == v.rawValue } }.map { .string($0.rawValue) })
            s["notApplied"] = .array(notApplied.map { .string($0.variation) })
        }
        if settings.vary.contains(.time) { s["timeSource"] = .string(timeSource) }
        if let b = bisection {
            s["bisection"] = BisectionText.stats(b)
            s["runsTotal"] = .int(settings.runs * cases.count + b.runs)
        }
        return s
    }

    private func renderLog(notApplied: [AppliedVariation]) -> String {
        var lines = ["command: \(context.redactor.redact(settings.commandText))",
                     "working directory: \(PathUtil.display(settings.cwd ?? context.cwd))",
                     "artifacts: \(PathUtil.display(artifacts))/"]
        if settings.parallel && !canOverlap {
            lines.append("parallel: off, because runs would share the declared outputs in one directory; add 'path' to vary to run each in its own copy")
        }
        if let first = cases.first {
            for r in first.runs { lines.append("run \(r.index): \(r.plan.description)") }
        }
        for c in cases {
            let reports = divergences[c.id ?? ""] ?? []
            if reports.isEmpty && settings.runs > 1 {
                let names = c.runs[0].artifacts.keys.sorted(by: DivergenceAnalyzer.artifactOrder)
                lines.append("\(c.id.map { "case '\($0)'" } ?? "outputs"): identical across \(settings.runs) runs (\(names.joined(separator: ", ")))")
            }
            lines += reports.map(\.text)
        }
        if let b = bisection { lines.append(BisectionText.log(b)) }
        lines += goldenReports.map(\.text)
        if let g = goldenLine { lines.append(g) }
        return context.redactor.redact(lines.joined(separator: "\n"))
    }

    /// The check's log stays readable in reports: the full text is in report.txt.
    static func bounded(_ log: String, limit: Int = 48 * 1024) -> String {
        guard log.utf8.count > limit else { return log }
        return String(decoding: log.utf8.prefix(limit), as: UTF8.self) + "\n... (cut; the whole report is in report.txt beside the artifacts)"
    }
}
