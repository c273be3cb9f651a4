import Foundation
import GateCore
import GateReports
import GateStore

/// One run from a loaded suite to written reports: the whole pipeline the CLI drives, so that tests can
/// drive it the same way.
public struct GateRun: Sendable {
    public let suite: Suite
    public let options: RunOptions
    public let selection: Selection
    public let reports: ReportSet
    public let registry: VerifierRegistry
    /// The clock for `startedAt`; tests inject a fixed one.
    public var now: @Sendable () -> Date = { Date() }
    /// Record the run in `.gate/history.sqlite` (gate run does; gate check does not).
    public var recordHistory = false
    /// Runs loaded back from the history for the HTML charts.
    public var trendLength = 30
    /// Use the result cache in `.gate/cache.sqlite` (gate run does unless --no-cache; gate check does not).
    public var useCache = false
    /// Which shard this run is, when `options.shard` is set; `suite` then holds only this shard's checks.
    public private(set) var shardInfo: ShardInfo?

    /// Validates the selection, the report targets, the waivers and the attestations file. Throws
    /// `ConfigError` (exit 2) before anything runs.
    public init(suite: Suite, options: RunOptions, reports: ReportSet,
                registry: VerifierRegistry = BuiltinVerifiers.registry) throws(ConfigError) {
        self.registry = registry
        var selection = try Selection.compute(suite, options: options)
        var shardSuite = suite
        if let shard = options.shard {
            let durations = (try? HistoryStore.openExisting(stateDirectory: options.stateDirectory ?? suite.root + "/.gate"))
                .flatMap { try? $0?.medianDurations(suite: suite.name) } ?? [:]
            let plan = ShardPlan.partition(suite, count: shard.count, durations: durations)
            let mine = Set(plan.shards[shard.index])
            shardSuite.checks = suite.checks.filter { mine.contains($0.id) }
            selection.selected = selection.selected.filter(mine.contains)
            selection.excluded = selection.excluded.filter { mine.contains($0.key) }
            shardInfo = ShardInfo(
                index: shard.index + 1, count: shard.count, checks: shardSuite.checks.map(\.id),
                suiteChecks: suite.checks.map(\.id), splitChecks: suite.checks.filter(\.cache.split).map(\.id),
                balance: plan.balance)
        }
        self.suite = shardSuite
        self.selection = selection
        let chosen = Set(selection.selected)
        for check in shardSuite.checks where chosen.contains(check.id) && !check.verifier.requiredEnvironment.isEmpty {
            let env = CheckEnvironment.build(base: options.environment, suite: suite.env, check: check.env)
            if let e = RequiredVariable.check(check.verifier.requiredEnvironment, in: env) { throw e }
        }
        self.reports = reports
        try reports.preflight()
        var options = options
        let waivers = try Self.loadStateFiles(suite: suite, stateDirectory: options.stateDirectory ?? suite.root + "/.gate")
        if options.waivers.isEmpty { options.waivers = waivers }
        self.options = options
    }

    /// Reads the waivers and, when the suite has manual items, the attestations of a state directory,
    /// strictly: a mistake in either is a `ConfigError` (exit 2). `gate validate` calls this too.
    @discardableResult
    public static func loadStateFiles(suite: Suite, stateDirectory state: String) throws(ConfigError) -> WaiverSet {
        let waivers = try WaiverFile.load(path: state + "/" + WaiverFile.fileName, maxLifetime: suite.waiverMaxLifetime)
        if suite.checks.contains(where: { $0.manual != nil }) {
            _ = try AttestationFile.load(path: state + "/" + AttestationFile.fileName)
        }
        return waivers
    }

    /// gate's state directory for this run (`.gate` under the suite's root unless configured).
    public var stateDirectory: String { options.stateDirectory ?? suite.root + "/.gate" }

    /// The reports a `gate run` writes: every format into the reports directory, then the suite's
    /// `reports:` paths, then paths given on the command line, each overriding the one before.
    ///
    /// What the command line names (`--reports`, `--json`, ...) goes where it says. The rest stays in a
    /// tree: the default reports directory under the working directory, and a suite's path under the
    /// reports directory or the working directory. A suite path outside both is a config error, and no
    /// symlink on the way is followed out of the tree (checked before any check runs and again when
    /// writing).
    public static func reportSet(directory: String?, directoryGiven: Bool = true, suiteReports: [String: String],
                                 suiteLocations: [String: SourceLocation] = [:], explicit: [ReportFormat: String],
                                 workingDirectory: String) throws(ConfigError) -> ReportSet {
        let cwd = PathUtil.normalize(workingDirectory)
        let reportsDir = directory.map { PathUtil.resolve($0, against: cwd) }
        var set = reportsDir.map { ReportSet.all(in: $0) } ?? ReportSet()
        if let dir = reportsDir, !directoryGiven {
            for f in ReportFormat.allCases { set.bounds[f] = ReportSet.Bound(base: cwd, label: "the working directory") }
            if !PathUtil.isInside(dir, cwd) { throw .usage("the reports directory '\(dir)' is outside the working directory") }
        }
        for (k, v) in suiteReports.sorted(by: { $0.key < $1.key }) {
            guard let f = ReportFormat(rawValue: k) else { continue }
            let path = PathUtil.resolve(v, against: cwd)
            let source = suiteLocations[k]
            let base: String, label: String
            if let dir = reportsDir, directoryGiven, PathUtil.isInside(path, dir) {
                (base, label) = (dir, "the reports directory")
            } else if PathUtil.isInside(path, cwd) {
                (base, label) = (cwd, "the working directory")
            } else {
                let given = directoryGiven ? reportsDir : nil
                let dirs = "the working directory" + (given.map { " and the reports directory '\(PathUtil.display($0))'" } ?? "")
                let message = "'\(VisibleText.line(v))' is outside \(dirs); a suite writes reports only there. "
                    + "Name a path inside, or give this one on the command line (--\(k) PATH)"
                guard let source else { throw .usage("reports.\(k): " + message) }
                throw .invalidParameter(source, key: "reports.\(k)", message: message)
            }
            set.targets[f] = path
            set.bounds[f] = ReportSet.Bound(base: base, source: source, label: label)
        }
        for (f, v) in explicit {
            set.targets[f] = PathUtil.resolve(v, against: cwd)
            set.bounds[f] = nil
        }
        return set
    }

    public struct Result: Sendable {
        public var report: RunReport
        /// Reports that could not be written, with the reason.
        public var writeFailures: [String]
        /// The exit code, raised to 3 when a report could not be written.
        public var exitCode: Int32
        /// Things worth a line on the console that did not change the outcome (history trouble).
        public var notes: [String] = []
    }

    /// Runs the checks and writes the reports. Cancelling the calling task interrupts the run; the reports
    /// are still written, marked interrupted. `checksFinished` is called once every check has a result,
    /// before the reports are written: from then on the run is complete, and a cancellation no longer
    /// changes it.
    ///
    /// What does not depend on the checks (asking git for HEAD, loading the earlier runs for the charts)
    /// runs beside them, and the result cache is opened only when some selected check can use it, so a
    /// suite of quick commands pays for little besides its commands.
    public func execute(progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in },
                        checksFinished: @Sendable () -> Void = {}) async -> Result {
        let startedAt = now()
        let clock = ContinuousClock()
        let start = clock.now
        let root = suite.root
        async let head = GitState.head(of: root)
        // Whether the tree has uncommitted changes, for `gate history` to explain flips; only asked when
        // the run is recorded, beside the checks.
        let excludedFromTree = [stateDirectory, options.reportsDirectory]
        async let dirty: Bool? = recordHistory ? GitState.isDirty(root, excluding: excludedFromTree) : nil
        // A recorded run is the newest point of its own chart, and the history keeps `historyRetention` runs.
        let earlier = recordHistory ? min(trendLength, suite.historyRetention) - 1 : trendLength
        let (state, suiteName, recording) = (stateDirectory, suite.name, recordHistory)
        // Earlier runs, for the charts, read while the checks run. A run that records keeps this store
        // open for its write at the end (one open per run, not two); one that does not record only opens
        // a history that exists. Opening repairs a damaged file, so its note is passed on.
        let trend = Task.detached(priority: .utility) { () -> (runs: [TrendRun], note: String?, store: HistoryStore?) in
            let store = recording ? try? HistoryStore.open(stateDirectory: state)
                                  : try? HistoryStore.openExisting(stateDirectory: state)
            guard let store else { return ([], nil, nil) }
            let runs = earlier > 0 ? (try? store.trend(suite: suiteName, last: earlier)) ?? [] : []
            PhaseTimer.mark("history read for the charts (\(runs.count) runs)")
            // The previous run left its write in the log (see HistoryStore.open); a run that records folds
            // it in now, beside the checks, rather than at its end. One that does not record only reads.
            if recording { _ = store.database.checkpoint() }
            return (runs, store.database.recoveryNote, store)
        }
        var runOptions = options
        runOptions.waivers = options.waivers.asOf(startedAt)
        var notes: [String] = []
        var openedCache: ResultCache?
        if useCache && runOptions.cache == nil && mayUseCache {
            do {
                let cache = try ResultCache.open(stateDirectory: stateDirectory)
                openedCache = cache
                if let n = cache.database.recoveryNote { notes.append(n) }
                runOptions.cache = cache
            } catch {
                notes.append("the result cache is off for this run: \(error)")
            }
        }
        let scheduler = Scheduler(options: runOptions, progress: progress)
        PhaseTimer.mark("scheduler starts")
        let outcome = await scheduler.run(suite, selection: selection)
        checksFinished()
        PhaseTimer.mark("checks done")
        let (status, code) = GateExit.status(for: outcome.results, interrupted: outcome.interrupted)
        let used = Set(suite.checks.map(\.verifierID))
        var report = RunReport(
            suite: suite.name, startedAt: startedAt, durationMs: (clock.now - start).milliseconds, status: status,
            exitCode: code, interrupted: outcome.interrupted, suiteFile: suite.file, checks: outcome.results,
            rules: registry.rules(ofVerifiers: used) + CoreRules.all + outcome.results.flatMap(\.extraRules),
            commit: await head)
        report.shard = shardInfo
        report.partial = partialDescription
        PhaseTimer.mark("report built")
        let earlierRuns = await trend.value
        report.trend = earlierRuns.runs
        if let n = earlierRuns.note { notes.append(n) }
        // The charts draw full runs only.
        if recordHistory && trendLength > 0 && report.partial == nil { report.trend.append(HistoryRun.trend(of: report)) }
        let facts = RunFacts(waiversDigest: waiversDigest, dirty: await dirty,
                             configKeys: Dictionary(suite.checks.map { ($0.id, $0.configDigest) }, uniquingKeysWith: { a, _ in a }))
        // The history write and the report files do not depend on each other. (A `let` copy: with
        // -sanitize=thread the compiler refuses to send the `var` into the async let.)
        let finished = report
        async let recorded = recordHistory ? record(finished, facts: facts, into: earlierRuns.store) : []
        let failures = reports.write(finished)
        PhaseTimer.mark("reports written")
        notes += await recorded
        PhaseTimer.mark("history recorded")
        // Leave .gate/ holding only the databases: fold each log in and remove it, unless another run has
        // the file open (then the last one to close does).
        earlierRuns.store?.database.close()
        openedCache?.database.close()
        let exit = failures.isEmpty || code == GateExit.interrupted ? code : GateExit.internalError
        return Result(report: report, writeFailures: failures, exitCode: exit, notes: notes)
    }

    /// How the run chose its checks when it left some out (`--only a,b`, `--tag t`, `--skip c`); nil for a
    /// full run.
    var partialDescription: String? {
        guard !selection.excluded.isEmpty else { return nil }
        var parts: [String] = []
        if !options.only.isEmpty { parts.append("--only " + options.only.joined(separator: ",")) }
        if !options.tags.isEmpty { parts.append("--tag " + options.tags.joined(separator: ",")) }
        if !options.skip.isEmpty { parts.append("--skip " + options.skip.joined(separator: ",")) }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// A digest of the waivers file's bytes (nil when there is none), so that the history can tell a flip
    /// caused by a waiver change.
    var waiversDigest: String? {
        WaiverFile.digest(path: stateDirectory + "/" + WaiverFile.fileName)
    }

    /// True when some selected check could be answered from the result cache; otherwise the cache file
    /// is not even opened.
    var mayUseCache: Bool {
        let selected = Set(selection.selected)
        return suite.checks.contains { selected.contains($0.id) && $0.mayUseResultCache }
    }

    /// Adds the run to the history. History is a record, not a verdict: trouble here becomes a note, never
    /// a different exit code.
    private func record(_ report: RunReport, facts: RunFacts, into opened: HistoryStore?) -> [String] {
        var notes: [String] = []
        do {
            let store: HistoryStore
            if let opened {
                store = opened
            } else {
                store = try HistoryStore.open(stateDirectory: stateDirectory)
                if let n = store.database.recoveryNote { notes.append(n) }
            }
            try store.record(report, retention: suite.historyRetention, facts: facts)
            if opened == nil { store.database.close() }
        } catch {
            notes.append("the run was not recorded in the history: \(error)")
        }
        return notes
    }
}
