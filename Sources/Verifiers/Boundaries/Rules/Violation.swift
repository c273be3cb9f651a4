import GateCore

/// A broken rule, before it becomes findings.
struct Violation: Sendable {
    enum Kind: Sendable {
        /// An import (a one-hop chain) or a chain of imports the rule forbids.
        case imports
        /// A cycle: one segment per hop between members, ending where it started.
        case cycle
        /// Something the rule itself reports without an import: an unlisted layer, an unused ignore.
        case note
    }

    var rule: RuleSpec
    var kind: Kind
    /// Node chains, head first. An import violation has one; a cycle has one per hop.
    var segments: [[Int32]]
    /// Why it breaks the rule, naming the members involved.
    var reason: String
    /// How to fix it.
    var fix: String
    var severity: Severity = .error
    /// For `.note` violations: what is reported (the unlisted module, the unused pattern).
    var subject: String = ""
    /// The finding rule when it is not the rule kind's own (`boundaries/unmatched-ignore`).
    var findingRule: String?
    /// Extra evidence for the finding.
    var extra: [String: String] = [:]
}

/// Thrown when a rule cannot be evaluated (it names a module that does not exist).
struct RuleError: Error, Sendable {
    let message: String
}
