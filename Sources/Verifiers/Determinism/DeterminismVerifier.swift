import Foundation
import GateCore

/// Runs a command several times under varied conditions and checks that every output is byte-identical
/// (after the accepted `normalize` rules), that exit codes agree, and, with `golden`, that the digests
/// match a committed lock file.
///
/// - **Fails** on `determinism/output-diverged`, `determinism/exit-code-diverged`,
///   `determinism/missing-output` and `determinism/golden-mismatch`. A requested variation that this
///   machine cannot apply is a `determinism/variation-not-applied` warning, never silently dropped.
/// - **Where and why**: each divergence names the artifact, the first differing byte and line, the JSON
///   path, a bounded unified diff, the likely cause and the command for a deep diff (diffoscope).
/// - **Artifacts**: each run's outputs are kept under `<reports>/determinism/<check>/run-N/`
///   (`cases/<case>/run-N/` with cases), with a `run.json` saying what the run applied.
/// - **Which variation**: when outputs differ under several variations, a bisection finds the smallest
///   set that still makes them differ ("differs when: PYTHONHASHSEED varies (alone)").
/// - **Inside archives**: gzip, bzip2, xz, zstd, tar, zip and ar layers are opened and the difference is
///   named at the innermost level (`dist/x.tar.gz › x/PKG-INFO line 3`).
/// - **Parameters**: `command`, `cwd`, `env`, `timeout`, `runs`, `outputs`, `stdout`, `stderr`, `vary`,
///   `normalize`, `golden`, `record`, `cases`, `parallel`, `allow-failure`, `copy-exclude`, `strict`,
///   `bisect`, `bisect-runs`, `faketime-library`, `archive-depth`, `archive-limit`.
public struct DeterminismVerifier: Verifier {
    let settings: Settings
    /// Case ids found at load time, so that JUnit lists every case even when the check errors.
    let casesAtLoad: [String]

    public init(parameters: Parameters) throws(ConfigError) {
        settings = try Settings(parameters)
        if let pattern = settings.cases {
            let cwd = settings.cwd ?? parameters.root
            casesAtLoad = CaseSet.expand(pattern, cwd: cwd, skip: []).map {
                PathUtil.relative(cwd + "/" + $0, to: parameters.root)
            }
        } else {
            casesAtLoad = []
        }
    }

    public var evaluatedRules: [String] { baseRules + casesAtLoad.map(CaseSet.ruleID) }

    var baseRules: [String] {
        var rules: [String] = []
        if settings.runs > 1 {
            rules += ["determinism/exit-code-diverged", "determinism/missing-output", "determinism/output-diverged"]
            if !settings.vary.isEmpty { rules.append("determinism/variation-not-applied") }
        }
        if settings.golden != nil { rules.append("determinism/golden-mismatch") }
        return rules
    }

    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        let cwd = settings.cwd ?? context.cwd
        guard FileInfo.isDirectory(cwd) else {
            throw VerifierError("the working directory '\(context.relative(cwd))' does not exist; fix 'cwd'")
        }
        let artifacts = PathUtil.normalize(context.artifactsDirectory)
        try? FileManager.default.removeItem(atPath: artifacts)
        do { try AtomicFile.makeDirectory(artifacts) } catch { throw VerifierError(error.description) }

        var env = context.environment
        for (k, v) in settings.env { env[k] = EnvExpansion.expand(v, env) }
        let facts = await MachineProbe.facts(path: env["PATH"], needs: Set(settings.vary), environment: env,
                                             faketime: settings.faketimeLibrary)
        let planner = VariationPlanner(variations: settings.vary, facts: facts, environment: env)
        if settings.strict, settings.runs > 1 {
            let missing = planner.plan(run: 2, runDirectory: artifacts + "/run-2").variations.filter { !$0.applied }
            if !missing.isEmpty {
                throw VerifierError("strict: " + missing.map { "the '\($0.variation)' variation cannot be applied here: \($0.detail)" }.joined(separator: "; ")
                                    + ". Install what is missing, run where it is permitted, or remove it from 'vary' (or set 'strict: false' to accept the gap with a warning)")
            }
        }

        var cases: [CaseRuns] = [CaseRuns(path: nil, id: nil, runs: [])]
        if let pattern = settings.cases {
            let found = CaseSet.expand(pattern, cwd: cwd, skip: [artifacts])
            guard !found.isEmpty else {
                throw VerifierError("'cases: \(pattern)' matched no files under '\(context.relative(cwd))'; fix the glob (it is relative to the working directory)")
            }
            cases = found.map { CaseRuns(path: $0, id: context.relative(cwd + "/" + $0), runs: []) }
        }

        // Runs share one disorderfs mount point unless each has its own copy of the tree.
        let sharedMount = settings.vary.contains(.fileOrder) && facts.disorderfs != nil && !settings.vary.contains(.path)
        let canOverlap = (settings.vary.contains(.path) || settings.outputs.isEmpty) && !sharedMount
        let concurrency = settings.parallel && canOverlap ? max(1, facts.allowedCPUs.count) : 1
        let executor = RunExecutor(settings: settings, sourceCwd: cwd, artifactsRoot: artifacts)
        let scheduler = ReplayScheduler(
            executor: executor,
            plans: { planner.plan(run: $0, runDirectory: $1) }, runs: settings.runs, concurrency: concurrency)
        let replayed = try await scheduler.execute(cases: cases, artifacts: artifacts, context: context)

        if !settings.allowFailure {
            // A command that fails the same way every time is broken, not non-deterministic; a command that
            // fails only sometimes is an exit-code divergence, reported as a finding below.
            for c in replayed where c.runs[0].termination != .exited(0)
                && c.runs.allSatisfy({ $0.termination == c.runs[0].termination }) {
                let r = c.runs[0]
                let tail = StderrTail.lastLine(r.directory + "/stderr").map { ": '\($0)'" } ?? ""
                throw VerifierError("'\(context.redactor.redact(settings.commandText))'\(c.id.map { " (case '\($0)')" } ?? "") ended with "
                    + "\(r.exitText) in every run\(tail). Fix the command, or set 'allow-failure: true' when a failing exit is the behaviour under test.")
            }
        }
        var outcome = OutcomeBuilder(settings: settings, context: context, facts: facts, cases: replayed,
                                     artifacts: artifacts, canOverlap: canOverlap)
        try outcome.compare()
        try await outcome.bisect(BisectionRunner(executor: executor, planner: planner, settings: settings))
        try outcome.golden()
        return outcome.build(baseRules: baseRules)
    }
}
