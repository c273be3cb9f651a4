import ArgumentParser
import GateCore
import GateKit
import VerifierDeterminism

struct ReplayCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Record or verify the golden digests of a suite's determinism checks.",
        discussion: """
            Runs every 'determinism' check of SUITE that has a 'golden' lock (or those named by --only), with
            'record' set to true (record) or false (verify), plus the checks they need. Recording writes each
            lock only when the outputs were identical across the check's runs; commit the locks with the change.

            Examples:
              gate replay verify Suites/determinism.yaml
              gate replay record Suites/launch.yaml --only determinism
            """)

    enum Mode: String, ExpressibleByArgument, CaseIterable {
        case record, verify
    }

    @Argument(help: ArgumentHelp("record or verify.", valueName: "mode"))
    var mode: Mode

    @Argument(help: ArgumentHelp("The suite file (YAML); default: --suite, else gate.yaml, else the one Suites/*.yaml.",
                                 valueName: "suite"))
    var suite: String?

    @Option(name: .customLong("suite"), help: ArgumentHelp("The suite file, as an alternative to the argument.", valueName: "file"))
    var suiteOption: String?

    @Option(name: .long, parsing: .singleValue,
            help: ArgumentHelp("Only these determinism checks (comma-separated or repeated).", valueName: "ids"))
    var only: [String] = []

    @Option(name: .long, help: ArgumentHelp("Directory the checks work on (overrides the suite's 'root').", valueName: "dir"))
    var root: String?

    @OptionGroup var reportOptions: ReportOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let cwd = PathUtil.currentDirectory
        let loaded = try SuiteLoader(registry: BuiltinVerifiers.registry, rootOverride: root, workingDirectory: cwd).load(
            SuiteDiscovery.locate(suite ?? suiteOption, workingDirectory: cwd, command: "replay"))
        let (replay, ids) = try DeterminismReplay.prepare(loaded, record: mode == .record, only: splitIDs(only))
        let reportsDir = reportOptions.reports ?? "Reports/\(replay.name)"
        let reportSet = try GateRun.reportSet(directory: reportsDir, directoryGiven: reportOptions.reports != nil,
                                              suiteReports: replay.reports, suiteLocations: replay.reportLocations,
                                              explicit: reportOptions.explicit, workingDirectory: cwd)
        let options = RunOptions(jobs: replay.jobs, only: ids, reportsDirectory: PathUtil.resolve(reportsDir, against: cwd),
                                 environment: childEnvironment())
        let gateRun = try GateRun(suite: replay, options: options, reports: reportSet)
        await RunDriver.execute(gateRun, output: output)
    }
}
