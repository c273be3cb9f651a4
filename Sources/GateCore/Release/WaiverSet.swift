import Foundation

/// The waivers in force for one run, evaluated as of one instant (the run's start), applied to each
/// check's result as it finishes so that a fully waived check is `waived` and satisfies `needs`.
public struct WaiverSet: Sendable {
    public var waivers: [Waiver]
    public var asOf: Date
    /// The waivers file, absolute, so that `gate/waiver-expired` findings can point at the entry.
    public var file: String?

    public init(_ waivers: [Waiver], asOf: Date, file: String? = nil) {
        self.waivers = waivers
        self.asOf = asOf
        self.file = file
    }

    public static let empty = WaiverSet([], asOf: Date(timeIntervalSince1970: 0))

    public var isEmpty: Bool { waivers.isEmpty }

    /// The same waivers, judged as of `date`.
    public func asOf(_ date: Date) -> WaiverSet { WaiverSet(waivers, asOf: date, file: file) }

    /// Marks the findings an active waiver covers, adds a `gate/waiver-expired` warning for each expired
    /// waiver that matched a finding here or names this check, and derives the status again: a check whose
    /// failing findings are all waived is `waived`. `checkRoot` is absolute; finding paths are relative to it.
    /// Results that are not `passed`, `failed` or `waived` (errors, timeouts, skips) are returned unchanged.
    public func apply(to result: CheckResult, checkRoot: String) -> CheckResult {
        guard !waivers.isEmpty, [.passed, .failed, .waived].contains(result.status) else { return result }
        var r = result
        var expiredHits: [Int: Int] = [:]
        var newlyWaived = 0
        for i in r.findings.indices where !r.findings[i].waived {
            let f = r.findings[i]
            var applied = false
            for (w, waiver) in waivers.enumerated() where waiver.matches(f, checkID: r.id) {
                if waiver.isExpired(asOf: asOf) {
                    expiredHits[w, default: 0] += 1
                } else if !applied {
                    r.findings[i].waived = true
                    r.findings[i].waiver = waiver.label
                    applied = true
                    newlyWaived += 1
                }
            }
        }
        var added: [Finding] = []
        for (w, waiver) in waivers.enumerated() where waiver.isExpired(asOf: asOf) {
            let hits = expiredHits[w] ?? 0
            guard hits > 0 || waiver.check == r.id else { continue }
            added.append(expiredFinding(waiver, hits: hits, checkRoot: checkRoot))
        }
        guard newlyWaived > 0 || !added.isEmpty else { return r }
        r.findings = (r.findings + added).sorted(by: Finding.reportOrder)
        r.rules = Array(Set(r.rules + added.map(\.rule))).sorted()

        let errors = r.findings.filter { $0.severity == .error }
        if r.status == .failed || r.status == .waived, !errors.isEmpty {
            r.status = errors.allSatisfy(\.waived) ? .waived : .failed
        }
        if newlyWaived > 0 {
            r.summary += r.summary.isEmpty ? "\(newlyWaived) waived" : " (\(newlyWaived) waived)"
        }
        if r.status == .waived {
            r.reason = "every failing finding is covered by a waiver in \(waivers[0].location.file)"
        }
        return r
    }

    private func expiredFinding(_ w: Waiver, hits: Int, checkRoot: String) -> Finding {
        var path: String?
        if let file, PathUtil.isInside(file, checkRoot) { path = PathUtil.relative(file, to: checkRoot) }
        let covered = hits == 0 ? "it matches nothing here any more; remove it"
            : "it no longer covers \(hits) \(hits == 1 ? "finding" : "findings"); fix them or renew the waiver after review"
        return Finding(
            rule: CoreRules.waiverExpired.id, severity: .warning,
            message: "waiver owned by '\(w.owner)' expired on \(w.expiresText) (\(w.location.file):\(w.location.line)): "
                + covered,
            path: path, line: path == nil ? nil : w.location.line, identity: w.identity,
            evidence: ["owner": w.owner, "expires": w.expiresText, "reason": w.reason],
            help: CoreRules.waiverExpired.help)
    }
}
