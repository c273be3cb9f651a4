import GateCore

/// One detection rule as written in a ruleset file (the built-in one or a gitleaks-style `config:`),
/// before its patterns are compiled.
///
/// The field names follow gitleaks where gitleaks has the concept (`secretGroup`, `entropy`, `keywords`,
/// `allowlists`, `path`); the rest are gate's additions, all optional.
struct RuleSpec: Sendable {
    enum Confidence: String, Sendable, CaseIterable, Comparable {
        case low, medium, high
        var rank: Int { self == .high ? 2 : self == .medium ? 1 : 0 }
        static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
    }

    /// Extra checks a candidate must pass beyond its regex.
    enum Validator: String, Sendable, CaseIterable {
        /// The last `_`-separated part ends in 6 base62 characters holding the CRC32 of the part before them
        /// (GitHub tokens, npm tokens).
        case crc32Base62 = "crc32-base62"
        /// The first dot-separated part decodes (base64url) to a JSON object with an `alg` member.
        case jwtHeader = "jwt-header"
    }

    /// Value checks for free-form assignments (`password = ...`), used by the generic rule.
    enum ValueFilter: String, Sendable, CaseIterable {
        /// Rejects values that look like code, references, paths, URLs or templates, and values made of a
        /// single character class.
        case assignment
        /// Requires an upper-case letter, a lower-case letter and a digit (random keys without a prefix).
        case mixed
        /// When the name is not a password's, the value must be written in a token alphabet: people choose
        /// passwords with any symbol, services issue tokens, keys and secrets in a few characters.
        case passwordOrToken = "password-or-token"
        /// Judges runs (`111111`, `abcdef`) on the part after the last `-` only, for tokens whose leading
        /// parts are numeric ids (Slack's workspace and user ids); the rule sets `allowRuns` so that the
        /// whole token is not judged too.
        case randomTail = "random-tail"
    }

    var id: String
    var description: String
    var severity: Severity = .error
    /// Nil only for path-only rules (a rule that flags files by name, as gitleaks allows).
    var regex: String?
    /// Lowercase literals; the regex runs only near one of them. Empty: the regex runs on whole files.
    var keywords: [String] = []
    /// The keywords that match only as written, case-sensitively (`keywordCase = "exact"`, gate's addition):
    /// for formats whose fixed prefix has one case (Twilio's `SK`), so that the prefilter does not open a
    /// window at every `sk` of ordinary text. Each is also in `keywords`, lowercased.
    var exactKeywords: [String] = []
    /// The capture group holding the secret; nil takes the first non-empty group, or the whole match.
    var secretGroup: Int?
    /// Minimum Shannon entropy of the secret, in bits per byte.
    var entropy: Double?
    /// Only files whose path matches this regex.
    var path: String?
    var allowlists: [AllowlistSpec] = []
    var confidence: Confidence = .medium
    var validators: [Validator] = []
    /// Whether `validate` was written (`validate = "off"` included), so an override replaces the base's.
    var validatorsSet = false
    var valueFilters: [ValueFilter] = []
    /// Bytes around a keyword hit that the regex may see.
    var window: Int = 512
    /// Bytes before a keyword hit that the regex may see, when fewer than `window` (a rule whose match
    /// starts at its keyword, or a bounded distance before it, needs no context before it).
    var windowBefore: Int?
    /// Where a match may start: within `startsBefore` bytes before to `startsAfter` bytes after a keyword hit,
    /// or at one of the `startsAt` bytes. When set, the regex runs anchored at those places only, instead
    /// of trying every byte of the window (the regex must not be able to start anywhere else).
    var starts: MatchStarts?

    /// See `starts`.
    struct MatchStarts: Sendable, Equatable {
        var before: Int
        var after: Int
        var bytes: [UInt8]
    }
    /// Whether the window may cross line ends (PEM blocks, keys found near their ids).
    var multiline = false
    /// Pure-hex secrets are dropped as digests unless the rule expects hex.
    var allowHex = false
    /// UUIDs are dropped as identifiers unless the rule expects one (services whose keys are UUIDs).
    var allowUUID = false
    /// Runs of six repeated or ascending characters are dropped as placeholders unless the format has one.
    var allowRuns = false
    /// Templates that must match (expanded by `ExampleTemplate` with random bodies at test time).
    var examples: [String] = []
    /// Templates that must not match.
    var counterexamples: [String] = []
    /// Other names for this rule (gitleaks' ids), so `disabledRules` and overrides written for gitleaks work.
    var aliases: [String] = []
    /// How to fix a finding of this rule, when it differs from the general advice.
    var help: String?
    /// Where the rule is defined (file and line), for configuration errors.
    var source: SourceLocation?

    /// The finding rule id, `secrets/<id>`.
    var qualifiedID: String { "secrets/" + id }

    func answers(to name: String) -> Bool { id == name || aliases.contains(name) }
}

/// An allowlist: a rule's own, or a global one (optionally aimed at some rules).
struct AllowlistSpec: Sendable {
    enum Condition: String, Sendable { case or = "OR", and = "AND" }
    /// `name` (gate's addition): the match, extended back to the start of the identifier it begins in.
    enum Target: String, Sendable { case secret, match, line, name }

    var description: String?
    var condition: Condition = .or
    /// Regexes on the file path.
    var paths: [String] = []
    /// Regexes on `regexTarget`.
    var regexes: [String] = []
    var regexTarget: Target = .secret
    /// Case-insensitive substrings of the secret.
    var stopwords: [String] = []
    /// Filler words (gate's addition): the secret is allowed when it is made of them, that is when what is
    /// left with them taken out is no secret on its own (`testuser`, `changeme123`, `xxxxxxxx`), but not
    /// when it merely contains one (`test` followed by a random password). See `Placeholders`.
    var placeholders: [String] = []
    /// Commit ids (history scans only).
    var commits: [String] = []
    /// For global allowlists: the rules it applies to; empty means all.
    var targetRules: [String] = []
    /// SHA-256 digests (hex, 32 digits or more) of secrets known to be public examples, so the ruleset can
    /// list them without holding them (gate's addition).
    var hashes: [String] = []
    var source: SourceLocation?

    var isEmpty: Bool {
        paths.isEmpty && regexes.isEmpty && stopwords.isEmpty && placeholders.isEmpty && commits.isEmpty && hashes.isEmpty
    }
}
