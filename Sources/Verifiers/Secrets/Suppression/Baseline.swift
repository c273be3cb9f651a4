import Foundation
import GateCore

/// Known findings that do not fail the check. An entry is (rule, path, hash of the secret): no line
/// numbers and no timestamps, so moving code does not churn the file. Entries are sorted and written one
/// per line, so that two branches adding entries merge cleanly.
///
/// ```json
/// {
///   "schema": "gate-secrets-baseline/1",
///   "entries": [
///     {"path": "config/dev.env", "rule": "secrets/github-pat", "secret": "sha256:3f1c…"}
///   ]
/// }
/// ```
struct Baseline: Sendable, Equatable {
    struct Entry: Codable, Hashable, Sendable, Comparable {
        var path: String
        var rule: String
        var secret: String

        static func < (a: Entry, b: Entry) -> Bool { (a.path, a.rule, a.secret) < (b.path, b.rule, b.secret) }
    }

    static let schema = "gate-secrets-baseline/1"
    var entries: Set<Entry>

    init(entries: some Sequence<Entry>) { self.entries = Set(entries) }

    private struct File: Codable {
        var schema: String
        var entries: [Entry]
    }

    /// Reads a baseline. A missing or malformed file is a run error (the check cannot be judged).
    static func read(_ path: String, display: String) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VerifierError("baseline '\(display)' does not exist; create it with 'write-baseline: \(display)' "
                                + "(gate check secrets --set write-baseline=\(display))")
        }
        do {
            let file = try JSONDecoder().decode(File.self, from: data)
            guard file.schema == schema else {
                throw VerifierError("baseline '\(display)' has schema '\(file.schema)'; expected '\(schema)'")
            }
            return Baseline(entries: file.entries)
        } catch let e as VerifierError {
            throw e
        } catch {
            throw VerifierError("baseline '\(display)' is not a valid baseline file (\(error)); regenerate it with 'write-baseline'")
        }
    }

    /// The file's bytes: sorted entries, one per line, keys in a fixed order. Same findings, same bytes.
    func render() -> Data {
        var out = "{\n  \"schema\": \"\(Self.schema)\",\n  \"entries\": ["
        let sorted = entries.sorted()
        for (i, e) in sorted.enumerated() {
            out += "\n    {\"path\": \(Self.quote(e.path)), \"rule\": \(Self.quote(e.rule)), \"secret\": \(Self.quote(e.secret))}"
            if i < sorted.count - 1 { out += "," }
        }
        out += sorted.isEmpty ? "]\n}\n" : "\n  ]\n}\n"
        return Data(out.utf8)
    }

    func write(_ path: String) throws {
        do { try AtomicFile.write(render(), to: path) } catch {
            throw VerifierError("cannot write the baseline: \(error.description)")
        }
    }

    func contains(rule: String, path: String, secret: String) -> Bool {
        entries.contains(Entry(path: path, rule: rule, secret: secret))
    }

    static func quote(_ s: String) -> String { JSONText.quote(s) }
}
