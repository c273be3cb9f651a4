import GateCore
import GateHTTP

/// k6-style latency thresholds: `latency: {samples: 20, p95: {degraded: 100ms, critical: 500ms}}`.
/// A statistic past `degraded` is a warning, past `critical` an error; a bare duration (`p99: 1s`) is a
/// critical threshold alone. A sample that gets no answer (a timeout) counts as critical.
struct LatencySpec: Sendable, Hashable {
    struct Band: Sendable, Hashable {
        var degraded: Duration?
        var critical: Duration?
    }

    static let statistics = ["p50", "p90", "p95", "p99", "max", "avg"]

    var samples: Int
    /// The phase judged: "total" (default), or one of HTTPTimings.phaseNames.
    var phase: String
    /// Statistic name to its band, in `statistics` order.
    var bands: [(stat: String, band: Band)]

    static func == (a: LatencySpec, b: LatencySpec) -> Bool {
        a.samples == b.samples && a.phase == b.phase && a.bands.map(\.stat) == b.bands.map(\.stat)
            && a.bands.map(\.band) == b.bands.map(\.band)
    }

    func hash(into h: inout Hasher) {
        h.combine(samples)
        h.combine(phase)
        for b in bands { h.combine(b.stat); h.combine(b.band) }
    }

    init(_ v: ConfigValue) throws(ConfigError) {
        let b = try Block(v, context: "'latency'")
        try b.only(["samples", "phase"] + Self.statistics)
        samples = try b.int("samples", range: 1...100_000) ?? 10
        phase = try b.string("phase") ?? "total"
        guard phase == "total" || HTTPTimings.phaseNames.contains(phase) else {
            throw b.error("phase", "'\(phase)' is no phase; use total, " + HTTPTimings.phaseNames.joined(separator: ", "))
        }
        var bands: [(String, Band)] = []
        for stat in Self.statistics {
            guard let sv = b[stat] else { continue }
            var band = Band()
            if let text = sv.string {
                guard let d = DurationParsing.parse(text) else { throw b.mismatch(stat, "a duration such as 200ms") }
                band.critical = d
            } else {
                let sb = try Block(sv, context: "'latency.\(stat)'")
                try sb.only(["degraded", "critical"])
                band.degraded = try sb.duration("degraded")
                band.critical = try sb.duration("critical")
                guard band.degraded != nil || band.critical != nil else {
                    throw b.error(stat, "give 'degraded', 'critical' or both, such as {degraded: 100ms, critical: 500ms}")
                }
                if let d = band.degraded, let c = band.critical, d > c {
                    throw b.error(stat, "'degraded' (\(DurationParsing.format(d))) must not exceed 'critical' (\(DurationParsing.format(c)))")
                }
            }
            bands.append((stat, band))
        }
        self.bands = bands
    }
}

/// Percentiles as k6 computes them (lib/metrics/sink.go, TrendSink.P): sort, take the fractional rank
/// p × (n − 1), and interpolate linearly between its neighbours.
enum Percentile {
    static func of(_ sorted: [Double], _ p: Double) -> Double {
        guard let first = sorted.first else { return 0 }
        guard sorted.count > 1 else { return first }
        let i = p * Double(sorted.count - 1)
        let lo = sorted[Int(i.rounded(.down))], hi = sorted[Int(i.rounded(.up))]
        return lo + (hi - lo) * (i - i.rounded(.down))
    }

    /// p50, p90, p95, p99, max and avg of `values`, by name.
    static func summary(_ values: [Double]) -> [String: Double] {
        let s = values.sorted()
        guard !s.isEmpty else { return [:] }
        return ["p50": of(s, 0.5), "p90": of(s, 0.9), "p95": of(s, 0.95), "p99": of(s, 0.99), "max": s.last!,
                "avg": s.reduce(0, +) / Double(s.count), "min": s.first!]
    }
}
