import ContentHash
import Foundation
import GateCore

/// A native store's manifests: `manifests/*.json`, each
/// `{"format": "gate-cas-manifest/1", "name": ..., "objects": [{"digest": <32 hex>, "size": N, "path": ...}]}`.
/// `size` and `path` are optional; `path` says what the object was (a file name in a release, say).
struct NativeManifest {
    static let format = "gate-cas-manifest/1"

    struct Reference {
        var digest: String
        var size: Int?
        /// The manifest's path relative to the store.
        var manifest: String
    }

    var present = false
    var count = 0
    var references: [Reference] = []
    var findings: [Finding] = []

    static func loadAll(_ directory: String) -> NativeManifest {
        var out = NativeManifest()
        guard StoreNames.isDirectory(directory) else { return out }
        out.present = true
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        for name in names where name.hasSuffix(".json") {
            let rel = "manifests/" + name
            out.count += 1
            guard let data = FileManager.default.contents(atPath: directory + "/" + name) else {
                out.findings.append(CASFindings.unreadable(path: rel, reason: "manifest '\(rel)'"))
                continue
            }
            switch parse(data, name: rel) {
            case .success(let refs): out.references += refs
            case .failure(let problem): out.findings.append(CASFindings.badManifest(path: rel, problem: problem.message))
            }
        }
        return out
    }

    struct Problem: Error { let message: String }

    static func parse(_ data: Data, name: String) -> Result<[Reference], Problem> {
        guard let json = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return .failure(Problem(message: "not a JSON object"))
        }
        guard json["format"] as? String == format else {
            return .failure(Problem(message: "'format' must be '\(format)'"))
        }
        guard let objects = json["objects"] as? [[String: Any]] else {
            return .failure(Problem(message: "'objects' must be a list of {digest, size, path} objects"))
        }
        var refs: [Reference] = []
        for (i, o) in objects.enumerated() {
            guard let d = o["digest"] as? String, StoreNames.isHex(d, count: 32) else {
                return .failure(Problem(message: "objects[\(i)].digest must be 32 lowercase hex characters (XXH3-128)"))
            }
            var size: Int?
            if let s = o["size"] {
                guard let n = s as? Int, n >= 0 else {
                    return .failure(Problem(message: "objects[\(i)].size must be a non-negative integer"))
                }
                size = n
            }
            refs.append(Reference(digest: d, size: size, manifest: name))
        }
        return .success(refs)
    }

    /// The text of a manifest listing `entries` (digest, size, path), sorted by path then digest.
    static func render(name: String, entries: [(digest: String, size: Int, path: String)]) -> String {
        let sorted = entries.sorted { ($0.path, $0.digest) < ($1.path, $1.digest) }
        let lines = sorted.map { e in
            "    {\"digest\": \"\(e.digest)\", \"size\": \(e.size), \"path\": \(jsonString(e.path))}"
        }
        return "{\n  \"format\": \"\(format)\",\n  \"name\": \(jsonString(name)),\n  \"objects\": [\n"
            + lines.joined(separator: ",\n") + "\n  ]\n}\n"
    }

    static func jsonString(_ s: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [s], options: [.withoutEscapingSlashes])) ?? Data("[\"\"]".utf8)
        let text = String(decoding: data, as: UTF8.self)
        return String(text.dropFirst().dropLast())
    }
}
