import Foundation

/// Reads `.gate/waivers.yaml` strictly: a typo must never make a waiver vanish silently, so an unknown
/// key, a missing `expires`, a date too far ahead or any other mistake is a `ConfigError` (exit 2) that
/// names the file, the line and the key.
///
/// ```yaml
/// waivers:
///   - rule: secrets/generic
///     path: tests/fixtures/**
///     reason: Fake credentials used by the parser tests.
///     owner: security-team
///     expires: 2026-12-31
/// ```
public enum WaiverFile {
    public static let fileName = "waivers.yaml"
    public static let topKeys = ["waivers"]
    public static let entryKeys = ["check", "rule", "fingerprint", "path", "reason", "owner", "expires", "created"]
    /// The default ceiling on a waiver's lifetime (from `created`, or from today).
    public static let defaultMaxLifetime: Duration = .days(90)

    /// Loads the file at `path`; a missing or empty file means no waivers. `now` is the day lifetimes are
    /// measured from when an entry has no `created`.
    public static func load(path: String, displayPath: String? = nil, now: Date = Date(),
                            maxLifetime: Duration = defaultMaxLifetime) throws(ConfigError) -> WaiverSet {
        guard FileManager.default.fileExists(atPath: path) else { return WaiverSet([], asOf: now, file: path) }
        let shown = displayPath ?? PathUtil.display(path)
        guard let doc = try YAMLLoader.load(path: path, displayPath: shown) else {
            return WaiverSet([], asOf: now, file: path)
        }
        return WaiverSet(try parse(doc, now: now, maxLifetime: maxLifetime), asOf: now, file: path)
    }

    /// Parses a loaded document (also used by tests on text).
    public static func parse(_ doc: ConfigValue, now: Date, maxLifetime: Duration) throws(ConfigError) -> [Waiver] {
        guard let top = doc.mapping else {
            throw .invalidValue(doc.location, key: "(waivers file)", expected: "a map with a 'waivers' list",
                                got: doc.typeDescription)
        }
        for e in top where !topKeys.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "the waivers file", valid: topKeys)
        }
        guard let list = doc["waivers"], !list.isNull else { return [] }
        guard let items = list.sequence else {
            throw .invalidValue(list.location, key: "waivers", expected: "a list of waivers", got: list.typeDescription)
        }
        var out: [Waiver] = []
        for item in items { out.append(try entry(item, now: now, maxLifetime: maxLifetime)) }
        return out
    }

    private static func entry(_ v: ConfigValue, now: Date, maxLifetime: Duration) throws(ConfigError) -> Waiver {
        guard let entries = v.mapping else {
            throw .invalidValue(v.location, key: "waivers[]", expected: "a map with a selector, 'reason', 'owner' and 'expires'",
                                got: v.typeDescription)
        }
        for e in entries where !entryKeys.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "a waiver", valid: entryKeys)
        }
        func text(_ key: String, required: Bool) throws(ConfigError) -> String? {
            guard let value = v[key], !value.isNull else {
                if required { throw .missingKey(v.location, key: key, context: "a waiver") }
                return nil
            }
            guard let s = value.string, !s.trimmingCharacters(in: .whitespaces).isEmpty,
                value.sequence == nil, value.mapping == nil
            else {
                throw .invalidValue(value.location, key: key, expected: "a non-empty string", got: value.typeDescription)
            }
            return s
        }
        let check = try text("check", required: false)
        let rule = try text("rule", required: false)
        let fingerprint = try text("fingerprint", required: false)
        let path = try text("path", required: false)
        if check == nil, rule == nil, fingerprint == nil, path == nil {
            throw .missingKey(v.location, key: "check', 'rule', 'fingerprint' or 'path", context: "a waiver")
        }
        let reason = try text("reason", required: true)!
        let owner = try text("owner", required: true)!
        let expiresText = try text("expires", required: true)!
        guard var expires = DateText.parse(expiresText) else {
            throw .invalidValue(v["expires"]!.location, key: "expires", expected: "a date such as 2026-12-31",
                                got: v["expires"]!.typeDescription)
        }
        // A bare date is valid through the whole of that day.
        if DateText.isDay(expiresText) { expires += 86_400 }
        var created: Date?
        if let c = try text("created", required: false) {
            guard let d = DateText.parse(c) else {
                throw .invalidValue(v["created"]!.location, key: "created", expected: "a date such as 2026-11-01",
                                    got: v["created"]!.typeDescription)
            }
            if d >= expires {
                throw .invalidParameter(v["created"]!.location, key: "created",
                                        message: "\(c) is not before 'expires' (\(expiresText))")
            }
            created = d
        }
        let from = created ?? now
        let limit = from.addingTimeInterval(maxLifetime.timeInterval + (DateText.isDay(expiresText) ? 86_400 : 0))
        if expires > limit {
            let days = Int(maxLifetime.timeInterval / 86_400)
            let base = created.map { "its 'created' date \(DateText.day(of: $0))" } ?? "today (\(DateText.day(of: now)))"
            throw .invalidParameter(
                v["expires"]!.location, key: "expires",
                message: "\(expiresText) is more than \(days) days after \(base); waivers may last at most \(days) days. "
                    + "Choose an earlier date, or raise 'waivers: {max-lifetime: ...}' in the suite")
        }
        return Waiver(check: check, rule: rule, fingerprint: fingerprint, path: path, reason: reason, owner: owner,
                      expires: expires, expiresText: expiresText, created: created, location: v.location)
    }
}
