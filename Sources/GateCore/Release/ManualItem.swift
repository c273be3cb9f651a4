import Foundation

/// A manual checklist item: a human sign-off ("Rollback script prepared") that a suite lists beside its
/// automated checks. Declared with `manual:` instead of `uses:`/`run:`.
///
/// ```yaml
/// - id: rollback-ready
///   manual: Rollback script prepared
///   owner: release-manager
///   valid-for: 14d
///   evidence: link to the runbook or test run
///   bind-to: commit            # or none
/// ```
public struct ManualItem: Sendable, Equatable {
    /// What a sign-off is tied to besides its age.
    public enum Binding: String, Sendable, CaseIterable {
        /// Valid while the item's root is unchanged since the signed-off commit (gate's state directory
        /// excepted).
        case commit
        /// Valid at any version, until it is older than `valid-for`.
        case none
    }

    /// The item as people read it.
    public var title: String
    /// Who signs it off.
    public var owner: String
    /// A sign-off older than this is pending again; nil means no age limit.
    public var validFor: Duration?
    /// What evidence a sign-off must carry (for example "link to the runbook"); when set, `gate attest`
    /// requires `--evidence`.
    public var evidence: String?
    public var bindTo: Binding

    public init(title: String, owner: String, validFor: Duration? = nil, evidence: String? = nil,
                bindTo: Binding = .commit) {
        self.title = title
        self.owner = owner
        self.validFor = validFor
        self.evidence = evidence
        self.bindTo = bindTo
    }

    /// The check keys that only manual items take.
    public static let keys = ["manual", "owner", "valid-for", "evidence", "bind-to"]
}
