import Foundation
import GateCore
import GateReports

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

    /// Validates the selection and the report targets. Throws `ConfigError` (exit 2) before anything runs.
    public init(suite: Suite, options: RunOptions, reports: ReportSet,
                registry: VerifierRegistry = BuiltinVerifiers.registry) throws(ConfigError) {
        self.suite = suite
        self.options = options
        self.registry = registry
        self.selection = try Selection.compute(suite, options: options)
        self.reports = reports
        try reports.preflight()
    }

    /// The reports a `gate run` writes: every format into the reports directory, then the suite's
    /// `reports:` paths, then paths given on the command line, each overriding the one before.
    public static func reportSet(directory: String?, suiteReports: [String: String],
                                 explicit: [ReportFormat: String], workingDirectory: String) -> ReportSet {
        var set = directory.map { ReportSet.all(in: PathUtil.resolve($0, against: workingDirectory)) } ?? ReportSet()
        for (k, v) in suiteReports {
            if let f = ReportFormat(rawValue: k) { set.targets[f] = PathUtil.resolve(v, against: workingDirectory) }
        }
        for (f, v) in explicit { set.targets[f] = PathUtil.resolve(v, against: workingDirectory) }
        return set
    }

    public struct Result: Sendable {
        public var report: RunReport
        /// Reports that could not be written, with the reason.
        public var writeFailures: [String]
        /// The exit code, raised to 3 when a report could not be written.
        public var exitCode: Int32
    }

    /// Runs the checks and writes the reports. Cancelling the calling task interrupts the run; the reports
    /// are still written, marked interrupted.
    public func execute(progress: @escaping @Sendable (ProgressEvent) -> Void = { _ in }) async -> Result {
        let startedAt = now()
        let clock = ContinuousClock()
        let start = clock.now
        let scheduler = Scheduler(options: options, progress: progress)
        let outcome = await scheduler.run(suite, selection: selection)
        let (status, code) = GateExit.status(for: outcome.results, interrupted: outcome.interrupted)
        let report = RunReport(
            suite: suite.name, startedAt: startedAt, durationMs: (clock.now - start).milliseconds, status: status,
            exitCode: code, interrupted: outcome.interrupted, suiteFile: suite.file, checks: outcome.results,
            rules: registry.allRules + outcome.results.flatMap(\.extraRules))
        let failures = reports.write(report)
        let exit = failures.isEmpty || code == GateExit.interrupted ? code : GateExit.internalError
        return Result(report: report, writeFailures: failures, exitCode: exit)
    }
}
