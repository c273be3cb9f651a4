/// Rules that gate itself reports, not any verifier: a manual checklist item without a valid sign-off,
/// and a waiver past its expiry date. Reports describe them like verifier rules.
public enum CoreRules {
    public static let manualPending = RuleDescriptor(
        "gate/manual-pending", "A manual checklist item has no valid sign-off.",
        help: "Do the work, then sign it off with 'gate attest ITEM --by NAME --note TEXT [--evidence URL]'.")

    public static let waiverExpired = RuleDescriptor(
        "gate/waiver-expired", "A waiver passed its expiry date and no longer applies.", severity: .warning,
        help: "Fix the findings it covered, or renew it with a new 'expires' date after review.")

    public static let all = [manualPending, waiverExpired]
}
