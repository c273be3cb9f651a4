import Foundation
import GateCore

/// The summary line, stats and log of one run, built from what the steps found.
struct OutcomeFacts {
    let format: any MigrationFormat
    let how: String?
    let files: Int
    let history: History?
    let comparison: Comparison?
    let dryRun: DryRun.Report?
    /// How many migrations the dry run was given (the pending ones, or every file without a database).
    let dryRunPending: Int
    let maxDuration: Duration
    let hasDatabase: Bool
    /// What the dry run ran on ("a scratch PostgreSQL database made with pg_dump --schema-only").
    var dryRunTarget: String?
    /// The locks the dry run's statements took, one line each.
    var lockLines: [String] = []

    func summary(_ findings: [Finding]) -> String {
        var parts = ["\(format.name.rawValue): \(files) migration\(files == 1 ? "" : "s")"]
        if let c = comparison, let h = history {
            var s = "\(c.applied) applied, \(c.pending.count) pending"
            if c.failed > 0 { s += ", \(c.failed) failed" }
            if !h.tableExists { s += " (no '\(h.table)' table yet)" }
            parts.append(s)
        } else if !hasDatabase {
            parts.append("no database, history not checked")
        }
        if let d = dryRun {
            let total = d.timings.reduce(Duration.zero) { $0 + $1.duration }
            var s = "dry run applied \(d.timings.count) of \(dryRunPending) in \(DurationParsing.format(total))"
            if let t = dryRunTarget, t.contains("PostgreSQL") || t.contains("transaction") { s += " on \(t)" }
            if d.stopped != nil { s += ", 1 stopped" }
            if !d.notTried.isEmpty { s += ", \(d.notTried.count) not tried" }
            parts.append(s)
        }
        let counted = Dictionary(grouping: findings.filter { $0.severity != .note }, by: \.rule)
        if !counted.isEmpty {
            parts.append("problems: " + counted.keys.sorted().map {
                "\(counted[$0]!.count) \($0.replacingOccurrences(of: "migrations/", with: ""))"
            }.joined(separator: ", "))
        }
        var text = parts.joined(separator: "; ")
        if let how { text += " (\(how))" }
        return text
    }

    var stats: [String: JSONValue] {
        var s: [String: JSONValue] = ["format": .string(format.name.rawValue), "files": .int(files)]
        if let how { s["detection"] = .string(how) }
        if let c = comparison, let h = history {
            s["historyRows"] = .int(h.rowCount)
            s["applied"] = .int(c.applied)
            s["pending"] = .int(c.pending.count)
            s["failed"] = .int(c.failed)
        }
        if let d = dryRun {
            s["dryRunApplied"] = .int(d.timings.count)
            s["dryRunNotTried"] = .int(d.notTried.count)
            s["dryRunMs"] = .object(Dictionary(d.timings.map { ($0.path, JSONValue.int($0.duration.milliseconds)) },
                                               uniquingKeysWith: { a, _ in a }))
            // The slowest statements (at most 20), so a report shows where a migration's time goes.
            s["dryRunSlowest"] = .array(d.statements.enumerated().sorted { ($0.element.duration, $1.offset) > ($1.element.duration, $0.offset) }
                .prefix(20).map { .object(["path": .string($0.element.path), "line": .int($0.element.line),
                                           "ms": .int($0.element.duration.milliseconds)]) })
            if !d.locks.isEmpty { s["dryRunLocks"] = .int(d.locks.count) }
        }
        return s
    }

    /// The dry run, one line per migration it was given, so that it agrees with the summary's counts: a
    /// failed or stopped migration is neither applied nor "nothing pending".
    var log: String? {
        guard let d = dryRun else { return nil }
        var lines = ["dry run: \(dryRunPending) migration\(dryRunPending == 1 ? "" : "s") to apply"]
        if let t = dryRunTarget { lines.append("dry run: on \(t)") }
        lines += d.timings.map {
            "dry run: '\($0.path)' applied in \(DurationParsing.format($0.duration)) (max-duration \(DurationParsing.format(maxDuration)))"
        }
        lines += d.statements.map { "dry run: '\($0.path)' line \($0.line): \($0.duration.milliseconds) ms \($0.preview)" }
        lines += lockLines
        if let stopped = d.stopped { lines.append("dry run: '\(stopped)' failed or was stopped (see its finding)") }
        lines += d.notTried.map { "dry run: '\($0)' not tried: an earlier migration failed" }
        return lines.joined(separator: "\n")
    }
}
