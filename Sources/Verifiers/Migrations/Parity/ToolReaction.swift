import GateCore

/// What the migration tool itself does about something gate found. The reaction, not gate's taste,
/// decides the rule and severity: gate never passes what the tool refuses, and never calls broken what
/// the tool accepts unless the finding carries a `strict-*` rule whose message says what the tool does.
enum ToolReaction: Sendable, Equatable {
    /// The tool stops at migrate/deploy/apply time: an error under the plain rule. The text says how
    /// (for example "sqlx migrate run fails: previously applied but missing").
    case refuses(String)
    /// The tool goes on without noticing, or silently applies or skips the file: a `strict-*` finding,
    /// an error with `strict: true` (the default) and a warning with `strict: false`.
    case tolerates(String)
    /// Worth a look, but the tool accepts it: a warning under the plain rule.
    case warns(String)
    /// Harmless for this tool: a note under the plain rule.
    case notes(String)
    /// Nothing to report.
    case ignores
}

/// What gate found, named by the rule a refusal is reported under.
enum Situation: String, Sendable {
    /// An applied migration's file is gone, and some file is newer than it.
    case missing = "missing-file"
    /// An applied migration is newer than every file: deleted, or applied from another branch.
    case unknownApplied = "unknown-applied"
    /// An applied migration's file no longer matches its stored checksum.
    case edited = "modified"
    /// An unapplied file sorts before the latest applied migration.
    case outOfOrder = "out-of-order"
    /// An applied migration's file name (description) differs from the one the history recorded.
    case renamed = "renamed"
}

/// What the checks know beyond the files and rows: the `strict` parameter, and whether the folder's own
/// integrity file (Atlas's `atlas.sum`) still verifies.
struct ComparisonContext: Sendable {
    var strict = true
    /// False when `atlas.sum` disagrees with the files: Atlas then refuses before reading revisions.
    var integrityFileVerifies = true
}

extension ToolReaction {
    /// The finding for this reaction, or nil for `.ignores`. `message` says what gate saw; the reaction's
    /// text (what the tool does) is appended.
    func finding(_ situation: Situation, strict: Bool, message: String, path: String?, identity: String,
                 evidence: [String: String]? = nil, help: String?) -> Finding? {
        let rule: String, severity: Severity, tool: String
        switch self {
        case .ignores:
            return nil
        case .refuses(let t):
            // A newer-than-every-file row the tool refuses is a missing file to that tool.
            rule = situation == .unknownApplied ? Situation.missing.rawValue : situation.rawValue
            severity = .error
            tool = t
        case .tolerates(let t):
            rule = "strict-" + (situation == .unknownApplied ? Situation.missing.rawValue : situation.rawValue)
            severity = strict ? .error : .warning
            tool = t + (strict ? " (reported as an error because 'strict' is on)" : " ('strict: false' keeps this a warning)")
        case .warns(let t):
            rule = situation.rawValue
            severity = .warning
            tool = t
        case .notes(let t):
            rule = situation.rawValue
            severity = .note
            tool = t
        }
        return Finding(rule: "migrations/" + rule, severity: severity, message: message + "; " + tool,
                       path: path, identity: identity, evidence: evidence, help: help)
    }
}
