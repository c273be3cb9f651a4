import Foundation

/// One entry of `.gate/waivers.yaml`: an exception for findings, with a reason, an owner and an expiry.
///
/// Every selector that is given must match (`check`, `rule`, `fingerprint`, `path`); at least one is
/// required. `rule` and `path` are globs (`secrets/*`, `tests/fixtures/**`); `path` matches the finding's
/// path relative to its check's root, and never matches a finding without a path. `fingerprint` is exact.
public struct Waiver: Sendable, Equatable {
    public var check: String?
    public var rule: String?
    public var fingerprint: String?
    public var path: String?
    public var reason: String
    public var owner: String
    /// The first instant at which the waiver no longer applies (a bare date means the end of that day, UTC).
    public var expires: Date
    /// `expires` as written in the file.
    public var expiresText: String
    public var created: Date?
    /// Where the entry starts in the waivers file.
    public var location: SourceLocation
    // Compiled once: a run matches every finding against every waiver.
    private let ruleGlob: Glob?
    private let pathGlob: Glob?

    public init(check: String? = nil, rule: String? = nil, fingerprint: String? = nil, path: String? = nil,
                reason: String, owner: String, expires: Date, expiresText: String? = nil, created: Date? = nil,
                location: SourceLocation = SourceLocation(file: ".gate/waivers.yaml", line: 1, column: 1)) {
        self.check = check
        self.rule = rule
        self.fingerprint = fingerprint
        self.path = path
        self.reason = reason
        self.owner = owner
        self.expires = expires
        self.expiresText = expiresText ?? DateText.timestamp(expires)
        self.created = created
        self.location = location
        self.ruleGlob = rule.map(Glob.init)
        self.pathGlob = path.map(Glob.init)
    }

    public func isExpired(asOf now: Date) -> Bool { now >= expires }

    /// True when every selector given matches the finding reported by check `checkID`.
    public func matches(_ finding: Finding, checkID: String) -> Bool {
        if let check, check != checkID { return false }
        if let rule, rule != finding.rule, ruleGlob?.matches(finding.rule) != true { return false }
        if let fingerprint, fingerprint != finding.fingerprint { return false }
        if let pathGlob {
            guard let p = finding.path, pathGlob.matches(p) else { return false }
        }
        return true
    }

    /// What reports show in `Finding.waiver`.
    /// What the waiver covers, in words: "secrets/generic in tests/fixtures/**", "check 'lint'".
    public var selectorText: String {
        var parts: [String] = []
        if let rule { parts.append(rule) }
        if let path { parts.append((rule == nil ? "findings " : "") + "in \(path)") }
        if let fingerprint { parts.append("fingerprint \(fingerprint.prefix(16))") }
        if let check { parts.append((parts.isEmpty ? "" : "of ") + "check '\(check)'") }
        return parts.joined(separator: " ")
    }

    public var label: String {
        "\(reason) (owner: \(owner), expires \(expiresText); \(location.file):\(location.line))"
    }

    /// What makes this waiver the same waiver across edits elsewhere in the file (not its line).
    var identity: String {
        ["check=\(check ?? "")", "rule=\(rule ?? "")", "fingerprint=\(fingerprint ?? "")", "path=\(path ?? "")",
         "expires=\(expiresText)"].joined(separator: "\u{1}")
    }
}
