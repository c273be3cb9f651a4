import ContentHash
import Foundation

/// Scrubs credentials out of every text gate writes: reports, the console, the GitHub step summary and
/// annotations, the history and cache databases, attestations and the secrets baseline.
///
/// **What it finds.** The values of environment variables whose names look secret (`looksSecret`: TOKEN,
/// SECRET, PASSWORD, a `_PWD`, `_PASS`, `_KEY` or `_DSN` suffix, ...) and the passwords of URLs held in any
/// variable; and the credential shapes of `RedactionRule.all` (GitHub, GitLab, Slack, Stripe, AWS, private
/// keys with or without their BEGIN line, `password=...`, ...). Escape sequences (`\e[31m`) are set aside
/// before matching, so a coloured token is still a token; the text keeps them outside what is redacted. A
/// secret cut at a buffer edge is still caught: shapes need only a short body, and the first and last eight
/// characters of a secret value are redacted wherever they appear. A match keeps at most four leading
/// characters and then `…[redacted]` (environment values become `[redacted:NAME]`), so a reader can tell
/// which credential it was without seeing it.
///
/// **Where it runs.** Not field by field in each verifier, but where text enters what gate keeps:
/// - every `CheckResult`, whole, as it leaves the scheduler (`Scheduler.execute`, `Scheduler.notRun`):
///   summary, reason, log, stats, testcase names, ingested rule descriptions, and each finding's rule,
///   message, path, help, evidence and waiver. Reports, the console, the step summary, annotations and the
///   history are all built from these results. An outcome stored in the result cache is scrubbed the same
///   way before it is written, and again when it is read back;
/// - every `Attestation` as it is made, from `gate attest` or from `.gate/attestations.yaml`;
/// - everything the CLI prints (`Terminal`), for text that is not from a result (progress, notes, errors);
/// - files a verifier writes itself (the secrets baseline), by that verifier.
///
/// **Cost.** Most texts contain no trigger: one pass over the bytes with a lookup table answers that, and
/// nothing else runs. The regexes are PCRE2 (compiled once, JIT), run only for rules whose trigger occurs.
public struct Redactor: Sendable {
    struct Literal: Sendable {
        var value: [UInt8]
        var label: String
    }

    let literals: [Literal]

    /// Shapes only, no environment values.
    public static let shapesOnly = Redactor()

    /// - Parameter environment: variables whose secret-looking values must never be shown.
    public init(environment: [String: String] = [:]) {
        literals = Self.literals(from: environment)
    }

    /// `abcd…[redacted]`: a short preview that identifies without revealing.
    public static func preview(_ secret: String, keep: Int = 4) -> String {
        String(secret.prefix(min(keep, secret.count / 4))) + "…[redacted]"
    }

    public func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var copy = text
        let redacted: String? = copy.withUTF8 { RedactionEngine.redact($0, literals: literals) }
        return redacted ?? text
    }

    /// A key for `text` in a state file: the text itself, or `sha256:<hex>` when it holds a credential (a
    /// file name with a token in it). Unlike a redacted text, two different keys never become one.
    public func storageKey(_ text: String) -> String {
        redact(text) == text ? text : "sha256:" + ContentHash.hash(text, .sha256).hex
    }

    /// The text of a stream whose start was cut (the kept tail of a program's output): its leading run of
    /// token characters is the second half of something cut in two, perhaps a token or a line of a key,
    /// and becomes `…`. Whole tokens after it are left to `redact`.
    public static func cutStart(_ text: String) -> String {
        let bytes = text.utf8
        var end = bytes.startIndex, n = 0
        // Non-ASCII bytes only as the rest of one cut character: text in other scripts is not a token.
        while end != bytes.endIndex, isTokenByte(bytes[end]) || (bytes[end] >= 0x80 && n < 4) {
            end = bytes.index(after: end)
            n += 1
        }
        guard n > 0 else { return text }
        return "…" + String(text[end...])
    }

    /// Letters, digits and `_-+/=.~`.
    private static func isTokenByte(_ b: UInt8) -> Bool {
        switch b {
        case 0x30...0x39, 0x41...0x5A, 0x61...0x7A: true
        case UInt8(ascii: "_"), UInt8(ascii: "-"), UInt8(ascii: "+"), UInt8(ascii: "/"), UInt8(ascii: "="),
             UInt8(ascii: "."), UInt8(ascii: "~"): true
        default: false
        }
    }
}
