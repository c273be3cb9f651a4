import Foundation
import GateCore
import Synchronization

/// Scans a list of files on `jobs` threads. Each worker owns one `FileScanner` (one chunk buffer and one
/// set of PCRE2 scratch space) and takes the next file from a shared counter, so memory is bounded by
/// the number of workers, not by the number or size of files.
enum ParallelScan {
    final class Shared: Sendable {
        let next = Atomic<Int>(0)
        let bytesDone = Atomic<Int>(0)
    }

    static func run(_ files: [FileSelection.File], engine: SecretEngine, jobs: Int, maxFileSize: Int,
                    context: CheckContext) async throws -> (hits: [SecretHit], stats: ScanStats) {
        let shared = Shared()
        let totalBytes = files.reduce(0) { $0 + $1.size }
        let workers = max(1, min(jobs, files.count))
        return try await withThrowingTaskGroup(of: ([SecretHit], ScanStats).self) { group in
            for w in 0..<workers {
                group.addTask {
                    let scanner = FileScanner(engine: engine)
                    var hits: [SecretHit] = []
                    let clock = ContinuousClock()
                    var lastReport = clock.now
                    while true {
                        try Task.checkCancellation()
                        let i = shared.next.wrappingAdd(1, ordering: .relaxed).oldValue
                        if i >= files.count { break }
                        let f = files[i]
                        hits += scanner.scanFile(absolute: f.absolute, path: f.relative, maxSize: maxFileSize)
                        let done = shared.bytesDone.wrappingAdd(f.size, ordering: .relaxed).newValue
                        if w == 0, clock.now - lastReport > .milliseconds(250) {
                            lastReport = clock.now
                            context.progress("scanned \(Format.count(min(i + 1, files.count))) / \(Format.count(files.count)) files, "
                                             + "\(Format.bytes(done)) / \(Format.bytes(totalBytes))")
                        }
                    }
                    return (hits, scanner.stats)
                }
            }
            var hits: [SecretHit] = []
            var stats = ScanStats()
            for try await (h, s) in group {
                hits += h
                stats = stats + s
            }
            return (hits, stats)
        }
    }
}

/// Human-readable numbers for summaries ("1,204 files (38.1 MB)"), independent of the locale.
enum Format {
    static func count(_ n: Int) -> String {
        let digits = Array(String(n))
        var out = ""
        for (i, d) in digits.enumerated() {
            if i > 0 && (digits.count - i) % 3 == 0 { out.append(",") }
            out.append(d)
        }
        return out
    }

    static func bytes(_ n: Int) -> String {
        let units = ["B", "KB", "MB", "GB", "TB"]
        var v = Double(n)
        var u = 0
        while v >= 1000 && u < units.count - 1 {
            v /= 1000
            u += 1
        }
        return u == 0 ? "\(n) B" : String(format: "%.1f", v) + " " + units[u]
    }
}
