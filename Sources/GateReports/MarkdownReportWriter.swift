import Foundation
import GateCore

/// A Markdown summary for humans (pull-request comments, CI step summaries): a status table and the
/// top findings of each check. Deterministic apart from durations.
public struct MarkdownReportWriter: ReportWriter {
    public static let format = ReportFormat.markdown

    /// Findings shown per check before "and N more".
    public var findingsPerCheck = 20
    /// Bytes of a finding's message shown (the whole message is in report.json).
    public var maxMessageBytes = 1024

    public init() {}

    public func render(_ report: RunReport) throws -> Data {
        var md = "# gate: \(report.suite) \(Self.icon(report.status)) \(report.status.rawValue)\n\n"
        let counts = report.statusCounts
        let parts = CheckStatus.allCases.compactMap { s in counts[s].map { "\($0) \(s.rawValue)" } }
        if let p = report.partial {
            md += "> **Partial run** (\(Self.cell(p))): only the selected checks ran; the others are listed as skipped, "
                + "and the history leaves this run out of pass rates.\n\n"
        }
        md += "\(report.checks.count) \(report.checks.count == 1 ? "check" : "checks"): \(parts.joined(separator: ", ")). "
        let cached = report.checks.filter { $0.cached == true }.count
        if cached > 0 { md += "\(cached) reused from the result cache. " }
        if let s = report.shard { md += "Shard \(s.index) of \(s.count). " }
        md += "Exit code \(report.exitCode). gate \(report.gateVersion)"
        if report.interrupted { md += ". **The run was interrupted**; unfinished checks are marked" }
        md += ".\n\n"
        md += "| | Check | Status | Duration | Findings | Summary |\n|---|---|---|---:|---:|---|\n"
        for c in report.checks {
            let n = c.findingCounts.values.reduce(0, +)
            let req = c.required ? "" : " (advisory)"
            let pending = Checklist.isPending(c)
            let icon = pending ? "⏳" : Self.icon(c.status, required: c.required)
            let cached = c.cached == true ? " (cached)" : ""
            md += "| \(icon) | `\(c.id)` | \(pending ? "pending" : c.status.rawValue)\(req)\(cached) | "
            md += "\(DurationParsing.format(.milliseconds(c.durationMs))) | \(n) | \(Self.cell(c.summary)) |\n"
        }
        if report.checks.contains(where: Checklist.isManual) {
            let list = Checklist.from(report)
            md += "\n## Launch checklist\n\n\(list.doneCount) of \(list.items.count) items done.\n\n"
            md += ChecklistMarkdown.lines(list)
        }
        let withFindings = report.checks.filter { c in
            !c.findings.isEmpty || c.droppedCount > 0 || c.status == .error || c.status == .timedOut
        }
        if !withFindings.isEmpty { md += "\n## Findings\n" }
        for c in withFindings {
            md += "\n### `\(c.id)`: \(Checklist.isPending(c) ? "pending" : c.status.rawValue)\n\n"
            if let reason = c.reason, c.status != .passed { md += "> \(Self.cell(reason))\n" + (c.findings.isEmpty ? "" : "\n") }
            let sorted = c.findings.sorted { a, b in
                a.severity != b.severity ? a.severity > b.severity : Finding.reportOrder(a, b)
            }
            for f in sorted.prefix(findingsPerCheck) {
                var whereText = ""
                if let p = f.path { whereText = " `\(Self.code(p))\(f.line.map { ":\($0)" } ?? "")`" }
                let waived = f.waived ? " *(waived)*" : ""
                let message = FieldCap.cap(f.message, limit: maxMessageBytes)
                md += "- **\(f.severity.rawValue)** `\(Self.code(f.rule))`\(whereText): \(Self.cell(message))\(waived)\n"
            }
            if sorted.count > findingsPerCheck {
                md += "- … and \(sorted.count - findingsPerCheck) more (see the JSON or SARIF report)\n"
            }
            if c.droppedCount > 0 {
                md += "- … and \(c.droppedCount) more that gate did not keep (counted in `droppedFindings` in the JSON report)\n"
            }
        }
        return Data(md.utf8)
    }

    static func icon(_ s: RunStatus) -> String {
        switch s {
        case .passed: "✅"
        case .failed: "❌"
        case .error: "💥"
        case .interrupted: "⏹️"
        }
    }

    static func icon(_ s: CheckStatus, required: Bool) -> String {
        switch s {
        case .passed: "✅"
        case .failed: required ? "❌" : "⚠️"
        case .error: "💥"
        case .timedOut: "⏱️"
        case .skipped: "⏭️"
        case .waived: "🟡"
        }
    }

    /// Keeps a table cell on one line and stops it from breaking the table.
    /// Text from checks, made inert for a table cell or a list item: `|` would end the cell, a newline the
    /// row, and `<` would start raw HTML (a finding about `<script>` or `</details>` must not change the page).
    /// Control characters (an escape sequence from a check's output) are shown as `\x1b` and the like: the
    /// step summary and the Markdown report must not carry them raw.
    static func cell(_ s: String) -> String {
        // One pass, and none for the usual cell with nothing to escape (this runs for every check).
        // `>` is left alone: it quotes only at the start of a line, and a cell never starts one (an arrow
        // such as `a -> b` stays readable in the raw file).
        guard s.utf8.contains(where: { $0 == 0x26 || $0 == 0x3C || $0 == 0x7C || $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xD8 || $0 == 0xE2 }) else { return s }
        var out = ""
        out.reserveCapacity(s.utf8.count + 16)
        for ch in VisibleText.line(s, keeping: ["\n"]).unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case "|": out += "\\|"
            case "\n": out += " "
            default: out.unicodeScalars.append(ch)
            }
        }
        return out
    }

    /// A path or rule id inside a code span: control characters shown, a backtick (which would end the
    /// span) replaced by a look-alike quote.
    static func code(_ s: String) -> String {
        VisibleText.line(s).replacingOccurrences(of: "`", with: "'")
    }
}
