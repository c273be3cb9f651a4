import Foundation
import GateCore

/// Inline SVG charts for the HTML report: run durations as bars, the share of checks passing as a line,
/// and a per-check sparkline. Each mark carries a `<title>`, which browsers show on hover without script.
/// Coordinates are rounded to one decimal so that output is stable.
enum HTMLCharts {
    static let width = 640.0, height = 180.0
    static let left = 48.0, right = 12.0, top = 14.0, bottom = 28.0

    /// Bars of run duration, coloured by run status.
    static func durations(_ runs: [TrendRun]) -> String {
        let maxMs = max(1, runs.map(\.durationMs).max() ?? 1)
        let scale = niceCeiling(maxMs)
        let plotW = width - left - right, plotH = height - top - bottom
        let slot = plotW / Double(runs.count)
        let barW = max(2, min(28, slot * 0.7))
        var s = svgOpen(label: "Duration of the last \(runs.count) runs")
        s += axis(labels: [(0, "0"), (1, DurationParsing.format(.milliseconds(scale)))], plotH: plotH)
        for (i, run) in runs.enumerated() {
            let h = Double(run.durationMs) / Double(scale) * plotH
            let x = left + slot * Double(i) + (slot - barW) / 2
            let y = top + plotH - h
            s += "<rect class=\"mark run-\(run.status.rawValue)\" x=\"\(n(x))\" y=\"\(n(y))\" width=\"\(n(barW))\" "
            s += "height=\"\(n(max(1, h)))\" rx=\"2\"><title>\(tooltip(run)): "
            s += "\(DurationParsing.format(.milliseconds(run.durationMs)))</title></rect>\n"
        }
        s += xLabels(runs, plotH: plotH)
        return s + "</svg>\n"
    }

    /// The share of checks that passed (or were waived) in each run, as a line with status-coloured points.
    static func passRates(_ runs: [TrendRun]) -> String {
        let plotW = width - left - right, plotH = height - top - bottom
        let slot = plotW / Double(runs.count)
        var s = svgOpen(label: "Share of checks passing in the last \(runs.count) runs")
        s += axis(labels: [(0, "0%"), (0.5, "50%"), (1, "100%")], plotH: plotH)
        var points: [(Double, Double, TrendRun, Double)] = []
        for (i, run) in runs.enumerated() {
            guard let rate = run.passRate else { continue }
            points.append((left + slot * (Double(i) + 0.5), top + plotH * (1 - rate), run, rate))
        }
        if points.count > 1 {
            s += "<polyline class=\"line\" points=\"" + points.map { "\(n($0.0)),\(n($0.1))" }.joined(separator: " ") + "\"/>\n"
        }
        for (x, y, run, rate) in points {
            s += "<circle class=\"mark run-\(run.status.rawValue)\" cx=\"\(n(x))\" cy=\"\(n(y))\" r=\"4\">"
            s += "<title>\(tooltip(run)): \(Int((rate * 100).rounded()))% of checks passing</title></circle>\n"
        }
        s += xLabels(runs, plotH: plotH)
        return s + "</svg>\n"
    }

    /// The last 20 runs of a trend with their time labels, worked out once for every check's sparkline.
    struct RecentRuns {
        let runs: [(run: TrendRun, label: String)]
        init(_ trend: [TrendRun]) { runs = trend.suffix(20).map { ($0, DateText.minute(of: $0.startedAt)) } }
    }

    /// x of the bar in each of the 20 slots (5 units wide, half a unit in).
    private static let slotX: [String] = (0..<20).map { n(Double($0) * 5 + 0.5) }

    /// A tiny bar chart of one check's recent durations, coloured by status (skips are short and grey).
    /// Written straight into the page's bytes: a suite of hundreds of checks draws thousands of bars, and
    /// the report is written after the last check, on the run's critical path.
    static func sparkline(into s: inout MarkupBuffer, checkID: String, recent runs: RecentRuns) {
        let recent = runs.runs.compactMap { run, label in run.checks[checkID].map { (label, $0) } }
        guard !recent.isEmpty else { s.raw("<span class=\"muted\">–</span>"); return }
        let h = 20.0
        let maxMs = max(1, recent.map(\.1.durationMs).max() ?? 1)
        s.raw("<svg class=\"spark\" viewBox=\"0 0 100 20\" width=\"100\" height=\"20\" role=\"img\" aria-label=\"")
        s.int(recent.count)
        s.raw(" recent runs of ")
        s.attr(checkID)
        s.raw("\">")
        let first = 20 - recent.count
        for (i, (label, c)) in recent.enumerated() {
            let bh = c.status == .skipped ? 2 : max(3, Double(c.durationMs) / Double(maxMs) * (h - 2))
            let status = c.status.rawValue
            s.raw("<rect class=\"s-")
            s.raw(status)
            s.raw("\" x=\"")
            s.raw(slotX[first + i])
            s.raw("\" y=\"")
            n(h - bh, into: &s)
            s.raw("\" width=\"4\" height=\"")
            n(bh, into: &s)
            s.raw("\"><title>")
            s.raw(label)
            s.raw(": ")
            s.raw(status)
            s.raw(", ")
            s.milliseconds(c.durationMs)
            s.raw("</title></rect>")
        }
        s.raw("</svg>")
    }

    private static func svgOpen(label: String) -> String {
        "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(label)\" "
            + "preserveAspectRatio=\"xMidYMid meet\">\n"
    }

    /// Horizontal grid lines with their labels; `fraction` 0 is the bottom.
    private static func axis(labels: [(Double, String)], plotH: Double) -> String {
        var s = ""
        for (fraction, text) in labels {
            let y = top + plotH * (1 - fraction)
            s += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"\(n(y))\" x2=\"\(n(width - right))\" y2=\"\(n(y))\"/>"
            s += "<text class=\"axis\" x=\"\(n(left - 6))\" y=\"\(n(y + 4))\" text-anchor=\"end\">\(XMLText.escape(text))</text>\n"
        }
        return s
    }

    private static func xLabels(_ runs: [TrendRun], plotH: Double) -> String {
        guard let first = runs.first, let last = runs.last else { return "" }
        let y = top + plotH + 18
        // Days alone when the runs span several days; the time too when they fall on one day.
        let sameDay = DateText.day(of: first.startedAt) == DateText.day(of: last.startedAt)
        let label = { (d: Date) in sameDay ? DateText.minute(of: d) : DateText.day(of: d) }
        var s = "<text class=\"axis\" x=\"\(n(left))\" y=\"\(n(y))\">\(label(first.startedAt))</text>"
        if runs.count > 1 {
            s += "<text class=\"axis\" x=\"\(n(width - right))\" y=\"\(n(y))\" text-anchor=\"end\">"
            s += "\(label(last.startedAt))</text>"
        }
        return s + "\n"
    }

    private static func tooltip(_ run: TrendRun) -> String {
        var t = "\(DateText.minute(of: run.startedAt)) · \(run.status.rawValue)"
        if let c = run.commit { t += " · \(c.prefix(8))" }
        return t
    }

    /// A round axis maximum at or above `ms`: 1, 2 or 5 times a power of ten.
    static func niceCeiling(_ ms: Int) -> Int {
        var base = 1
        while true {
            for m in [1, 2, 5] where base * m >= ms { return base * m }
            base *= 10
        }
    }

    /// `x` to one decimal, without a trailing ".0". Integer arithmetic: formatting a Double is the
    /// slowest step of drawing thousands of sparkline bars.
    static func n(_ x: Double) -> String {
        let t = Int((x * 10).rounded())
        let whole = String(abs(t) / 10)
        let sign = t < 0 ? "-" : ""
        return t % 10 == 0 ? sign + whole : sign + whole + "." + String(abs(t) % 10)
    }

    /// `n(x)` appended to a page without building a String.
    static func n(_ x: Double, into out: inout MarkupBuffer) {
        let t = Int((x * 10).rounded())
        if t < 0 { out.raw("-") }
        out.int(abs(t) / 10)
        if t % 10 != 0 {
            out.raw(".")
            out.int(abs(t) % 10)
        }
    }
}
