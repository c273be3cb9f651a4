import Foundation
import GateCore

extension LedgerVerifier {
    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        let run = try LedgerRun(config: config, root: context.root, environment: context.environment,
                                progress: { context.progress($0) })
        // A table's statement is stopped when the check is cancelled (timeout, Ctrl-C); files stop at the next chunk.
        let result = try await withTaskCancellationHandler {
            try run.verify()
        } onCancel: {
            (run.source as? TableSource)?.cancel()
        }
        let findings = result.findings.sorted(by: Finding.reportOrder)
        return CheckOutcome(findings: findings, summary: Self.summary(result, run: run, findings: findings),
                            stats: Self.stats(result, run: run), rules: evaluatedRules)
    }

    static func summary(_ r: LedgerRun.Result, run: LedgerRun, findings: [Finding]) -> String {
        let o = r.outcome
        var text = "\(run.source.description): \(o.records.grouped) record\(o.records == 1 ? "" : "s")"
        if r.resumed {
            let from = r.checkpoint?.records ?? 0
            text += ", \((o.checked - 1).grouped) new since the checkpoint at record \(from.grouped)"
        }
        let errors = findings.filter { $0.severity == .error }.count
        if o.firstBreak == nil && errors == 0 {
            text += "; " + (r.resumed ? "the pinned record is unchanged and every new record verifies" : "every record verifies")
        } else if let first = o.firstBreak {
            text += "; first break at record \(first.place.ordinal.grouped)"
            if o.brokenAfter > 0 { text += ", \(o.brokenAfter.grouped) more broken after it" }
        }
        if run.settings.wantsLeaves { text += "; Merkle root \(Hex.encode(o.merkle.root).prefix(16))…" }
        let others = errors - (o.firstBreak == nil ? 0 : 1)
        if others > 0 { text += "; \(others) other problem\(others == 1 ? "" : "s")" }
        if !r.notes.isEmpty { text += " (" + r.notes.joined(separator: "; ") + ")" }
        return text
    }

    static func stats(_ r: LedgerRun.Result, run: LedgerRun) -> [String: JSONValue] {
        let o = r.outcome
        var stats: [String: JSONValue] = [
            "records": .int(o.records), "checked": .int(o.checked), "bytes": .int(Int(o.bytes)),
            "brokenRecords": .int((o.firstBreak == nil ? 0 : 1) + o.brokenAfter), "resumed": .bool(r.resumed),
            "canonical": .string(run.settings.hashing.canonical.rawValue), "algorithm": .string(run.settings.hashing.algorithm.rawValue),
        ]
        if run.settings.wantsLeaves {
            stats["merkleRoot"] = .string(Hex.encode(o.merkle.root))
            stats["treeSize"] = .int(o.merkle.size)
        }
        if o.precisionLosses > 0 { stats["precisionLosses"] = .int(o.precisionLosses) }
        return stats
    }
}
