import Foundation

/// Wall-clock marks for the phases of one gate process, printed to stderr at exit when the environment
/// sets `GATE_TIMINGS=1`. Off by default; when off, `mark` is one load and a branch.
///
/// Times are milliseconds since `main` began; what comes before it (loading and runtime start-up) is
/// what `gate --version` takes.
public enum PhaseTimer {
    public static let enabled: Bool = getenv("GATE_TIMINGS").map { String(cString: $0) == "1" } ?? false
    private static let marks = Locked<[(String, Double)]>([])

    /// Records that `phase` ended now.
    public static func mark(_ phase: @autoclosure () -> String) {
        guard enabled else { return }
        let t = sinceStart()
        let name = phase()
        marks.withLock { $0.append((name, t)) }
    }

    /// The marks, one per line: elapsed since `main` began, and time since the previous mark; then gate's
    /// own CPU time.
    public static func summary() -> String {
        var out = "gate timings: main began at \(String(format: "%.3f", startMs)) ms on CLOCK_MONOTONIC\n"
        var previous = 0.0
        for (name, t) in marks.withLock({ $0 }) {
            out += "gate timings: " + String(format: "%8.2f ms  +%7.2f", t, t - previous) + "  \(name)\n"
            previous = t
        }
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        let ms = { (t: timeval) in Double(t.tv_sec) * 1000 + Double(t.tv_usec) / 1000 }
        out += "gate timings: cpu of gate's own threads (children excluded): user "
        out += String(format: "%.1f ms, system %.1f ms\n", ms(usage.ru_utime), ms(usage.ru_stime))
        return out
    }

    /// Milliseconds since the first mark's clock was read (the start of `main`).
    static func sinceStart() -> Double { now() - startMs }

    private static func now() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return Double(t.tv_sec) * 1000 + Double(t.tv_nsec) / 1e6
    }

    private static let startMs: Double = now()
}
