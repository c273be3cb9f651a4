import Foundation

/// Whether a manual item is signed off, judged from its newest attestation, the clock and git.
public enum ManualItemStatus: Sendable, Equatable {
    /// Signed off and still valid; `validUntil` is nil without `valid-for`.
    case attested(Attestation, validUntil: Date?)
    case pending(PendingReason)

    public enum PendingReason: Sendable, Equatable {
        case neverAttested
        /// Older than `valid-for`.
        case expired(Attestation, validUntil: Date)
        /// Signed off at a commit whose content under the root differs from HEAD's (`changed` lists the
        /// files, possibly empty when the commit is not an ancestor or unknown to git).
        case otherCommit(Attestation, head: String?, changed: [String])
    }

    public var isAttested: Bool {
        if case .attested = self { return true }
        return false
    }

    /// The pure decision. `relation` is how the attestation's commit relates to HEAD (see `GitState`);
    /// it is consulted only for `bind-to: commit`.
    public static func evaluate(_ item: ManualItem, attestation: Attestation?, now: Date, head: String?,
                                relation: GitState.Relation?) -> ManualItemStatus {
        guard let a = attestation else { return .pending(.neverAttested) }
        var validUntil: Date?
        if let limit = item.validFor {
            let until = a.at.addingTimeInterval(limit.timeInterval)
            if now >= until { return .pending(.expired(a, validUntil: until)) }
            validUntil = until
        }
        if item.bindTo == .commit {
            switch (a.commit, head) {
            case (nil, nil):
                break  // Neither side is in git: nothing to bind to.
            case (let c?, let h?) where c == h:
                break
            case (_?, _?):
                switch relation {
                case .same?, .ancestor(changed: [])?:
                    break
                case .ancestor(let changed)?:
                    return .pending(.otherCommit(a, head: head, changed: changed))
                case .unrelated?, .unknown?, nil:
                    return .pending(.otherCommit(a, head: head, changed: []))
                }
            default:
                return .pending(.otherCommit(a, head: head, changed: []))
            }
        }
        return .attested(a, validUntil: validUntil)
    }

    /// One line for summaries and checklists ("pending: never signed off").
    public var explanation: String {
        switch self {
        case .attested(let a, let until):
            var s = "validated \(DateText.day(of: a.at)) by \(a.by)"
            if let c = a.shortCommit { s += " at \(c)" }
            if let until { s += ", valid until \(DateText.day(of: until))" }
            return s
        case .pending(.neverAttested):
            return "never signed off"
        case .pending(.expired(let a, let until)):
            return "the sign-off by \(a.by) on \(DateText.day(of: a.at)) expired on \(DateText.day(of: until))"
        case .pending(.otherCommit(let a, let head, let changed)):
            let at = a.shortCommit.map { "at \($0)" } ?? "outside git"
            var s = "signed off by \(a.by) on \(DateText.day(of: a.at)) \(at)"
            if a.commit == nil {
                s += ", before the root was in git"
            } else if head == nil {
                s += ", but the root is no longer in a git repository"
            } else if changed.isEmpty {
                s += ", which is not an ancestor of the current commit"
            } else {
                let shown = changed.prefix(3).joined(separator: ", ")
                s += ", but \(changed.count) \(changed.count == 1 ? "file" : "files") changed since (\(shown)"
                    + (changed.count > 3 ? ", …)" : ")")
            }
            return s
        }
    }
}
