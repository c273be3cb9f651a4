import ArgumentParser
import Foundation
import GateCore
import GateKit
import GateReports

struct RunCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Run a suite of checks and write reports.",
        discussion: """
            Checks run in parallel (up to --jobs at once); a check starts only after the checks it 'needs' have
            passed, and the dependents of a failed check are skipped with the reason. Reports go to
            Reports/<suite>/ (report.json, junit.xml, report.sarif, report.md, report.html) unless --reports says
            otherwise; --json, --junit, --sarif, --markdown and --html add or move single formats.

            Waivers in .gate/waivers.yaml apply as each check finishes. A manual checklist item that is not signed
            off ('gate attest') fails the run unless --allow-pending-manual is given. Each run is recorded in
            .gate/history.sqlite ('gate history'). Under GitHub Actions (GITHUB_ACTIONS=true) the top findings are
            also printed as annotations, and the Markdown summary is appended to $GITHUB_STEP_SUMMARY.

            A check whose inputs, parameters and environment inputs are unchanged since its last passing run
            reuses that result from .gate/cache.sqlite (marked 'cached'; --no-cache runs everything). --shard K/N
            runs one CI shard of the suite; 'gate merge' combines the shards' JSON reports.

            Ctrl-C, SIGTERM or SIGHUP stops launching checks, stops the running ones (SIGTERM to everything
            they started, SIGKILL after 'kill-grace'), writes the reports marked 'interrupted' and exits 130. A
            second Ctrl-C kills every check at once and still writes the reports; a third exits at once. A
            signal after every check has finished only lets the reports finish: the run is complete. No
            process a check started outlives gate: each check runs in a cgroup of its own where gate may
            make one (GATE_CGROUPS=0 turns that off), and in its own process group (see docs/hardening.md).

            GATE_TIMINGS=1 prints where the run's time went (start-up, suite load, checks, each report) and
            gate's own CPU time to stderr.

            Without a suite, gate runs the one it finds: --suite FILE, else gate.yaml in the current directory,
            else the only suite under Suites/ ('gate init' writes a gate.yaml). Every command that takes a suite
            (run, validate, attest, checklist, history, replay) finds it the same way.

            Examples:
              gate run
              gate run Suites/launch.yaml
              gate run Suites/pre-deploy.yaml --jobs 4 --fail-fast --junit build/junit.xml
              gate run Suites/launch.yaml --only secrets,cas --reports /tmp/gate
              gate run Suites/launch.yaml --tag fast --skip slow-check
              gate run Suites/launch.yaml --shard 2/4 --json Reports/shard-2.json
              gate run Suites/launch.yaml --no-cache
            """)

    @Argument(help: ArgumentHelp("The suite file (YAML); default: --suite, else gate.yaml here, else the one Suites/*.yaml.",
                                 valueName: "suite"))
    var suite: String?

    @Option(name: .customLong("suite"), help: ArgumentHelp("The suite file, as an alternative to the argument.", valueName: "file"))
    var suiteOption: String?

    @Option(name: .long, help: ArgumentHelp("Directory the checks work on (overrides the suite's 'root').",
                                            valueName: "dir"))
    var root: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Checks to run at once (default: the suite's 'jobs', else the number of cores).", valueName: "n"))
    var jobs: String?

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Run only these checks (comma-separated or repeated), plus what they need.", valueName: "ids"))
    var only: [String] = []

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Skip these checks (comma-separated or repeated); their dependents are skipped too.", valueName: "ids"))
    var skip: [String] = []

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Run only checks with this tag (repeatable), plus what they need.", valueName: "tag"))
    var tag: [String] = []

    @Flag(name: .long, help: "Stop launching checks after the first required check fails.")
    var failFast = false

    @Flag(name: .long, help: "Let pending manual checklist items through: they are reported as skipped with a warning instead of failing the run.")
    var allowPendingManual = false

    @Option(name: .long, help: ArgumentHelp("gate's state directory (default: .gate under the suite's root): waivers, attestations, history.", valueName: "dir"))
    var stateDir: String?

    @Flag(name: .long, help: "Do not record this run in the history (.gate/history.sqlite).")
    var noHistory = false

    @Flag(name: .long, help: "Run every check, neither reading nor writing the result cache (.gate/cache.sqlite).")
    var noCache = false

    @Option(name: .long, help: ArgumentHelp("Run one shard of the suite, K of N (K from 1); also GATE_SHARD=K/N, or Bazel's TEST_SHARD_INDEX and TEST_TOTAL_SHARDS. Combine the shards' JSON reports with 'gate merge'.", valueName: "K/N"))
    var shard: String?

    @OptionGroup var reportOptions: ReportOptions
    @OptionGroup var output: OutputOptions

    func validate() throws {
        if let jobs { _ = try countOption(jobs, name: "--jobs", range: RunOptions.jobsRange) }
    }

    func run() async throws {
        let cwd = PathUtil.currentDirectory
        let loader = SuiteLoader(registry: BuiltinVerifiers.registry, rootOverride: root, workingDirectory: cwd)
        let suite = try loader.load(SuiteDiscovery.locate(suite ?? suiteOption, workingDirectory: cwd))
        PhaseTimer.mark("suite loaded")
        let reportsDir = reportOptions.reports ?? "Reports/\(suite.name)"
        let reportSet = try GateRun.reportSet(directory: reportsDir, directoryGiven: reportOptions.reports != nil,
                                              suiteReports: suite.reports, suiteLocations: suite.reportLocations,
                                              explicit: reportOptions.explicit, workingDirectory: cwd)
        let options = RunOptions(
            jobs: try jobs.map { try countOption($0, name: "--jobs", range: RunOptions.jobsRange) } ?? suite.jobs, only: splitIDs(only), skip: splitIDs(skip), tags: splitIDs(tag),
            failFast: failFast, reportsDirectory: PathUtil.resolve(reportsDir, against: cwd),
            stateDirectory: stateDir.map { PathUtil.resolve($0, against: cwd) }, environment: childEnvironment())
        var runOptions = options
        runOptions.allowPendingManual = allowPendingManual
        let environment = ProcessInfo.processInfo.environment
        runOptions.shard = try ShardSlice.resolve(option: shard, environment: environment)
        // Bazel asks a test that understands sharding to say so by touching this file.
        if runOptions.shard != nil, let status = environment["TEST_SHARD_STATUS_FILE"], !status.isEmpty {
            _ = FileManager.default.createFile(atPath: status, contents: nil)
        }
        var gateRun = try GateRun(suite: suite, options: runOptions, reports: reportSet)
        gateRun.recordHistory = !noHistory
        gateRun.useCache = !noCache
        PhaseTimer.mark("run prepared")
        await RunDriver.execute(gateRun, output: output)
    }
}

/// Runs a prepared `GateRun` under signal handling and the console, then exits with the run's code.
enum RunDriver {
    /// Exits here, on the thread that finished the run, rather than throwing `ExitCode` back to `main`.
    /// `main` is on the main actor, and once dispatch_main has parked the main thread its queue has no
    /// thread of its own: going back there started a new thread only to call exit.
    static func execute(_ run: GateRun, output: OutputOptions) async -> Never {
        // Descendants that leave their check's process group are re-parented to gate, a cgroup per check
        // holds them where the machine allows, and the keeper cleans up should gate be killed.
        ProcessGroups.becomeSubreaper()
        ProcessGroups.shared.contain(cgroups: ProcessInfo.processInfo.environment["GATE_CGROUPS"] != "0")
        PhaseTimer.mark("checks contained")
        let console = ConsoleReporter(options: output, suite: run.suite, selection: run.selection, jobs: run.options.jobs,
                                      shard: run.shardInfo)
        console.begin()
        // Once every check has a result the run is complete: a signal then finishes the reports.
        let finished = Locked(false)
        let task = Task {
            await run.execute(progress: { console.handle($0) },
                              checksFinished: { finished.withLock { $0 = true } })
        }
        let interrupts = Interrupts.install(
            onFirst: { signal in
                if finished.withLock({ $0 }) {
                    // Nothing is left to stop but checks abandoned in their kill-grace: end them now.
                    ProcessGroups.shared.killAll()
                    console.signalAfterChecks(signal)
                } else {
                    console.interrupted(by: signal)
                    task.cancel()
                }
            },
            onSecond: { console.killedEveryCheck(checksFinished: finished.withLock { $0 }) })
        let result = await task.value
        // A check abandoned by the scheduler may still be in its kill-grace: gate does not exit before its
        // processes are gone (another interrupt kills them now).
        let stopping = ProcessGroups.shared.count
        if stopping > 0 { console.waitingForGroups(stopping) }
        let swept = await ProcessGroups.shared.endRun()
        interrupts.cancel()
        PhaseTimer.mark("orphans swept")
        if run.reports.targets.isEmpty { removeEmptyArtifacts(run) }
        console.finish(result, reports: run.reports, orphansKilled: swept)
        GitHubOutput.emit(result.report, reports: run.reports)
        PhaseTimer.mark("console finished")
        if PhaseTimer.enabled { Terminal.writeError(PhaseTimer.summary()) }
        exit(result.exitCode)
    }
}

/// A run that writes no reports (`gate check` without --reports) leaves no empty artifact directories
/// behind: each check's GATE_ARTIFACTS directory, its verifier's and the reports directory go when empty.
private func removeEmptyArtifacts(_ run: GateRun) {
    let base = run.options.reportsDirectory
    for check in run.suite.checks {
        let verifierDir = base + "/" + check.verifierID
        rmdir(verifierDir + "/" + check.id)
        rmdir(verifierDir)
    }
    rmdir(base)
}

/// gate's environment for checks, plus GATE_BIN: this executable, so suites can call gate itself.
func childEnvironment() -> [String: String] {
    var env = ProcessInfo.processInfo.environment
    if let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") { env["GATE_BIN"] = exe }
    return env
}
