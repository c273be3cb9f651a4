import Foundation
import GateCore

/// A launch checklist: every check of a suite as one line, ticked when it holds. Automated items come
/// from a run's results; manual items from their sign-offs (carried in the manual check's `stats`).
/// `gate checklist`, the Markdown report and the HTML report all render this one model.
public struct Checklist: Sendable, Equatable {
    public struct Item: Sendable, Equatable {
        public var id: String
        public var title: String
        public var manual: Bool
        public var done: Bool
        public var required: Bool
        /// What the line says after the dash: "validated 2026-03-01 by gate", "owner: qa, pending".
        public var detail: String
        public var owner: String?
        public var note: String?
        public var evidence: String?

        public init(id: String, title: String, manual: Bool, done: Bool, required: Bool = true, detail: String,
                    owner: String? = nil, note: String? = nil, evidence: String? = nil) {
            self.id = id
            self.title = title
            self.manual = manual
            self.done = done
            self.required = required
            self.detail = detail
            self.owner = owner
            self.note = note
            self.evidence = evidence
        }
    }

    public var suite: String
    public var asOf: Date
    public var commit: String?
    public var items: [Item]

    public init(suite: String, asOf: Date, commit: String? = nil, items: [Item]) {
        self.suite = suite
        self.asOf = asOf
        self.commit = commit
        self.items = items
    }

    /// The checklist of one run. `reportPath` is named on automated lines ("report: ...").
    public static func from(_ report: RunReport, reportPath: String? = nil) -> Checklist {
        Checklist(suite: report.suite, asOf: report.startedAt, commit: report.commit,
                  items: report.checks.map { item(for: $0, ranAt: report.startedAt, reportPath: reportPath) })
    }

    public static func isManual(_ c: CheckResult) -> Bool { c.verifier == ManualItemVerifier.descriptor.id }

    /// True for a manual item still waiting for its sign-off.
    public static func isPending(_ c: CheckResult) -> Bool {
        isManual(c) && c.findings.contains { $0.rule == CoreRules.manualPending.id }
    }

    /// One line for a check's result.
    public static func item(for c: CheckResult, ranAt: Date, reportPath: String?) -> Item {
        let day = DateText.day(of: ranAt)
        if isManual(c) {
            let title = c.stats["manual"]?.text ?? c.id
            let owner = c.stats["owner"]?.text
            let done = (c.status == .passed || c.status == .waived) && !isPending(c)
            var detail: String
            if done, let by = c.stats["attestedBy"]?.text {
                let at = c.stats["attestedAt"]?.text.flatMap(DateText.parse).map(DateText.day(of:)) ?? day
                detail = "validated \(at) by \(by)"
                if let commit = c.stats["commit"]?.text { detail += " at \(commit.prefix(12))" }
            } else if done {
                detail = "validated \(day) (waived)"
            } else {
                detail = "owner: \(owner ?? "unassigned"), pending"
                if let why = c.stats["pending"]?.text, why != "never signed off" { detail += " (\(why))" }
            }
            return Item(id: c.id, title: title, manual: true, done: done, required: c.required, detail: detail,
                        owner: owner, note: done ? c.stats["note"]?.text : nil,
                        evidence: done ? c.stats["evidence"]?.text : c.stats["evidenceRequired"]?.text)
        }
        var title = c.description ?? c.id
        if title.hasSuffix(".") { title.removeLast() }
        let report = reportPath.map { " (report: \($0))" } ?? ""
        let advisory = c.required ? "" : " (advisory)"
        let detail: String
        switch c.status {
        case .passed:
            detail = "validated \(day) by gate\(report)"
        case .waived:
            let n = c.findings.filter(\.waived).count
            detail = "validated \(day) by gate with \(n) waived \(n == 1 ? "finding" : "findings")\(report)"
        case .failed:
            detail = "failed\(advisory) \(day): \(oneLine(c.summary))\(report)"
        case .error:
            detail = "could not run \(day): \(oneLine(c.reason ?? c.summary))\(report)"
        case .timedOut:
            detail = "timed out \(day)\(report)"
        case .skipped:
            detail = "skipped \(day): \(oneLine(c.reason ?? c.summary))\(report)"
        }
        return Item(id: c.id, title: title, manual: false, done: c.status.satisfiesNeeds, required: c.required,
                    detail: detail)
    }

    /// An automated item with no result yet.
    public static func notRun(id: String, title: String?, required: Bool) -> Item {
        var t = title ?? id
        if t.hasSuffix(".") { t.removeLast() }
        return Item(id: id, title: t, manual: false, done: false, required: required, detail: "not run yet")
    }

    public var doneCount: Int { items.filter(\.done).count }

    /// Owners of pending manual items, sorted, without repeats.
    public var pendingOwners: [String] {
        Array(Set(items.filter { $0.manual && !$0.done }.compactMap(\.owner))).sorted()
    }

    static func oneLine(_ s: String) -> String {
        let flat = s.split(whereSeparator: \.isNewline).joined(separator: " ")
        return flat.count > 160 ? String(flat.prefix(159)) + "…" : flat
    }
}

extension JSONValue {
    /// The string inside a `.string`, else nil.
    public var text: String? {
        if case .string(let s) = self { return s }
        return nil
    }
}
