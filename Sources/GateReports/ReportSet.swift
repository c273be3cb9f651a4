import Foundation
import GateCore

/// Where each format goes for one run, and the atomic writing of all of them.
public struct ReportSet: Sendable, Equatable {
    /// Format to absolute path.
    public var targets: [ReportFormat: String]
    /// Targets that were not given on the command line, with the directory each must stay under: no
    /// symlink on the way may lead out of it (see `ConfinedDirectory`).
    public var bounds: [ReportFormat: Bound] = [:]

    /// The tree a report must stay in, and who named the path (for messages).
    public struct Bound: Sendable, Equatable {
        /// Absolute directory the report must stay under.
        public var base: String
        /// Where the suite names the path (`reports: {json: ...}`); nil for the default reports directory.
        public var source: SourceLocation?
        /// `base` as messages name it: "the working directory", "the reports directory".
        public var label: String

        public init(base: String, source: SourceLocation? = nil, label: String) {
            self.base = base
            self.source = source
            self.label = label
        }
    }

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
                if let bound = bounds[format] {
                    try AtomicFile.probeWritable(path, within: bound.base)
                } else {
                    try AtomicFile.probeWritable(path)
                }
            } catch {
                let shown = VisibleText.line(PathUtil.display(path))
                guard error.escape != nil, let bound = bounds[format] else {
                    throw .usage("cannot write the \(format.rawValue) report to '\(shown)': "
                                 + "\(VisibleText.line(error.reason)); choose another path or fix the permissions")
                }
                let problem = VisibleText.line(error.reason) + "; gate follows no symbolic link out of \(bound.label) "
                    + "to write a report"
                if let source = bound.source {
                    throw .invalidParameter(source, key: "reports.\(format.rawValue)",
                                            message: "cannot write '\(shown)': \(problem). Name a path without the link, "
                                                + "or give this one on the command line (--\(format.rawValue) PATH)")
                }
                throw .usage("cannot write the \(format.rawValue) report to '\(shown)': \(problem). Choose the "
                             + "reports directory on the command line (--reports DIR) to write elsewhere")
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
                if let bound = bounds[format] {
                    try AtomicFile.write(data, to: path, within: bound.base, durable: false)
                } else {
                    try AtomicFile.write(data, to: path, durable: false)
                }
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
