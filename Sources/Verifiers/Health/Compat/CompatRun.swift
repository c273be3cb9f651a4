import Foundation
import GateCore
import GateOpenAPI

/// Compares the version and the ABI/format fields of this run with the lock (or records the lock).
/// A field that differs from the lock while the major version is the same is `health/compat-break`;
/// after a major version change the differences are expected, and the stats say the lock is stale.
enum CompatRun {
    static let schema = "gate-compat-lock/1"

    static func run(_ c: CompatSpec, json: JSONValue?, answered: Bool, judge: inout ProbeJudge,
                    context: CheckContext) throws -> JSONValue {
        guard let json else {
            // The probe's own findings say why there is no JSON.
            return .object(["compared": false])
        }
        guard case .string(let versionText)? = c.versionPath.evaluate(json).first?.value, let version = SemVer(versionText) else {
            judge.add("compat-break", "the output has no semantic version at \(c.versionPath) to compare with '\(c.display)'",
                      identity: "compat|version")
            return .object(["compared": false])
        }
        var fields: [String: JSONValue] = [:]
        if let paths = c.fields {
            for p in paths { fields[p.description] = p.evaluate(json).first?.value ?? .null }
        } else if case .object(let o) = json {
            for (k, v) in o where k != "version" && k.hasSuffix("_version") && v.number != nil { fields["$." + k] = v }
        }
        if c.record {
            let lock: JSONValue = .object(["schema": .string(schema), "version": .string(version.description), "fields": .object(fields)])
            do {
                try AtomicFile.write(Data((pretty(lock) + "\n").utf8), to: c.lockPath)
            } catch {
                throw VerifierError("cannot write the compat lock '\(c.display)': \(error)")
            }
            return .object(["recorded": true, "version": .string(version.description), "fields": .int(fields.count)])
        }
        guard let data = FileManager.default.contents(atPath: c.lockPath) else {
            throw VerifierError("no compat lock at '\(c.display)'; record it from a release with 'record: true' "
                + "(gate check health ... --set record=true) and commit it")
        }
        guard case .object(let lock)? = try? JSONDecoder().decode(JSONValue.self, from: data),
              case .string(let lockedText)? = lock["version"], let locked = SemVer(lockedText),
              case .object(let lockedFields)? = lock["fields"] else {
            throw VerifierError("'\(c.display)' is not a compat lock (\(schema)): it needs 'version' and 'fields'; re-record it")
        }
        var changed: [String] = []
        for key in Set(lockedFields.keys).union(fields.keys).sorted() {
            let was = lockedFields[key] ?? .null, now = fields[key] ?? .null
            guard !JSONAssertion.equal(was, now) else { continue }
            changed.append(key)
            if version.major == locked.major {
                judge.add("compat-break", "\(key) changed from \(was.compactText) to \(now.compactText), but the version went from "
                          + "\(locked) to \(version) without a major version change", identity: "compat|\(key)",
                          evidence: ["field": key, "locked": was.compactText, "actual": now.compactText,
                                     "lockedVersion": locked.description, "version": version.description],
                          help: "Restore the field, or release it as \(locked.major + 1).0.0 and re-record '\(c.display)'.")
            }
        }
        return .object(["compared": true, "version": .string(version.description), "lockedVersion": .string(locked.description),
                        "changed": .array(changed.map { .string($0) }),
                        "stale": .bool(version.major != locked.major && !changed.isEmpty)])
    }

    /// Sorted, indented JSON: a lock that diffs well in review.
    static func pretty(_ v: JSONValue, indent: String = "") -> String {
        switch v {
        case .object(let o) where !o.isEmpty:
            let inner = indent + "  "
            return "{\n" + o.keys.sorted().map { inner + JSONText.quote($0) + ": " + pretty(o[$0]!, indent: inner) }
                .joined(separator: ",\n") + "\n" + indent + "}"
        default:
            return v.compactText
        }
    }
}
