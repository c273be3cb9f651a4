/// Documentation for one rule a verifier can report. Reports carry these so that SARIF can describe every
/// rule and `gate explain` can list them.
public struct RuleDescriptor: Codable, Sendable, Hashable {
    /// `<verifier>/<kind>`.
    public var id: String
    public var summary: String
    public var severity: Severity
    /// How to fix a finding of this rule.
    public var help: String?

    public init(_ id: String, _ summary: String, severity: Severity = .error, help: String? = nil) {
        self.id = id
        self.summary = summary
        self.severity = severity
        self.help = help
    }
}
