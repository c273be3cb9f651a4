import Foundation

/// A sign-off for a manual checklist item: who, when, at which commit, why, and the evidence.
/// Recorded by `gate attest` in `.gate/attestations.yaml`, a text file that teams commit and review.
public struct Attestation: Sendable, Equatable {
    /// The manual item's check id.
    public var item: String
    public var by: String
    public var at: Date
    /// The git commit of the item's root when it was signed off; nil outside git.
    public var commit: String?
    public var note: String
    public var evidence: String?
    /// The suite it was signed off for (informational: item ids are shared by every suite that uses the
    /// same state directory).
    public var suite: String?
    /// Where the entry is in the file, for messages.
    public var location: SourceLocation?

    /// `by`, `note` and `evidence` pass through `redactor`: a token pasted into `gate attest --note` by
    /// mistake, or written into the file by hand, never reaches the file, a report or the checklist.
    public init(item: String, by: String, at: Date, commit: String? = nil, note: String, evidence: String? = nil,
                suite: String? = nil, location: SourceLocation? = nil, redactor: Redactor = .shapesOnly) {
        self.item = item
        self.by = redactor.redact(by)
        self.at = at
        self.commit = commit
        self.note = redactor.redact(note)
        self.evidence = evidence.map(redactor.redact)
        self.suite = suite
        self.location = location
    }

    /// The first 12 characters of the commit, for humans.
    public var shortCommit: String? { commit.map { String($0.prefix(12)) } }
}

/// Every sign-off in an attestations file, oldest first. The file is append-only in practice: a new
/// sign-off adds an entry, so the review diff shows exactly who signed what.
public struct AttestationLog: Sendable, Equatable {
    public var entries: [Attestation]

    public init(_ entries: [Attestation] = []) { self.entries = entries }

    /// The newest sign-off for `item` (by time; a later entry wins a tie).
    public func latest(for item: String) -> Attestation? {
        var best: Attestation?
        for e in entries where e.item == item {
            if best == nil || e.at >= best!.at { best = e }
        }
        return best
    }
}
