import Foundation

/// Scrubs credentials out of text that gate keeps (program logs, messages).
///
/// Two sources: the values of environment variables whose names look secret (TOKEN, SECRET, PASSWORD,
/// API_KEY, ...), and well-known token shapes with fixed prefixes. A match keeps at most four leading
/// characters and then `…[redacted]`, so a reader can tell which credential it was without seeing it.
/// The secrets verifier finds credentials in files; this is the last line of defence for logs.
public struct Redactor: Sendable {
    private let literals: [(value: String, label: String)]

    /// - Parameter environment: variables whose secret-looking values must never be shown.
    public init(environment: [String: String] = [:]) {
        var lits: [(String, String)] = []
        for (k, v) in environment where v.count >= 6 && Self.looksSecret(k) { lits.append((v, k)) }
        // Longest first, so that a value containing another is replaced whole.
        literals = lits.sorted { $0.0.count > $1.0.count }
    }

    /// True when a variable name suggests it holds a credential.
    public static func looksSecret(_ name: String) -> Bool {
        // Byte search on the upper-cased name: this runs for every variable of every check.
        let upper = Array(name.utf8).map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
        return secretMarkers.contains { marker in
            guard upper.count >= marker.count else { return false }
            return (0...(upper.count - marker.count)).contains { i in upper[i..<(i + marker.count)].elementsEqual(marker) }
        }
    }

    private static let secretMarkers: [[UInt8]] = ["TOKEN", "SECRET", "PASSWORD", "PASSWD", "API_KEY", "APIKEY",
                                                   "PRIVATE_KEY", "CREDENTIAL", "ACCESS_KEY", "AUTH"].map { Array($0.utf8) }

    /// `abcd…[redacted]`: a short preview that identifies without revealing.
    public static func preview(_ secret: String, keep: Int = 4) -> String {
        String(secret.prefix(min(keep, secret.count / 4))) + "…[redacted]"
    }

    public func redact(_ text: String) -> String {
        guard !text.isEmpty else { return text }
        var out = text
        for (value, label) in literals where out.contains(value) {
            out = out.replacingOccurrences(of: value, with: "[redacted:\(label)]")
        }
        // The prefilter runs before the patterns are touched: compiling them starts ICU's regex engine,
        // which cost about 5 ms, and most texts (summaries, empty logs) have no trigger at all.
        guard Patterns.mayMatch(out) else { return out }
        return Patterns.shared.redact(out)
    }
}

/// Compiled once; NSRegularExpression is immutable after creation.
final class Patterns: @unchecked Sendable {
    static let shared = Patterns()

    private let expressions: [NSRegularExpression]
    private let passwordInURL: NSRegularExpression

    private init() {
        let sources = [
            #"-----BEGIN [A-Z ]*PRIVATE KEY( BLOCK)?-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY( BLOCK)?-----|$)"#,
            #"\b(?:gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{40,})"#,
            #"\bglpat-[A-Za-z0-9_\-]{20,}"#,
            #"\bxox[abposr]-[A-Za-z0-9\-]{10,}"#,
            #"\b(?:sk|rk)_live_[A-Za-z0-9]{16,}"#,
            #"\b(?:AKIA|ASIA|ABIA|ACCA)[A-Z0-9]{16}\b"#,
            #"\bsk-(?:ant-|proj-)?[A-Za-z0-9_\-]{20,}"#,
            #"\bnpm_[A-Za-z0-9]{36}\b"#,
            #"\bpypi-[A-Za-z0-9_\-]{50,}"#,
            #"\bhf_[A-Za-z0-9]{30,}"#,
            #"\bAIza[0-9A-Za-z_\-]{35}"#,
            #"\bSG\.[A-Za-z0-9_\-]{16,}\.[A-Za-z0-9_\-]{16,}"#,
            #"\beyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{10,}"#,
            #"(?i)\b(?:bearer|token|password|passwd|secret|api[_-]?key)\b(\s*[:=]\s*|\s+)["']?[^\s"',;]{8,}"#,
        ]
        expressions = sources.compactMap { try? NSRegularExpression(pattern: $0) }
        passwordInURL = try! NSRegularExpression(pattern: #"([a-zA-Z][a-zA-Z0-9+.\-]*://[^\s:/@]+:)([^\s@/]+)(@)"#)
    }

    /// Text that every pattern above needs, lower-cased: a text with none of them (most summaries and many
    /// logs) cannot match and skips the regexes. Kept in step with `sources` by a test.
    static let triggers: [[UInt8]] = [
        "-----begin", "gh", "github_pat_", "glpat-", "xox", "_live_", "akia", "asia", "abia", "acca", "sk-",
        "npm_", "pypi-", "hf_", "aiza", "sg.", "eyj", "bearer", "token", "password", "passwd", "secret", "api",
        "://",
    ].map { Array($0.utf8) }

    static func mayMatch(_ text: String) -> Bool {
        var lower = Array(text.utf8)
        for i in lower.indices where lower[i] >= 65 && lower[i] <= 90 { lower[i] += 32 }
        return lower.withUnsafeBufferPointer { hay in
            triggers.contains { needle in
                guard hay.count >= needle.count else { return false }
                let first = needle[0]
                var i = 0
                let last = hay.count - needle.count
                while i <= last {
                    if hay[i] == first {
                        var k = 1
                        while k < needle.count && hay[i + k] == needle[k] { k += 1 }
                        if k == needle.count { return true }
                    }
                    i += 1
                }
                return false
            }
        }
    }

    /// Callers check `mayMatch` first.
    func redact(_ text: String) -> String {
        var s = text
        var range = NSRange(s.startIndex..., in: s)
        s = passwordInURL.stringByReplacingMatches(in: s, range: range, withTemplate: "$1***$3")
        for re in expressions {
            range = NSRange(s.startIndex..., in: s)
            let matches = re.matches(in: s, range: range)
            guard !matches.isEmpty else { continue }
            var result = ""
            var cursor = s.startIndex
            for m in matches {
                guard let r = Range(m.range, in: s) else { continue }
                result += s[cursor..<r.lowerBound]
                result += Redactor.preview(String(s[r]))
                cursor = r.upperBound
            }
            result += s[cursor...]
            s = result
        }
        return s
    }
}
