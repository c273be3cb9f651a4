import Foundation

/// Keeps passwords out of every message the layer produces. Two nets: any URL's `user:password@` and
/// `password=` parameter become `***`, and the passwords the connection actually knows (from the URL,
/// `PGPASSWORD`, `~/.pgpass` through `PQpass`) are replaced wherever they appear, since a server or libpq
/// message may quote a connection string.
public enum Redaction {
    private static let userInfo = try! NSRegularExpression(pattern: #"([A-Za-z][A-Za-z0-9+.\-]*://[^\s:/@?#]*:)([^\s@/?#]*)(@)"#)
    private static let passwordParameter = try! NSRegularExpression(pattern: #"(?i)(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&'"]+)"#)

    /// The password in a URL's user part and in its password parameter become `***`, and so does the value
    /// of a password keyword in keyword/value connection strings.
    public static func scrubURLs(_ text: String) -> String {
        guard text.contains("://") || text.lowercased().contains("password") else { return text }
        var s = text
        s = userInfo.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "$1***$3")
        s = passwordParameter.stringByReplacingMatches(in: s, range: NSRange(s.startIndex..., in: s), withTemplate: "$1***")
        return s
    }

    /// Replaces every occurrence of each secret (and its percent-encoded form) with `***`, then scrubs URLs.
    public static func scrub(_ text: String, secrets: [String]) -> String {
        var s = text
        for secret in secrets.filter({ !$0.isEmpty }).sorted(by: { $0.count > $1.count }) {
            s = s.replacingOccurrences(of: secret, with: "***")
            if let encoded = secret.addingPercentEncoding(withAllowedCharacters: .alphanumerics), encoded != secret {
                s = s.replacingOccurrences(of: encoded, with: "***")
            }
        }
        return scrubURLs(s)
    }
}
