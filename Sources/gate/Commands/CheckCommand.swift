import ArgumentParser
import Foundation
import GateCore
import GateKit

struct CheckCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Run one verifier ad hoc, exactly as a suite would.",
        discussion: """
            PATH sets the parameter 'root' (default: the current directory); relative paths in other parameters
            resolve against it. Each --set takes the same names as a suite's 'with:' block, and its value is
            YAML: a scalar, a flow list or a flow map. Dotted keys build nested maps.

            No report files are written unless asked for: --reports DIR writes every format there, --json,
            --junit, --sarif, --markdown and --html PATH one each. Files a check keeps (its GATE_ARTIFACTS
            directory) go under Reports/check-<verifier>/, which is removed again when it stays empty.

            Examples:
              gate check command --set run='make test'
              gate check command . --set 'run=[pytest, -q]' --set report.format=junit --set report.path=junit.xml
              gate explain command        (to see every parameter)
            """)

    @Argument(help: ArgumentHelp("The verifier id ('gate list' shows them).", valueName: "verifier"))
    var verifier: String

    @Argument(help: ArgumentHelp("The directory to check (the 'root' parameter).", valueName: "path"))
    var path: String?

    @Option(name: .customLong("set"), parsing: .singleValue,
            help: ArgumentHelp("A parameter, as key=value (repeatable).", valueName: "key=value"))
    var sets: [String] = []

    @Option(name: .long, help: ArgumentHelp("Stop the check after this long (e.g. 90s, 10m).", valueName: "duration"))
    var timeout: String?

    @OptionGroup var reportOptions: ReportOptions
    @OptionGroup var output: OutputOptions

    func run() async throws {
        let cwd = PathUtil.currentDirectory
        var limit: Duration?
        if let timeout {
            guard case .success(let d) = DurationParsing.check(timeout), d > .zero else {
                throw ConfigError.usage("--timeout '\(timeout)' must be \(DurationParsing.expectation(allowZero: false))")
            }
            limit = d
        }
        let suite = try AdHocSuite.make(registry: BuiltinVerifiers.registry, verifierID: verifier, root: path,
                                        sets: sets, timeout: limit, workingDirectory: cwd)
        let reportSet = try GateRun.reportSet(directory: reportOptions.reports, suiteReports: [:],
                                          explicit: reportOptions.explicit, workingDirectory: cwd)
        let artifacts = PathUtil.resolve(reportOptions.reports ?? "Reports/\(suite.name)", against: cwd)
        let options = RunOptions(jobs: 1, reportsDirectory: artifacts, environment: childEnvironment())
        let gateRun = try GateRun(suite: suite, options: options, reports: reportSet)
        await RunDriver.execute(gateRun, output: output)
    }
}

struct ListCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "list", abstract: "List the built-in verifiers with a one-line summary.")

    func run() throws {
        Terminal.write(VerifierDocs.list(BuiltinVerifiers.registry))
    }
}

struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Show a verifier's parameters (types, defaults, docs), rules and examples.")

    @Argument(help: ArgumentHelp("The verifier id.", valueName: "verifier"))
    var verifier: String

    func run() throws {
        let registry = BuiltinVerifiers.registry
        guard let type = registry.type(for: verifier) else {
            throw ConfigError.unknownVerifier(SourceLocation(file: "command line", line: 1, column: 1), id: verifier,
                                              known: registry.ids)
        }
        Terminal.write(VerifierDocs.explain(type.descriptor))
    }
}

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Parse and validate a suite (and its .gate/waivers.yaml and attestations) without running anything.",
        discussion: "Exit code 0 when the suite is valid; 2 with file:line:col and the key otherwise.")

    @Argument(help: ArgumentHelp("The suite file (YAML); default: --suite, else gate.yaml, else the one Suites/*.yaml.",
                                 valueName: "suite"))
    var suite: String?

    @Option(name: .customLong("suite"), help: ArgumentHelp("The suite file, as an alternative to the argument.", valueName: "file"))
    var suiteOption: String?

    @Option(name: .long, help: ArgumentHelp("Directory the checks would work on.", valueName: "dir"))
    var root: String?

    func run() throws {
        let loader = SuiteLoader(registry: BuiltinVerifiers.registry, rootOverride: root)
        let suite = try SuiteDiscovery.locate(self.suite ?? suiteOption, workingDirectory: PathUtil.currentDirectory,
                                              command: "validate")
        let s = try loader.load(suite)
        try GateRun.loadStateFiles(suite: s, stateDirectory: s.root + "/.gate")
        // Where the reports would go (paths only: validating creates no directory).
        _ = try GateRun.reportSet(directory: "Reports/\(s.name)", directoryGiven: false, suiteReports: s.reports,
                                  suiteLocations: s.reportLocations, explicit: [:], workingDirectory: PathUtil.currentDirectory)
        let verifiers = Set(s.checks.map(\.verifierID)).sorted().joined(separator: ", ")
        Terminal.write("ok: \(VisibleText.line(s.file ?? suite)): suite '\(s.name)', \(s.checks.count) checks (\(verifiers)), "
                       + "root \(VisibleText.line(PathUtil.display(s.root)))\n")
    }
}
