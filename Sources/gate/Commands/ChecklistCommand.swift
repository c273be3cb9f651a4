import ArgumentParser
import Foundation
import GateCore
import GateKit
import GateReports

struct ChecklistCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checklist",
        abstract: "Print the launch checklist as Markdown: automated checks from the last run, sign-offs as of now.",
        discussion: """
            Automated items come from the last run's report (Reports/<suite>/report.json unless --reports says
            otherwise); manual items from .gate/attestations.yaml, judged now.

            Examples:
              gate checklist Suites/launch.yaml
              gate checklist Suites/launch.yaml --output Reports/launch/checklist.md
            """)

    @Argument(help: ArgumentHelp("The suite file (YAML); default: --suite, else gate.yaml, else the one Suites/*.yaml.",
                                 valueName: "suite"))
    var suite: String?

    @Option(name: .customLong("suite"), help: ArgumentHelp("The suite file, as an alternative to the argument.", valueName: "file"))
    var suiteOption: String?

    @Option(name: .shortAndLong, help: ArgumentHelp("Write the Markdown here instead of printing it.", valueName: "path"))
    var output: String?

    @Option(name: .long, help: ArgumentHelp("Where the last run's reports are (default: Reports/<suite>).", valueName: "dir"))
    var reports: String?

    @Option(name: .long, help: ArgumentHelp("The suite's root (overrides its 'root').", valueName: "dir"))
    var root: String?

    @Option(name: .long, help: ArgumentHelp("gate's state directory (default: .gate under the suite's root).", valueName: "dir"))
    var stateDir: String?

    func run() async throws {
        let cwd = PathUtil.currentDirectory
        let s = try SuiteLoader(registry: BuiltinVerifiers.registry, rootOverride: root, workingDirectory: cwd)
            .load(SuiteDiscovery.locate(suite ?? suiteOption, workingDirectory: cwd, command: "checklist"))
        let dir = PathUtil.resolve(reports ?? "Reports/\(s.name)", against: cwd)
        let state = SuiteDiscovery.stateDirectory(for: s, override: stateDir, workingDirectory: cwd)
        let list = try await ChecklistBuilder.build(suite: s, reportsDirectory: dir, stateDirectory: state)
        let text = ChecklistMarkdown.document(list)
        if let output {
            let path = PathUtil.resolve(output, against: cwd)
            do {
                try AtomicFile.write(text, to: path)
            } catch {
                throw ConfigError.usage("cannot write the checklist to '\(output)': \(error.reason)")
            }
            Terminal.write("wrote \(VisibleText.line(PathUtil.display(path))): \(list.doneCount) of \(list.items.count) items done\n")
        } else {
            Terminal.write(VisibleText.lines(text))
        }
    }
}
