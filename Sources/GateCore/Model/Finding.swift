import ContentHash

/// One thing a verifier found: a value, never an exception.
///
/// `rule` is `<verifier>/<kind>` (for example `cas/hash-mismatch`). `path` is relative to the check's
/// root. `fingerprint` identifies the finding by content, not by line number, so that waivers and
/// baselines survive edits elsewhere in a file. Secret values never appear in any field: verifiers put a
/// redacted preview in `evidence` instead.
public struct Finding: Codable, Sendable, Hashable {
    public var rule: String
    public var severity: Severity
    public var message: String
    public var path: String?
    public var line: Int?
    public var column: Int?
    public var fingerprint: String
    /// Extra facts that explain the finding, such as `expected` and `actual` digests.
    public var evidence: [String: String]?
    /// How to fix it, in one sentence.
    public var help: String?
    public var waived: Bool
    /// Why it is waived, when `waived` is true.
    public var waiver: String?

    /// - Parameter identity: what makes this finding the same finding across runs (for example the hash of
    ///   a secret, or an object digest). Defaults to the message. Line numbers are deliberately left out.
    public init(
        rule: String, severity: Severity = .error, message: String, path: String? = nil,
        line: Int? = nil, column: Int? = nil, identity: String? = nil,
        evidence: [String: String]? = nil, help: String? = nil
    ) {
        self.rule = rule
        self.severity = severity
        self.message = message
        self.path = path
        self.line = line.map { max(1, $0) }
        self.column = column.map { max(1, $0) }
        self.fingerprint = Finding.fingerprint(rule: rule, path: path, identity: identity ?? message)
        self.evidence = evidence?.isEmpty == true ? nil : evidence
        self.help = help
        self.waived = false
        self.waiver = nil
    }

    /// XXH3-128 over rule, path and identity, separated by NUL bytes.
    public static func fingerprint(rule: String, path: String?, identity: String) -> String {
        ContentHash.xxh128Hex("\(rule)\u{0}\(path ?? "")\u{0}\(identity)")
    }

    /// The stable report order: path, then line, then rule, then message.
    public static func reportOrder(_ a: Finding, _ b: Finding) -> Bool {
        let pa = a.path ?? "", pb = b.path ?? ""
        if pa != pb { return pa < pb }
        let la = a.line ?? 0, lb = b.line ?? 0
        if la != lb { return la < lb }
        if a.rule != b.rule { return a.rule < b.rule }
        if (a.column ?? 0) != (b.column ?? 0) { return (a.column ?? 0) < (b.column ?? 0) }
        if a.message != b.message { return a.message < b.message }
        return a.fingerprint < b.fingerprint
    }
}
