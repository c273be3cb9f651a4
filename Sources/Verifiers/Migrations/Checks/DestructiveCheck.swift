import GateCore

/// What to do with destructive changes in pending migrations (`destructive:`).
enum DestructivePolicy: String, CaseIterable, Sendable {
    /// A warning: reported, does not fail the check.
    case warn
    /// An error: fails the check unless annotated.
    case deny
    /// Not checked.
    case off
}

/// `migrations/destructive`: DROP TABLE/COLUMN, TRUNCATE, DELETE without WHERE and renames in pending
/// migrations. A `-- gate:allow-destructive <reason>` comment before the statement (or after its `;` on
/// the same line) turns the finding into a note that carries the reason, so the report still shows it.
enum DestructiveCheck {
    static func findings(_ file: MigrationFile, _ statements: [SQLStatement], policy: DestructivePolicy) -> [Finding] {
        guard policy != .off else { return [] }
        var out: [Finding] = []
        for statement in statements {
            for change in DestructiveScan.changes(in: statement) {
                let identity = "\(file.name) \(change.kind.rawValue) \(change.object)"
                if let reason = statement.allowances.first {
                    out.append(Finding(
                        rule: "migrations/destructive", severity: .note,
                        message: "'\(file.path)' \(change.description); allowed: \(reason)",
                        path: file.path, line: statement.line, identity: identity,
                        evidence: ["statement": statement.preview, "allowed": reason]))
                    continue
                }
                var message = "pending migration '\(file.path)' \(change.description)"
                if statement.allowanceWithoutReason {
                    message += " (its gate:allow-destructive comment gives no reason, so it does not count)"
                }
                out.append(Finding(
                    rule: "migrations/destructive", severity: policy == .deny ? .error : .warning,
                    message: message, path: file.path, line: statement.line, identity: identity,
                    evidence: ["statement": statement.preview],
                    help: "make sure no running code still needs it and the data is backed up, then add "
                        + "'-- gate:allow-destructive <reason>' above the statement"))
            }
        }
        return out
    }
}
