import ArgumentParser
import Foundation
import GateCore
import GateKit
import GateStore

struct HistoryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history",
        abstract: "Show recorded runs: pass rates, p50/p95 durations, the slowest and the flaky checks.",
        discussion: """
            Every 'gate run' is recorded in .gate/history.sqlite under the suite's root (the newest 500 runs per
            suite are kept; set 'history: {retention: N}' in the suite to change that). A check is flaky when its
            status flips between runs of the same commit.

            Without SUITE, the suite is found as 'gate run' finds it (--suite, gate.yaml, the one Suites/*.yaml);
            when there is none, the history in ./.gate (or --state-dir) is shown for every suite recorded there.
            A flip explained by a change (a waiver, the check's configuration, its inputs, or uncommitted files)
            is listed apart from the flaky checks, with its cause. Partial runs (--only, --tag, --skip) are left
            out of pass rates.

            Examples:
              gate history Suites/launch.yaml
              gate history Suites/launch.yaml --check smoke --last 20
            """)

    @Argument(help: ArgumentHelp("The suite file (YAML); its root holds the history.", valueName: "suite"))
    var suite: String?

    @Option(name: .customLong("suite"), help: ArgumentHelp("The suite file, as an alternative to the argument.", valueName: "file"))
    var suiteOption: String?

    @Option(name: .long, help: ArgumentHelp("Show one check, run by run.", valueName: "id"))
    var check: String?

    @Option(name: .long, help: ArgumentHelp("Consider only the newest N runs (default 100).", valueName: "n"))
    var last: String = "100"

    /// `--last` as a count of runs.
    static let lastRange = 1...1_000_000

    @Option(name: .long, help: ArgumentHelp("The suite's root (overrides its 'root').", valueName: "dir"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp("gate's state directory (default: .gate under the suite's root).", valueName: "dir"))
    var stateDir: String?

    func validate() throws {
        _ = try countOption(last, name: "--last", range: Self.lastRange)
    }

    func run() throws {
        let cwd = PathUtil.currentDirectory
        var state = PathUtil.resolve(stateDir ?? ".gate", against: cwd)
        var names: [String]?
        let suite = (self.suite ?? suiteOption) ?? (stateDir == nil ? try? SuiteDiscovery.locate(nil, workingDirectory: cwd) : nil)
        if let suite {
            let s = try SuiteLoader(registry: BuiltinVerifiers.registry, rootOverride: root, workingDirectory: cwd).load(suite)
            state = SuiteDiscovery.stateDirectory(for: s, override: stateDir, workingDirectory: cwd)
            names = [s.name]
        }
        let store: HistoryStore?
        do {
            store = try HistoryStore.openExisting(stateDirectory: state)
        } catch {
            throw ConfigError.usage(error.message)
        }
        guard let store else {
            let file = PathUtil.display(state + "/" + HistoryStore.fileName)
            if suite == nil {
                throw ConfigError.usage("no history in '\(file)'; name a suite (gate history Suites/launch.yaml) to read "
                                        + "the history under its root")
            }
            Terminal.write("no runs recorded yet in \(VisibleText.line(file)); 'gate run' records each run\n")
            return
        }
        var out = ""
        let last = try countOption(last, name: "--last", range: Self.lastRange)
        for name in try names ?? store.suites() {
            let runs = try store.runs(suite: name, last: last)
            if let check, !runs.contains(where: { $0.checks.contains { $0.checkID == check } }) {
                let ids = Array(Set(runs.flatMap { $0.checks.map(\.checkID) })).sorted()
                var m = "no recorded runs of check '\(check)' in suite '\(name)'"
                if let s = DidYouMean.suggest(check, among: ids) { m += "; did you mean '\(s)'?" }
                throw ConfigError.usage(m)
            }
            let stats = HistoryStats.compute(suite: name, runs: runs, check: check)
            out += (out.isEmpty ? "" : "\n") + HistoryText.render(stats, runs: runs, check: check)
        }
        Terminal.write(out.isEmpty ? "no runs recorded yet\n" : VisibleText.lines(out))
    }
}
