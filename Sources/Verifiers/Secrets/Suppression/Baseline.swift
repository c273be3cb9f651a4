import ContentHash
import Foundation
import GateCore

/// Known findings that do not fail the check. An entry is (rule, path, slow salted derivation of the
/// secret): no line numbers and no timestamps, so moving code does not churn the file. Entries are sorted
/// and written one per line, so that two branches adding entries merge cleanly.
///
/// ```json
/// {
///   "schema": "gate-secrets-baseline/2",
///   "kdf": {"name": "pbkdf2-sha256", "iterations": 16384, "salt": "9b0c…"},
///   "entries": [
///     {"path": "config/dev.env", "rule": "secrets/github-pat", "secret": "5e2d…"}
///   ]
/// }
/// ```
///
/// `secret` is `BaselineKDF.derive(value, rule)`: the salt is random per baseline and kept in the file, so
/// another clone derives the same keys, and a guess costs `iterations` rounds of HMAC-SHA256.
/// The first format (`gate-secrets-baseline/1`) held a truncated SHA-256 of each value; it is still read
/// (`legacy`), and `SecretsVerifier` rewrites it in this format on first use.
struct Baseline: Sendable, Equatable {
    struct Entry: Codable, Hashable, Sendable, Comparable {
        var path: String
        var rule: String
        var secret: String

        static func < (a: Entry, b: Entry) -> Bool { (a.path, a.rule, a.secret) < (b.path, b.rule, b.secret) }
    }

    static let schema = "gate-secrets-baseline/2"
    static let legacySchema = "gate-secrets-baseline/1"

    var kdf: BaselineKDF
    var entries: Set<Entry>
    /// Read from the first format: `secret` is `sha256:` and 32 hex digits of SHA-256 over the value.
    var legacy = false

    init(kdf: BaselineKDF, entries: some Sequence<Entry>, legacy: Bool = false) {
        self.kdf = kdf
        self.entries = Set(entries)
        self.legacy = legacy
    }

    /// The (path, rule) pairs with an entry: only findings in one of them need the slow derivation.
    var places: Set<Place> { Set(entries.map { Place(path: $0.path, rule: $0.rule) }) }

    struct Place: Hashable { var path: String; var rule: String }

    /// The keys of `pairs` in this file's terms: the slow derivation, or the old fast hash for a legacy file.
    func keys(_ pairs: [(rule: String, value: SecretValue)], jobs: Int) -> [String] {
        legacy ? pairs.map { Self.legacyHash($0.value) } : kdf.derive(pairs, jobs: jobs)
    }

    /// The first format's key: `sha256:` and the first 32 hex digits of SHA-256 over the value.
    static func legacyHash(_ value: SecretValue) -> String {
        "sha256:" + String(value.bytes.withUnsafeBytes { ContentHash.hash($0, .sha256).hex }.prefix(32))
    }

    private struct KDFField: Codable {
        var name: String
        var iterations: Int
        var salt: String
    }

    private struct File: Codable {
        var schema: String
        var kdf: KDFField?
        var entries: [Entry]
    }

    /// Reads a baseline. A missing or malformed file is a run error (the check cannot be judged).
    static func read(_ path: String, display: String) throws -> Baseline {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw VerifierError("baseline '\(display)' does not exist; create it with 'write-baseline: \(display)' "
                                + "(gate check secrets --set write-baseline=\(display))")
        }
        let file: File
        do { file = try JSONDecoder().decode(File.self, from: data) } catch {
            throw VerifierError("baseline '\(display)' is not a valid baseline file (\(error)); regenerate it with 'write-baseline'")
        }
        if file.schema == legacySchema {
            return Baseline(kdf: .fresh(), entries: file.entries, legacy: true)
        }
        guard file.schema == schema else {
            throw VerifierError("baseline '\(display)' has schema '\(file.schema)'; expected '\(schema)' "
                                + "(or '\(legacySchema)', which gate migrates)")
        }
        guard let k = file.kdf, k.name == BaselineKDF.name else {
            throw VerifierError("baseline '\(display)': 'kdf' must be {\"name\": \"\(BaselineKDF.name)\", \"iterations\": N, "
                                + "\"salt\": HEX}; regenerate it with 'write-baseline'")
        }
        guard k.iterations >= BaselineKDF.minimumIterations, k.iterations <= 1 << 24 else {
            throw VerifierError("baseline '\(display)': kdf iterations \(k.iterations) is outside "
                                + "\(BaselineKDF.minimumIterations)...\(1 << 24); regenerate it with 'write-baseline'")
        }
        guard let salt = Hex.decode(k.salt), salt.count >= 16 else {
            throw VerifierError("baseline '\(display)': kdf salt must be 32 hex digits or more; regenerate it with 'write-baseline'")
        }
        return Baseline(kdf: BaselineKDF(iterations: k.iterations, salt: salt), entries: file.entries)
    }

    /// The KDF of the v2 baseline at `path`, if there is one, so that rewriting it keeps its salt (and the
    /// file does not change when the findings did not).
    static func existingKDF(_ path: String) -> BaselineKDF? {
        guard let b = try? read(path, display: path), !b.legacy else { return nil }
        return b.kdf
    }

    /// The file's bytes: sorted entries, one per line, keys in a fixed order. Same findings and salt, same bytes.
    func render() -> Data {
        precondition(!legacy, "a legacy baseline is migrated, never written")
        var out = "{\n  \"schema\": \"\(Self.schema)\",\n"
        out += "  \"kdf\": {\"name\": \"\(BaselineKDF.name)\", \"iterations\": \(kdf.iterations), \"salt\": \"\(Hex.encode(kdf.salt))\"},\n"
        out += "  \"entries\": ["
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

    static func quote(_ s: String) -> String { JSONText.quote(s) }
}
