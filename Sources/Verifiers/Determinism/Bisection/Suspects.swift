/// Which variations the evidence points at, most likely first, so that the bisection tries them alone
/// before it splits the set: the cause analysis already says "a tar mtime", "an absolute path" or "the
/// same items in another order, under another hash seed".
enum Suspects {
    /// Variations in the order the evidence points at them.
    static func variations(for causes: [Cause]) -> [Variation] {
        var out: [Variation] = []
        func add(_ vs: Variation...) { for v in vs where !out.contains(v) { out.append(v) } }
        for cause in causes {
            let label = cause.label, text = cause.detail.lowercased()
            if label.hasPrefix("the '"), let name = label.split(separator: "'").dropFirst().first, let v = Variation(rawValue: String(name)) {
                add(v)
            }
            switch label {
            case "an absolute path": add(.path, .home)
            case "a timestamp in a tar header", "a timestamp in the gzip header", "the clock (possibly)": add(.time)
            case "a timestamp in a zip entry":
                // DOS times are local times: a whole-hours shift is the zone, anything else the clock.
                if text.contains("whole hours") { add(.tz, .time) } else { add(.time, .tz) }
            case "a timestamp": add(.time, .tz, .locale)
            case "file permissions in a tar header", "file permissions in an archive": add(.umask, .user)
            case "file ownership in a tar header", "file ownership in an archive": add(.user)
            case "archive member order": add(.fileOrder, .random, .jobs)
            case "ordering", "JSON key order or formatting":
                if text.contains("hash seed") || cause.brief?.contains("hash seed") == true { add(.random) }
                add(.fileOrder, .random, .jobs, .cpus)
            case "hash randomisation (possibly)": add(.random)
            case "parallelism (possibly)", "the same content compressed differently": add(.cpus, .jobs)
            case "the host name": add(.hostname)
            case "a memory address": add(.aslr)
            case "the kernel version": add(.kernel)
            case "the locale": add(.locale)
            default: break
            }
        }
        return out
    }

    /// The evidence says the command differs by itself, whatever the conditions.
    static func selfLikely(_ causes: [Cause]) -> Bool {
        guard let first = causes.first else { return false }
        return ["a process ID", "a random UUID", "random-looking bytes", "high-entropy bytes"].contains(first.label)
    }

    /// The factors of the suspected variations, among those that were applied.
    static func factors(for causes: [Cause], among applied: [Factor]) -> [Factor] {
        variations(for: causes).flatMap { v in applied.filter { $0.variation == v } }
    }
}
