/// A secret found in a file or a commit: where it is, a redacted preview, and the value itself, held in
/// memory only (for deduplication, the keyed fingerprint and the baseline's slow derivation). The value
/// never reaches a report, a log or the baseline.
struct SecretHit: Sendable, Hashable {
    var rule: Int
    var path: String
    var line: Int
    var column: Int
    /// The secret's bytes (decoded, for a secret found inside an encoding).
    var value: SecretValue
    /// A few leading characters and `…`.
    var preview: String
    /// The commit that added it (history scans).
    var commit: String?
    /// Suppressed by an inline marker on its line (kept so that CI can refuse markers and still report).
    var inlineIgnored = false
    /// Where the secret sat when it was found in decoded text ("inside base64 at offset 12").
    var decoded: String?
    /// Found in a documentation file (`.md`, `.rst`, ...), where most values are examples.
    var inDocumentation = false
    /// History: other paths that held the same value in later commits (not reported again).
    var alsoIn: [String] = []

    /// At most four leading characters, fewer for short secrets, then `…`; never more than a quarter of
    /// the value, so a short password stays unguessable.
    static func preview(_ secret: UnsafeBufferPointer<UInt8>) -> String {
        let keep = min(4, secret.count / 4)
        var prefix = Array(secret.prefix(keep))
        // Do not cut a multi-byte character in half.
        while let last = prefix.last, last >= 0x80 { prefix.removeLast() }
        return String(decoding: prefix, as: UTF8.self) + "…"
    }

    static func order(_ a: SecretHit, _ b: SecretHit) -> Bool {
        if (a.path, a.line, a.column, a.rule) != (b.path, b.line, b.column, b.rule) {
            return (a.path, a.line, a.column, a.rule) < (b.path, b.line, b.column, b.rule)
        }
        if a.value != b.value { return a.value < b.value }
        return (a.commit ?? "", a.decoded ?? "") < (b.commit ?? "", b.decoded ?? "")
    }
}

/// A secret's bytes, kept in memory and never printed: its descriptions are a placeholder, and it is not
/// `Codable`, so no report or file can carry it by accident.
struct SecretValue: Sendable, Hashable, Comparable, CustomStringConvertible, CustomDebugStringConvertible {
    let bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(_ buffer: UnsafeBufferPointer<UInt8>) { bytes = Array(buffer) }

    var description: String { "(secret value, \(bytes.count) bytes)" }
    var debugDescription: String { description }

    static func < (a: SecretValue, b: SecretValue) -> Bool { a.bytes.lexicographicallyPrecedes(b.bytes) }
}
