import GateCore

/// Latency-style distributions found in any check's stats, drawn as inline SVG: one bar per statistic
/// (p50, p90, p95, p99, max), the thresholds as dashed lines, and the per-phase breakdown as one stacked
/// bar. Any verifier opts in by the shape of its stats, not by name: an object with numeric `p50` and
/// `max` (and optionally `p90`, `p95`, `p99`, `unit`, `thresholds: {stat: {degraded, critical}}` and
/// `phases: {name: {p50}}`) is a distribution. Colours come from the page's own classes and variables.
enum HTMLDistributions {
    struct Found {
        var check: String
        var label: String
        var stats: [String: JSONValue]
    }

    static let order = ["p50", "p90", "p95", "p99", "max"]

    /// Every distribution in the report, in check order, then by key path.
    static func find(_ report: RunReport) -> [Found] {
        var out: [Found] = []
        for c in report.checks {
            for key in c.stats.keys.sorted() { walk(c.stats[key]!, path: [key], check: c.id, depth: 0, into: &out) }
        }
        return out
    }

    private static func walk(_ v: JSONValue, path: [String], check: String, depth: Int, into out: inout [Found]) {
        guard case .object(let o) = v, depth < 5 else { return }
        if number(o["p50"]) != nil, number(o["max"]) != nil {
            out.append(Found(check: check, label: path.joined(separator: " › "), stats: o))
            return
        }
        for key in o.keys.sorted() { walk(o[key]!, path: path + [key], check: check, depth: depth + 1, into: &out) }
    }

    /// A value for a label: one decimal from 10 up, else up to three (loopback latencies are microseconds).
    static func label(_ x: Double) -> String {
        if x >= 10 || x == x.rounded() { return HTMLCharts.n(x) }
        var t = String(Int((x * 1000).rounded()))
        while t.count < 4 { t = "0" + t }
        var out = String(t.dropLast(3)) + "." + String(t.suffix(3))
        while out.hasSuffix("0") { out.removeLast() }
        return out
    }

    static func number(_ v: JSONValue?) -> Double? {
        switch v {
        case .int(let i)?: Double(i)
        case .double(let d)?: d.isFinite ? d : nil
        default: nil
        }
    }

    /// The section, or "" when no check has a distribution.
    static func section(_ report: RunReport) -> String {
        let found = find(report)
        guard !found.isEmpty else { return "" }
        var h = "<section id=\"measurements\">\n<h2>Measurements <span class=\"count\">\(found.count)</span></h2>\n"
        h += "<div class=\"charts\">\n"
        for f in found.prefix(200) {
            h += "<figure class=\"dist\"><figcaption>\(HTML.text(f.check)) · \(HTML.text(f.label))</figcaption>\n"
            h += chart(f) + "</figure>\n"
        }
        return h + "</div>\n</section>\n"
    }

    static func chart(_ f: Found) -> String {
        let unit: String = if case .string(let u)? = f.stats["unit"] { u } else { "" }
        let rows = order.compactMap { stat in number(f.stats[stat]).map { (stat, $0) } }
        var lines: [(label: String, value: Double, critical: Bool)] = []
        if case .object(let t)? = f.stats["thresholds"] {
            for stat in t.keys.sorted() {
                guard case .object(let band)? = t[stat] else { continue }
                if let d = number(band["degraded"]) { lines.append(("\(stat) degraded", d, false)) }
                if let c = number(band["critical"]) { lines.append(("\(stat) critical", c, true)) }
            }
        }
        var phases: [(String, Double)] = []
        if case .object(let p)? = f.stats["phases"] {
            for name in ["dns", "connect", "tls", "firstByte", "transfer"] {
                if case .object(let s)? = p[name], let v = number(s["p50"]), v > 0 { phases.append((name, v)) }
            }
        }
        let top = max(rows.map(\.1).max() ?? 1, lines.map(\.value).max() ?? 0, phases.map(\.1).reduce(0, +))
        // A round axis maximum (1, 2 or 5 times a power of ten), in thousandths below 1 so that
        // microsecond latencies still fill the chart.
        let scale = top >= 1 ? Double(HTMLCharts.niceCeiling(Int(top.rounded(.up))))
            : Double(HTMLCharts.niceCeiling(max(1, Int((top * 1000).rounded(.up))))) / 1000
        let left = 84.0, right = 70.0, rowH = 22.0, width = HTMLCharts.width
        let plotW = width - left - right
        let height = 28 + rowH * Double(rows.count + (phases.isEmpty ? 0 : 1)) + 18
        func n(_ v: Double) -> String { HTMLCharts.n(v) }
        func x(_ v: Double) -> Double { left + plotW * min(1, v / scale) }
        var s = "<svg class=\"chart\" viewBox=\"0 0 \(n(width)) \(n(height))\" role=\"img\" aria-label=\"\(HTML.attr(f.label))\">\n"
        s += "<line class=\"grid\" x1=\"\(n(left))\" y1=\"14\" x2=\"\(n(left))\" y2=\"\(n(height - 18))\"/>"
        s += "<text class=\"axis\" x=\"\(n(left))\" y=\"\(n(height - 4))\">0</text>"
        s += "<text class=\"axis\" x=\"\(n(left + plotW))\" y=\"\(n(height - 4))\" text-anchor=\"end\">\(label(scale))\(HTML.text(unit))</text>\n"
        for (i, (stat, value)) in rows.enumerated() {
            let y = 16 + rowH * Double(i)
            let hit = lines.filter { $0.label.hasPrefix(stat + " ") && value >= $0.value }
            let cls = hit.contains { $0.critical } ? "run-failed" : (hit.isEmpty ? "run-passed" : "run-interrupted")
            s += "<text class=\"axis\" x=\"\(n(left - 6))\" y=\"\(n(y + 13))\" text-anchor=\"end\">\(stat)</text>"
            s += "<rect class=\"mark \(cls)\" x=\"\(n(left))\" y=\"\(n(y + 3))\" width=\"\(n(max(1, x(value) - left)))\" height=\"14\" rx=\"2\">"
            s += "<title>\(stat): \(label(value))\(HTML.text(unit))</title></rect>"
            s += "<text class=\"axis\" x=\"\(n(x(value) + 4))\" y=\"\(n(y + 13))\">\(label(value))\(HTML.text(unit))</text>\n"
        }
        if !phases.isEmpty {
            let y = 16 + rowH * Double(rows.count)
            s += "<text class=\"axis\" x=\"\(n(left - 6))\" y=\"\(n(y + 13))\" text-anchor=\"end\">phases p50</text>"
            var at = left
            for (i, (name, v)) in phases.enumerated() {
                let w = max(1, plotW * v / scale)
                s += "<rect class=\"mark\" style=\"fill:var(--pending);opacity:\(n(1 - Double(i) * 0.17))\" x=\"\(n(at))\" "
                s += "y=\"\(n(y + 3))\" width=\"\(n(w))\" height=\"14\"><title>\(name): \(label(v))\(HTML.text(unit))</title></rect>"
                at += w
            }
            s += "\n"
        }
        for l in lines {
            let lx = x(l.value)
            let color = l.critical ? "var(--failed)" : "var(--advisory)"
            s += "<line x1=\"\(n(lx))\" y1=\"12\" x2=\"\(n(lx))\" y2=\"\(n(height - 18))\" style=\"stroke:\(color);stroke-dasharray:4 3\">"
            s += "<title>\(HTML.text(l.label)): \(label(l.value))\(HTML.text(unit))</title></line>\n"
        }
        return s + "</svg>\n"
    }
}
