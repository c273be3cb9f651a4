import Foundation

/// Reads and writes `.gate/attestations.yaml`. Reading is strict (unknown keys, missing fields and bad
/// dates are `ConfigError`s naming file, line and key); writing produces one canonical layout, with every
/// string double-quoted, so that appending a sign-off shows up as a clean addition in review.
public enum AttestationFile {
    public static let fileName = "attestations.yaml"
    public static let topKeys = ["attestations"]
    public static let entryKeys = ["item", "by", "at", "commit", "note", "evidence", "suite"]

    public static func load(path: String, displayPath: String? = nil) throws(ConfigError) -> AttestationLog {
        guard FileManager.default.fileExists(atPath: path) else { return AttestationLog() }
        let shown = displayPath ?? PathUtil.display(path)
        guard let doc = try YAMLLoader.load(path: path, displayPath: shown) else { return AttestationLog() }
        return try parse(doc)
    }

    public static func parse(_ doc: ConfigValue) throws(ConfigError) -> AttestationLog {
        guard let top = doc.mapping else {
            throw .invalidValue(doc.location, key: "(attestations file)", expected: "a map with an 'attestations' list",
                                got: doc.typeDescription)
        }
        for e in top where !topKeys.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "the attestations file", valid: topKeys)
        }
        guard let list = doc["attestations"], !list.isNull else { return AttestationLog() }
        guard let items = list.sequence else {
            throw .invalidValue(list.location, key: "attestations", expected: "a list", got: list.typeDescription)
        }
        var out: [Attestation] = []
        for v in items {
            guard let entries = v.mapping else {
                throw .invalidValue(v.location, key: "attestations[]", expected: "a map", got: v.typeDescription)
            }
            for e in entries where !entryKeys.contains(e.key) {
                throw .unknownKey(e.keyLocation, key: e.key, context: "an attestation", valid: entryKeys)
            }
            func text(_ key: String, required: Bool) throws(ConfigError) -> String? {
                guard let value = v[key], !value.isNull else {
                    if required { throw .missingKey(v.location, key: key, context: "an attestation") }
                    return nil
                }
                guard let s = value.string else {
                    throw .invalidValue(value.location, key: key, expected: "a string", got: value.typeDescription)
                }
                return s
            }
            let atText = try text("at", required: true)!
            guard let at = DateText.parse(atText) else {
                throw .invalidValue(v["at"]!.location, key: "at", expected: "a timestamp such as 2026-11-22T10:00:00Z",
                                    got: v["at"]!.typeDescription)
            }
            out.append(Attestation(
                item: try text("item", required: true)!, by: try text("by", required: true)!, at: at,
                commit: try text("commit", required: false), note: try text("note", required: true)!,
                evidence: try text("evidence", required: false), suite: try text("suite", required: false),
                location: v.location))
        }
        return AttestationLog(out)
    }

    /// The canonical text of a log.
    public static func render(_ log: AttestationLog) -> String {
        var out = """
            # Sign-offs for manual checklist items, recorded by `gate attest`. Commit this file and review
            # changes to it like code: each entry says who signed off, when, at which commit, and why.


            """
        if log.entries.isEmpty { return out + "attestations: []\n" }
        out += "attestations:\n"
        for a in log.entries {
            out += "  - item: \(quote(a.item))\n"
            out += "    by: \(quote(a.by))\n"
            out += "    at: \(quote(DateText.timestamp(a.at)))\n"
            if let c = a.commit { out += "    commit: \(quote(c))\n" }
            out += "    note: \(quote(a.note))\n"
            if let e = a.evidence { out += "    evidence: \(quote(e))\n" }
            if let s = a.suite { out += "    suite: \(quote(s))\n" }
        }
        return out
    }

    /// Appends a sign-off to the file at `path` (creating it), keeping every earlier entry. An exclusive
    /// lock on a sibling `.lock` file keeps two `gate attest` at the same moment from losing one.
    public static func append(_ attestation: Attestation, to path: String) throws -> AttestationLog {
        try AtomicFile.makeDirectory(PathUtil.dirname(path))
        let lock = open(path + ".lock", O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        if lock >= 0 { flock(lock, LOCK_EX) }
        defer {
            if lock >= 0 {
                flock(lock, LOCK_UN)
                close(lock)
            }
        }
        var log = try load(path: path)
        log.entries.append(attestation)
        try AtomicFile.write(render(log), to: path)
        return log
    }

    /// A YAML double-quoted scalar. YAML's escapes are a superset of JSON's, so this round-trips.
    static func quote(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F || (0x80...0x9F).contains(scalar.value)
                    || scalar.value == 0xFEFF || scalar.value == 0x2028 || scalar.value == 0x2029 {
                    out += String(format: "\\u%04X", scalar.value)
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out + "\""
    }
}
