import ArgumentParser
import Foundation
import GateCore
import GateKit
import GateReports

struct MergeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "merge",
        abstract: "Combine the JSON reports of a suite's shards into one set of reports.",
        discussion: """
            Each 'gate run SUITE --shard K/N' job writes its own JSON report, which records the shard and the
            suite's whole check list. 'gate merge' checks that the reports are the N shards of one suite and
            commit, each given once, covering every check exactly once (a 'split: true' check once per shard),
            and names the shards or checks that are missing or overlap (exit 2). Otherwise it writes the
            combined reports and exits as the one unsharded run would have: 0, 1, 3 or 130. Under GitHub
            Actions it also prints the annotations and appends the summary to $GITHUB_STEP_SUMMARY, as 'gate
            run' does.

            Examples:
              gate merge shard-*/report.json --reports Reports/launch
              gate merge a.json b.json --junit junit.xml --sarif gate.sarif --markdown summary.md
            """)

    @Argument(help: ArgumentHelp("The shards' JSON reports (gate-report/1).", valueName: "report.json"))
    var inputs: [String]

    @OptionGroup var reportOptions: ReportOptions

    @Flag(name: .shortAndLong, help: "Print only the final summary.")
    var quiet = false

    func validate() throws {
        if inputs.isEmpty { throw ValidationError("give at least one JSON report to merge") }
        if reportOptions.reports == nil && reportOptions.explicit.isEmpty {
            throw ValidationError("say where the merged reports go: --reports DIR, or --json/--junit/--sarif/--markdown/--html")
        }
    }

    func run() throws {
        let cwd = PathUtil.currentDirectory
        let merged: RunReport
        do {
            let reports = try inputs.map { path throws(ShardMerge.MergeError) in
                try ShardMerge.read(PathUtil.resolve(path, against: cwd), display: path)
            }
            merged = try ShardMerge.merge(reports)
        } catch {
            Terminal.writeError(VisibleText.lines(error.description) + "\n")
            throw ExitCode(GateExit.usage)
        }
        let set = try GateRun.reportSet(directory: reportOptions.reports, suiteReports: [:],
                                    explicit: reportOptions.explicit, workingDirectory: cwd)
        try set.preflight()
        let failures = set.write(merged)
        for f in failures { Terminal.writeError("gate: \(VisibleText.line(f))\n") }
        let counts = merged.statusCounts
        let parts = CheckStatus.allCases.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }
        if !quiet {
            // Summaries come from the shard files: printed with workflow commands paused and escapes shown.
            Terminal.pauseWorkflowCommands()
            for c in merged.checks where c.status != .passed {
                Terminal.write("\(c.status.rawValue.uppercased().padding(toLength: 9, withPad: " ", startingAt: 0))\(VisibleText.line(c.id))  \(VisibleText.line(c.summary))\n")
            }
        }
        Terminal.write("merged \(inputs.count) reports: \(merged.checks.count) checks: \(parts.joined(separator: ", ")). "
                       + "Result: \(merged.status.rawValue) (exit \(merged.exitCode)).\n")
        for (format, path) in set.targets.sorted(by: { $0.key.rawValue < $1.key.rawValue }) where !quiet {
            Terminal.write("  \(format.rawValue): \(VisibleText.line(PathUtil.relative(path, to: cwd)))\n")
        }
        // Under GitHub Actions the merge job is where the whole gate is seen: annotations and the summary.
        GitHubOutput.emit(merged, reports: set)
        throw ExitCode(failures.isEmpty ? merged.exitCode : GateExit.internalError)
    }
}
