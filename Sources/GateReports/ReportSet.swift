import Foundation
import GateCore

/// Where each format goes for one run, and the atomic writing of all of them.
public struct ReportSet: Sendable, Equatable {
    /// Format to absolute path.
    public var targets: [ReportFormat: String]

    public init(targets: [ReportFormat: String] = [:]) {
        self.targets = targets
    }

    /// Every format into `directory` under its default name.
    public static func all(in directory: String) -> ReportSet {
        ReportSet(targets: Dictionary(uniqueKeysWithValues: ReportFormat.allCases.map {
            ($0, directory + "/" + $0.defaultFileName)
        }))
    }

    /// Checks that every target can be written, before any check runs. A failure is a usage error (exit 2).
    public func preflight() throws(ConfigError) {
        for (format, path) in targets.sorted(by: { $0.key.rawValue < $1.key.rawValue }) {
            do {
                try AtomicFile.probeWritable(path)
            } catch {
                throw .usage("cannot write the \(format.rawValue) report to '\(PathUtil.display(path))': "
                             + "\(error.reason); choose another path or fix the permissions")
            }
        }
    }

    /// Writes every target atomically. Returns the failures (the rest are still written), in format order.
    ///
    /// The formats render and write side by side; the renderers share nothing but the report. Reports are
    /// replaced atomically but not fsynced (see `AtomicFile`).
    public func write(_ report: RunReport) -> [String] {
        let jobs = targets.sorted(by: { $0.key.rawValue < $1.key.rawValue })
        let outcomes = Locked([String?](repeating: nil, count: jobs.count))
        DispatchQueue.concurrentPerform(iterations: jobs.count) { i in
            let (format, path) = jobs[i]
            var failure: String?
            do {
                let data = try format.writer.render(report)
                PhaseTimer.mark("\(format.rawValue) rendered (\(data.count) bytes)")
                try AtomicFile.write(data, to: path, durable: false)
                PhaseTimer.mark("\(format.rawValue) written")
            } catch let e as AtomicFile.Failure {
                failure = e.description
            } catch {
                failure = "cannot render the \(format.rawValue) report: \(error)"
            }
            outcomes.withLock { $0[i] = failure }
        }
        return outcomes.withLock { $0.compactMap { $0 } }
    }
}
