import Foundation
import GateCore
import GateStore

/// The text `gate history` prints, built here so that tests can read it.
public enum HistoryText {
    public static func render(_ s: HistoryStats, runs: [HistoryRun], check: String? = nil) -> String {
        guard s.runs > 0, let first = s.first, let last = s.last else {
            if s.partialRuns > 0 {
                return "suite '\(s.suite)': no full runs recorded yet (\(s.partialRuns) partial "
                    + "\(s.partialRuns == 1 ? "run" : "runs") with --only, --tag or --skip)\n"
            }
            return "suite '\(s.suite)': no runs recorded yet\n"
        }
        var out = "suite '\(s.suite)': \(s.runs) full \(s.runs == 1 ? "run" : "runs"), "
        out += "\(DateText.minute(of: first)) to \(DateText.minute(of: last))"
        if s.partialRuns > 0 {
            out += " (and \(s.partialRuns) partial \(s.partialRuns == 1 ? "run" : "runs"), left out of the figures)"
        }
        out += "\n"
        out += "  runs passed  \(s.runsPassed) of \(s.runs) (\(percent(s.passRate)))\n"
        out += "  duration     p50 \(ms(s.p50Ms)), p95 \(ms(s.p95Ms))\n\n"

        let width = max(5, s.checks.map(\.id.count).max() ?? 5)
        out += "  " + pad("check", width) + "  " + left("runs", 4) + "  " + left("pass rate", 9) + "  " + left("p50", 7)
            + "  " + left("p95", 7) + "  last\n"
        for c in s.checks {
            out += "  " + pad(c.id, width) + "  " + left(String(c.runs), 4) + "  " + left(percent(c.passRate), 9)
                + "  " + left(ms(c.p50Ms), 7) + "  " + left(ms(c.p95Ms), 7) + "  " + (c.lastStatus?.rawValue ?? "-")
            if c.skipped > 0 { out += " (\(c.skipped) skipped)" }
            out += "\n"
        }
        if check == nil, !s.slowest.isEmpty {
            out += "\nslowest checks (p95):\n"
            for c in s.slowest { out += "  " + pad(c.id, width) + "  " + ms(c.p95Ms) + "\n" }
        }
        out += "\nflaky checks (status flipped between runs of the same commit):\n"
        if s.flaky.isEmpty {
            out += "  none\n"
        } else {
            for f in s.flaky {
                out += "  " + pad(f.checkID, width) + "  at \(f.commit.prefix(12)): "
                    + f.statuses.map(\.rawValue).joined(separator: " → ")
                    + " (\(f.flips) unexplained \(f.flips == 1 ? "flip" : "flips")"
                    + (f.explained.isEmpty ? "" : "; also " + f.explained.joined(separator: ", ")) + ")\n"
            }
        }
        if !s.changed.isEmpty {
            out += "\nchanged, not flaky (the flip has a cause):\n"
            for f in s.changed {
                out += "  " + pad(f.checkID, width) + "  at \(f.commit.prefix(12)): "
                    + f.statuses.map(\.rawValue).joined(separator: " → ") + " (" + f.explained.joined(separator: ", ") + ")\n"
            }
        }
        if let check {
            out += "\nruns of '\(check)':\n"
            for r in runs {
                guard let c = r.checks.first(where: { $0.checkID == check }) else { continue }
                out += "  \(DateText.minute(of: r.startedAt))  " + pad(c.status.rawValue, 9) + "  "
                    + left(ms(c.durationMs), 7) + "  " + (r.commit.map { String($0.prefix(12)) } ?? "-")
                if c.errors + c.warnings + c.notes > 0 {
                    out += "  \(c.errors) errors, \(c.warnings) warnings, \(c.notes) notes"
                }
                if c.waived > 0 { out += ", \(c.waived) waived" }
                out += "\n"
            }
        }
        return out
    }

    static func percent(_ x: Double?) -> String {
        guard let x else { return "-" }
        return "\(Int((x * 100).rounded()))%"
    }

    static func ms(_ v: Int?) -> String {
        guard let v else { return "-" }
        return DurationParsing.format(.milliseconds(v))
    }

    private static func pad(_ s: String, _ n: Int) -> String { s.padding(toLength: max(n, s.count), withPad: " ", startingAt: 0) }
    private static func left(_ s: String, _ n: Int) -> String { String(repeating: " ", count: max(0, n - s.count)) + s }
}
