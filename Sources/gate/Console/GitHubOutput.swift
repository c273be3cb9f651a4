import Foundation
import GateCore
import GateReports

/// What a run adds under GitHub Actions: workflow-command annotations for the top findings (when
/// GITHUB_ACTIONS=true) and the Markdown summary appended to $GITHUB_STEP_SUMMARY (when set).
enum GitHubOutput {
    static func emit(_ report: RunReport, reports: ReportSet, environment: [String: String] = ProcessInfo.processInfo.environment) {
        var hint = "the job summary"
        if let md = reports.targets[.markdown] { hint += " or \(PathUtil.display(md))" }
        if environment["GITHUB_ACTIONS"] == "true" {
            Terminal.writeWorkflowCommands(GitHubAnnotations.lines(for: report, summaryHint: hint))
        }
        Terminal.resumeWorkflowCommands()
        if let path = environment["GITHUB_STEP_SUMMARY"], !path.isEmpty {
            do {
                try GitHubStepSummary.append(report, to: path)
            } catch {
                Terminal.writeError(VisibleText.line("warning: could not append the summary to $GITHUB_STEP_SUMMARY "
                                                     + "('\(path)'): \(error)") + "\n")
            }
        }
    }
}
