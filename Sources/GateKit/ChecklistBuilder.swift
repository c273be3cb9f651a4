import Foundation
import GateCore
import GateReports

/// `gate checklist`: the launch checklist now. Automated items come from the last run's JSON report;
/// manual items from their sign-offs, judged now against the clock and git.
public enum ChecklistBuilder {
    /// Reads the last report in `reportsDirectory` (ignored when it belongs to another suite) and builds
    /// the checklist. `reportLink` is how lines name the report.
    public static func build(suite: Suite, reportsDirectory: String, stateDirectory: String,
                             now: Date = Date()) async throws(ConfigError) -> Checklist {
        let json = reportsDirectory + "/" + ReportFormat.json.defaultFileName
        let html = reportsDirectory + "/" + ReportFormat.html.defaultFileName
        var last: RunReport?
        if let data = FileManager.default.contents(atPath: json),
            let report = try? JSONReportWriter.decoder.decode(RunReport.self, from: data), report.suite == suite.name {
            last = report
        }
        let link = PathUtil.display(FileManager.default.fileExists(atPath: html) ? html : json)
        return try await build(suite: suite, lastRun: last, reportLink: last == nil ? nil : link,
                               stateDirectory: stateDirectory, now: now)
    }

    /// Builds the checklist from a given last run (nil when there is none).
    public static func build(suite: Suite, lastRun: RunReport?, reportLink: String?, stateDirectory: String,
                             now: Date) async throws(ConfigError) -> Checklist {
        let log = try AttestationFile.load(path: stateDirectory + "/" + AttestationFile.fileName)
        var items: [Checklist.Item] = []
        for check in suite.checks {
            if let item = check.manual {
                let status = await ManualItemVerifier.status(of: item, id: check.id, log: log, root: check.root,
                                                             stateDirectory: stateDirectory, now: now)
                let outcome = ManualItemVerifier.outcome(item, id: check.id, status: status)
                let result = CheckResult(id: check.id, verifier: ManualItemVerifier.descriptor.id,
                                         description: check.description, status: outcome.status ?? .failed,
                                         required: check.required, summary: outcome.summary, stats: outcome.stats,
                                         findings: outcome.findings)
                items.append(Checklist.item(for: result, ranAt: now, reportPath: nil))
            } else if let result = lastRun?.checks.first(where: { $0.id == check.id }) {
                items.append(Checklist.item(for: result, ranAt: lastRun!.startedAt, reportPath: reportLink))
            } else {
                items.append(Checklist.notRun(id: check.id, title: check.description, required: check.required))
            }
        }
        let commit = await GitState.probe(suite.root).head
        return Checklist(suite: suite.name, asOf: now, commit: commit, items: items)
    }
}
