import ArgumentParser
import Foundation
import GateCore
import GateKit

/// The `gate` command: a thin shell over GateKit. Only this target prints.
@main
struct Gate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gate",
        abstract: "Runs verification checks in parallel and writes JSON, JUnit, SARIF, Markdown and HTML reports.",
        discussion: """
            A suite file (YAML) lists checks; each uses a verifier ('gate list' shows them) or runs a command.
            Checks run in parallel, respecting 'needs', and the exit code tells CI what happened:

              0    every required check passed or was waived
              1    a required check failed or timed out
              2    usage or configuration error (the message names file, line and key)
              3    internal error, or a required check could not run
              130  interrupted (reports are still written, marked interrupted)

            Examples:
              gate init                                      write a gate.yaml for this project
              gate run                                       run it (gate.yaml, else the one Suites/*.yaml)
              gate run Suites/launch.yaml                    run a suite, reports in Reports/launch/
              gate run Suites/pre-deploy.yaml --only secrets --fail-fast
              gate check command --set run='make lint'       one check, ad hoc
              gate explain command                           parameters, rules and examples
              gate validate Suites/launch.yaml               check a suite without running it
              gate attest rollback-ready --by alice --note 'rehearsed'   sign off a manual checklist item
              gate checklist Suites/launch.yaml              the launch checklist as Markdown
              gate history Suites/launch.yaml                pass rates, p50/p95, slowest and flaky checks
              gate run Suites/launch.yaml --shard 2/4        one of 4 CI shards; then: gate merge shard-*.json
              gate ledger checkpoint --set source=receipts.jsonl --set checkpoint=ledger.checkpoint
            """,
        version: GateVersion.current,
        subcommands: [InitCommand.self, RunCommand.self, CheckCommand.self, ListCommand.self, ExplainCommand.self,
                      ValidateCommand.self, ReplayCommand.self, CasCommand.self, AttestCommand.self,
                      ChecklistCommand.self, HistoryCommand.self, MergeCommand.self, LedgerCommand.self])

    /// Parses and runs, mapping every error to gate's exit codes (ArgumentParser's own default is 64).
    /// Help is laid out at least this wide, so that no example line of any command is split: ArgumentParser
    /// re-wraps text at the terminal's width (80 columns in a pipe), and a command cut in two cannot be
    /// copied. Prose in the help texts is wrapped in the source, narrower than this.
    static let helpWidth = 112

    static func main() async {
        PhaseTimer.mark("main")
        if VerboseVersion.isRequested(Array(CommandLine.arguments.dropFirst())) {
            Terminal.write(VerboseVersion.text + "\n")
            return
        }
        let env = ProcessInfo.processInfo.environment
        if env["COLUMNS"] == nil, CommandLine.arguments.contains(where: { $0 == "--help" || $0 == "-h" || $0 == "help" }) {
            setenv("COLUMNS", String(max(Terminal.width ?? 80, helpWidth)), 1)
        }
        do {
            var command = try parseAsRoot()
            PhaseTimer.mark("arguments parsed")
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
        } catch let code as ExitCode {
            Foundation.exit(code.rawValue)
        } catch let error as ConfigError {
            Terminal.writeError(VisibleText.lines(error.description) + "\n")
            Foundation.exit(GateExit.usage)
        } catch {
            let message = fullMessage(for: error)
            if exitCode(for: error) == .success {
                Terminal.write(VisibleText.lines(message) + "\n")
                Foundation.exit(0)
            }
            Terminal.writeError(VisibleText.lines(message) + "\n")
            Foundation.exit(GateExit.usage)
        }
    }
}
