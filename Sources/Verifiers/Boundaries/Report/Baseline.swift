import Foundation
import GateCore

/// Known violations, recorded so that only new ones fail: a JSON file of fingerprints (content based,
/// so line moves do not matter) with the rule, path and message for people reading the diff.
enum Baseline {
    static let schema = "gate-boundaries-baseline/1"

    static func load(_ path: String, display: String) throws -> Set<String> {
        guard FileManager.default.fileExists(atPath: path) else {
            throw VerifierError("the baseline '\(display)' does not exist; record the current violations with 'write-baseline: true' (or --set write-baseline=true) first")
        }
        guard let data = FileManager.default.contents(atPath: path),
              let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any],
              json["schema"] as? String == schema, let list = json["violations"] as? [[String: Any]] else {
            throw VerifierError("the baseline '\(display)' is not a '\(schema)' file; write it again with 'write-baseline: true'")
        }
        return Set(list.compactMap { $0["fingerprint"] as? String })
    }

    static func write(_ findings: [Finding], to path: String) throws {
        let entries: [[String: String]] = findings.sorted(by: Finding.reportOrder).map { f in
            var e = ["fingerprint": f.fingerprint, "rule": f.rule, "message": f.message]
            if let p = f.path { e["path"] = p }
            return e
        }
        let doc: [String: Any] = ["schema": schema, "violations": entries]
        let data = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        do { try AtomicFile.write(data + Data("\n".utf8), to: path) } catch {
            throw VerifierError("cannot write the baseline: \(error)")
        }
    }
}
