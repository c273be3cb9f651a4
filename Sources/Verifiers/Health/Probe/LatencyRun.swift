import GateCore
import GateHTTP

/// Samples a probe `samples` times over kept-alive connections and judges the statistics against the
/// bands. Stats are milliseconds: p50/p90/p95/p99/max/avg of the judged phase, the same of each phase
/// (`phases`), the bands themselves (`thresholds`, which the HTML report draws), and the failures.
enum LatencyRun {
    static func run(_ p: ProbeSpec, spec: LatencySpec, first: ProbeAnswer, values: [String: String],
                    session: ProbeSession, judge: inout ProbeJudge) async throws -> JSONValue {
        var answers = [first]
        if spec.samples > 1 { answers += await session.send(p, values: values, times: spec.samples - 1) }
        try session.context.checkCancellation()
        let ok = answers.filter(\.answered)
        let failed = answers.count - ok.count
        func ms(_ a: ProbeAnswer, _ phase: String) -> Double { Double(phase == "total" ? a.timings.total : a.timings.phase(phase)) / 1000 }
        let judged = Percentile.summary(ok.map { ms($0, spec.phase) })
        var stats: [String: JSONValue] = [
            "unit": "ms", "samples": .int(answers.count), "failed": .int(failed), "phase": .string(spec.phase),
        ]
        for (k, v) in judged { stats[k] = .double(round3(v)) }
        var phases: [String: JSONValue] = [:]
        for phase in HTTPTimings.phaseNames where !p.isCommand {
            let s = Percentile.summary(ok.map { ms($0, phase) })
            phases[phase] = .object(["p50": .double(round3(s["p50"] ?? 0)), "p95": .double(round3(s["p95"] ?? 0)),
                                     "max": .double(round3(s["max"] ?? 0))])
        }
        if !phases.isEmpty { stats["phases"] = .object(phases) }
        var thresholds: [String: JSONValue] = [:]
        for (stat, band) in spec.bands {
            var t: [String: JSONValue] = [:]
            if let d = band.degraded { t["degraded"] = .double(Double(d.milliseconds)) }
            if let c = band.critical { t["critical"] = .double(Double(c.milliseconds)) }
            thresholds[stat] = .object(t)
        }
        if !thresholds.isEmpty { stats["thresholds"] = .object(thresholds) }

        let name = p.name
        let what = spec.phase == "total" ? "latency" : "\(spec.phase) time"
        if failed > 0 && !spec.bands.isEmpty {
            let kinds = Set(answers.compactMap { $0.failure?.kind.rawValue }).sorted().joined(separator: ", ")
            judge.add("critical", "\(name): \(failed) of \(answers.count) samples got no answer (\(kinds)); a timeout counts as critical",
                      identity: "\(name)|latency|failed", evidence: ["failed": String(failed), "samples": String(answers.count)])
        }
        for (stat, band) in spec.bands {
            guard let value = judged[stat] else { continue }
            let shown = "\(format(value))"
            if let c = band.critical, value >= Double(c.milliseconds) {
                judge.add("critical", "\(name): \(stat) \(what) \(shown) is at or past critical (\(DurationParsing.format(c))) over \(ok.count) samples",
                          identity: "\(name)|latency|\(stat)", evidence: ["value": shown, "critical": DurationParsing.format(c)])
            } else if let d = band.degraded, value >= Double(d.milliseconds) {
                judge.add("degraded", .warning,
                          "\(name): \(stat) \(what) \(shown) is at or past degraded (\(DurationParsing.format(d))) over \(ok.count) samples",
                          identity: "\(name)|latency|\(stat)", evidence: ["value": shown, "degraded": DurationParsing.format(d)])
            }
        }
        return .object(stats)
    }

    static func round1(_ x: Double) -> Double { (x * 10).rounded() / 10 }

    /// Milliseconds to the microsecond: loopback requests take tens of microseconds.
    static func round3(_ x: Double) -> Double { (x * 1000).rounded() / 1000 }

    static func format(_ ms: Double) -> String {
        ms >= 1000 ? "\(round1(ms / 1000))s" : (ms >= 10 ? "\(round1(ms))ms" : "\(round3(ms))ms")
    }
}
