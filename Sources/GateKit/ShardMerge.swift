import Foundation
import GateCore
import GateReports

/// Combines the JSON reports of a suite's shards into one report, as if the suite had run in one job.
///
/// Strict, because a merge that quietly drops a shard would pass a gate that never ran: every report must
/// be a shard of the same suite, count and commit; each shard must appear once; every check of the suite
/// must be covered exactly once (a split check once per shard). Any problem is a `MergeError` naming the
/// reports, shards and checks involved.
public enum ShardMerge {
    public struct MergeError: Error, CustomStringConvertible, Sendable {
        public var problems: [String]
        public var description: String {
            "cannot merge the shard reports:\n" + problems.map { "  - " + $0 }.joined(separator: "\n")
        }
    }

    /// A decoded report and the file it came from (for messages).
    public struct Input: Sendable {
        public var name: String
        public var report: RunReport

        public init(name: String, report: RunReport) {
            self.name = name
            self.report = report
        }
    }

    /// Reads a JSON report; a file that is not one is a `MergeError` naming it.
    public static func read(_ path: String, display: String) throws(MergeError) -> Input {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MergeError(problems: ["cannot read '\(display)'"])
        }
        do {
            let report = try JSONReportWriter.decoder.decode(RunReport.self, from: data)
            guard report.schema == RunReport.schemaID else {
                throw MergeError(problems: ["'\(display)' is a '\(report.schema)' report; gate merge reads \(RunReport.schemaID)"])
            }
            // Numbers gate adds up or turns into dates: out of range they would overflow (a trap), not merge.
            let longest = DurationParsing.maximum.milliseconds
            let t = report.startedAt.timeIntervalSince1970
            guard t >= 0, t < 253_402_300_800 else {
                throw MergeError(problems: ["'\(display)': 'startedAt' must be between 1970 and 9999"])
            }
            for (what, ms) in [("the run", report.durationMs)] + report.checks.map({ ("check '\($0.id)'", $0.durationMs) })
            where !(0...longest).contains(ms) {
                throw MergeError(problems: ["'\(display)': 'durationMs' of \(what) must be from 0 to \(longest), got \(ms)"])
            }
            return Input(name: display, report: report)
        } catch let e as MergeError {
            throw e
        } catch {
            throw MergeError(problems: ["'\(display)' is not a gate JSON report (\(RunReport.schemaID)): \(error)"])
        }
    }

    public static func merge(_ inputs: [Input]) throws(MergeError) -> RunReport {
        guard let first = inputs.first else { throw MergeError(problems: ["no reports to merge"]) }
        if inputs.count == 1 && first.report.shard == nil { return first.report }
        var problems: [String] = []
        let unsharded = inputs.filter { $0.report.shard == nil }.map(\.name)
        if !unsharded.isEmpty {
            problems.append("not shard reports (run with --shard K/N): " + unsharded.map { "'\($0)'" }.joined(separator: ", "))
        }
        let shards = inputs.compactMap { i in i.report.shard.map { (i, $0) } }
        guard let (_, base) = shards.first else { throw MergeError(problems: problems) }
        for (i, s) in shards {
            if i.report.suite != first.report.suite {
                problems.append("'\(i.name)' is from suite '\(i.report.suite)', '\(first.name)' from '\(first.report.suite)'")
            }
            if s.count != base.count {
                problems.append("'\(i.name)' is shard \(s.index)/\(s.count), but '\(shards[0].0.name)' is of \(base.count) shards")
            }
            if s.suiteChecks != base.suiteChecks {
                problems.append("'\(i.name)' was run from a different version of the suite (its check list differs)")
            }
            if i.report.commit != first.report.commit {
                problems.append("'\(i.name)' ran on commit \(i.report.commit ?? "none"), '\(first.name)' on \(first.report.commit ?? "none")")
            }
        }
        if !problems.isEmpty { throw MergeError(problems: problems) }

        let byIndex = Dictionary(grouping: shards, by: { $0.1.index })
        for (index, group) in byIndex.sorted(by: { $0.key < $1.key }) where group.count > 1 {
            problems.append("shard \(index)/\(base.count) is given more than once: "
                            + group.map { "'\($0.0.name)'" }.joined(separator: ", "))
        }
        let missingShards = (1...base.count).filter { byIndex[$0] == nil }
        if !missingShards.isEmpty {
            problems.append("missing shard" + (missingShards.count > 1 ? "s " : " ")
                            + missingShards.map { "\($0)/\(base.count)" }.joined(separator: ", "))
        }

        // Coverage, check by check.
        let split = Set(base.splitChecks)
        var results: [String: [(String, CheckResult)]] = [:]
        for (i, _) in shards {
            for c in i.report.checks { results[c.id, default: []].append((i.name, c)) }
        }
        let missing = base.suiteChecks.filter { results[$0] == nil }
        if !missing.isEmpty {
            problems.append("no shard ran " + missing.map { "'\($0)'" }.joined(separator: ", "))
        }
        for id in base.suiteChecks where !split.contains(id) {
            if let rs = results[id], rs.count > 1 {
                problems.append("'\(id)' ran in more than one shard: " + rs.map { "'\($0.0)'" }.joined(separator: ", "))
            }
        }
        for id in base.suiteChecks where split.contains(id) {
            let slices = (results[id] ?? []).compactMap(\.1.slice)
            let dupes = Dictionary(grouping: slices, by: { $0 }).filter { $0.value.count > 1 }.keys.sorted()
            if !dupes.isEmpty { problems.append("split check '\(id)' has slice \(dupes.joined(separator: ", ")) more than once") }
        }
        let unknown = Set(results.keys).subtracting(base.suiteChecks).sorted()
        if !unknown.isEmpty {
            problems.append("checks not in the suite's list: " + unknown.map { "'\($0)'" }.joined(separator: ", "))
        }
        if !problems.isEmpty { throw MergeError(problems: problems) }

        let checks = base.suiteChecks.map { id in
            let rs = results[id]!.map(\.1)
            return split.contains(id) ? combineSlices(rs) : rs[0]
        }
        let reports = inputs.map(\.report)
        let start = reports.map(\.startedAt).min()!
        let end = reports.map { $0.startedAt.addingTimeInterval(Double($0.durationMs) / 1000) }.max()!
        let interrupted = reports.contains(where: \.interrupted)
        let (status, code) = GateExit.status(for: checks, interrupted: interrupted)
        var rules: [String: RuleDescriptor] = [:]
        for r in reports { for d in r.rules { rules[d.id] = rules[d.id] ?? d } }
        return RunReport(
            suite: first.report.suite, gateVersion: first.report.gateVersion, startedAt: start,
            durationMs: Int((end.timeIntervalSince(start) * 1000).rounded()), status: status, exitCode: code,
            interrupted: interrupted, suiteFile: first.report.suiteFile, checks: checks, rules: Array(rules.values),
            commit: first.report.commit)
    }
}
