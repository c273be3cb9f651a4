import ContentHash

/// A secret found in a file or a commit, carrying only what reports may show: where it is, a redacted
/// preview and a hash of the value. The value itself never leaves the scanner.
struct SecretHit: Sendable, Hashable {
    var rule: Int
    var path: String
    var line: Int
    var column: Int
    /// `sha256:` and the first 32 hex digits of SHA-256 over the secret's bytes.
    var secretHash: String
    /// A few leading characters and `…`.
    var preview: String
    /// The commit that added it (history scans).
    var commit: String?
    /// Suppressed by an inline marker on its line (kept so that CI can refuse markers and still report).
    var inlineIgnored = false
    /// Where the secret sat when it was found in decoded text ("inside base64 at offset 12").
    var decoded: String?

    static func hash(_ secret: UnsafeBufferPointer<UInt8>) -> String {
        "sha256:" + String(ContentHash.hash(UnsafeRawBufferPointer(secret), .sha256).hex.prefix(32))
    }

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
        return (a.secretHash, a.commit ?? "", a.decoded ?? "") < (b.secretHash, b.commit ?? "", b.decoded ?? "")
    }
}
