import Foundation

/// The check behind a manual checklist item. It runs nothing: it reads the newest sign-off for the item
/// from `attestations.yaml` in the state directory and asks git whether it still holds.
///
/// - **Passes** when a sign-off exists, is younger than `valid-for`, and (with `bind-to: commit`, the
///   default) nothing under the item's root changed since the signed-off commit, apart from gate's own
///   state directory.
/// - **Fails** otherwise, with one `gate/manual-pending` finding that names the owner and says why. The
///   scheduler turns that into `skipped` with a warning under `--allow-pending-manual`.
///
/// It is not in the verifier registry: the suite loader builds it from the `manual:` keys.
public struct ManualItemVerifier: Verifier {
    public static let descriptor = VerifierDescriptor(
        id: "manual", summary: "A human sign-off, recorded with 'gate attest'.",
        discussion: "Declared in a suite with 'manual:', 'owner', 'valid-for', 'evidence' and 'bind-to'.",
        parameters: [], rules: [CoreRules.manualPending], examples: [])

    public let item: ManualItem

    public init(item: ManualItem) { self.item = item }

    public init(parameters: Parameters) throws(ConfigError) {
        throw .invalidParameter(parameters.location, key: "uses",
                                message: "manual items are declared with 'manual: TEXT' and 'owner', not 'uses: manual'")
    }

    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        let file = context.stateDirectory + "/" + AttestationFile.fileName
        let log: AttestationLog
        do {
            log = try AttestationFile.load(path: file)
        } catch {
            throw VerifierError(error.description)
        }
        let status = await Self.status(of: item, id: context.checkID, log: log, root: context.root,
                                       stateDirectory: context.stateDirectory, now: Date())
        return Self.outcome(item, id: context.checkID, status: status)
    }

    /// Evaluates the item against the log, asking git only when the binding needs it.
    public static func status(of item: ManualItem, id: String, log: AttestationLog, root: String, stateDirectory: String,
                              now: Date) async -> ManualItemStatus {
        let latest = log.latest(for: id)
        var head: String?
        var relation: GitState.Relation?
        if item.bindTo == .commit, let a = latest {
            let git = await GitState.probe(root)
            head = git.head
            if let c = a.commit, git.head != nil { relation = await git.relation(of: c, ignoring: stateDirectory) }
        }
        return ManualItemStatus.evaluate(item, attestation: latest, now: now, head: head, relation: relation)
    }

    /// The outcome reports carry: a summary, the sign-off's facts in `stats`, and the pending finding.
    public static func outcome(_ item: ManualItem, id: String, status: ManualItemStatus) -> CheckOutcome {
        var stats: [String: JSONValue] = ["manual": .string(item.title), "owner": .string(item.owner),
                                          "bindTo": .string(item.bindTo.rawValue)]
        if let v = item.validFor { stats["validFor"] = .string(DurationParsing.formatDays(v)) }
        if let e = item.evidence { stats["evidenceRequired"] = .string(e) }
        switch status {
        case .attested(let a, let until):
            stats["attestedBy"] = .string(a.by)
            stats["attestedAt"] = .string(DateText.timestamp(a.at))
            stats["note"] = .string(a.note)
            if let c = a.commit { stats["commit"] = .string(c) }
            if let e = a.evidence { stats["evidence"] = .string(e) }
            if let u = until { stats["validUntil"] = .string(DateText.timestamp(u)) }
            return CheckOutcome(summary: status.explanation + ": " + a.note, stats: stats,
                                rules: [CoreRules.manualPending.id], status: .passed)
        case .pending(let why):
            stats["pending"] = .string(status.explanation)
            if case .expired(let a, _) = why { stats["lastAttestedBy"] = .string(a.by) }
            if case .otherCommit(let a, _, _) = why { stats["lastAttestedBy"] = .string(a.by) }
            var command = "gate attest \(id) --by NAME --note TEXT"
            if item.evidence != nil { command += " --evidence URL" }
            let finding = Finding(
                rule: CoreRules.manualPending.id,
                message: "'\(item.title)' needs a sign-off from '\(item.owner)': \(status.explanation). "
                    + "When it is done, run: \(command)",
                identity: "manual:\(id)", evidence: ["owner": item.owner, "why": status.explanation])
            return CheckOutcome(findings: [finding], summary: "pending (owner: \(item.owner)): \(status.explanation)",
                                stats: stats, rules: [CoreRules.manualPending.id], status: .failed)
        }
    }
}

extension DurationParsing {
    /// `14d`, `36h` or the compact form: how `valid-for` values read back.
    public static func formatDays(_ d: Duration) -> String {
        let s = d.milliseconds / 1000
        if s > 0, s % 86_400 == 0 { return "\(s / 86_400)d" }
        if s > 0, s % 3_600 == 0 { return "\(s / 3_600)h" }
        return format(d)
    }
}
