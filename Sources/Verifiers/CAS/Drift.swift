import ContentHash
import Foundation
import GateCore

/// Snapshots of a store and drift against one. A snapshot is a checksum file (`<hex>  <path>` lines,
/// sorted by path, after a `#` header), so `sha256sum -c` or `xxhsum -c` can read it too when the store
/// uses one algorithm.
enum Drift {
    static func render(_ objects: [(path: String, digest: String)], layout: Layout, algorithm: String) -> String {
        var out = "# gate cas snapshot: layout \(layout.rawValue), algorithm \(algorithm), \(objects.count) objects\n"
        for o in objects.sorted(by: { $0.path < $1.path }) { out += "\(o.digest)  \(o.path)\n" }
        return out
    }

    static func load(_ path: String, display: String) throws -> [String: String] {
        guard let text = StoreNames.read(path) else {
            throw VerifierError("cannot read the baseline '\(display)'; record one with 'snapshot: \(display)' first")
        }
        var out: [String: String] = [:]
        for (i, line) in text.split(separator: "\n").enumerated() where !line.hasPrefix("#") && !line.isEmpty {
            guard let space = line.range(of: "  ") else {
                throw VerifierError("'\(display)':\(i + 1): expected '<hex>  <path>'; is this a gate cas snapshot?")
            }
            out[String(line[space.upperBound...])] = String(line[..<space.lowerBound])
        }
        return out
    }

    static func compare(current: [(path: String, digest: String)], baseline: [String: String], display: String) -> [Finding] {
        var findings: [Finding] = []
        var seen = Set<String>()
        for o in current {
            seen.insert(o.path)
            guard let was = baseline[o.path] else {
                findings.append(Finding(rule: "cas/drift-added", message: "'\(o.path)' is new since the baseline '\(display)'",
                                        path: o.path, identity: o.digest, evidence: ["actual": o.digest],
                                        help: "If the change is intended, record a new baseline with 'snapshot'."))
                continue
            }
            if was != o.digest {
                findings.append(Finding(rule: "cas/drift-changed",
                                        message: "'\(o.path)' changed since the baseline '\(display)': '\(was)' is now '\(o.digest)'",
                                        path: o.path, identity: "\(was)>\(o.digest)",
                                        evidence: ["expected": was, "actual": o.digest],
                                        help: "If the change is intended, record a new baseline with 'snapshot'."))
            }
        }
        for (path, digest) in baseline where !seen.contains(path) {
            findings.append(Finding(rule: "cas/drift-removed", message: "'\(path)' is gone since the baseline '\(display)'",
                                    path: path, identity: digest, evidence: ["expected": digest],
                                    help: "Restore it, or record a new baseline with 'snapshot' if the removal is intended."))
        }
        return findings
    }
}
