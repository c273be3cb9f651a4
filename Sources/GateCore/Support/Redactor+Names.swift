import Foundation

extension Redactor {
    /// True when a variable name suggests it holds a credential.
    ///
    /// - Anywhere in the name: TOKEN, SECRET, PASSWORD, PASSWD, PASSPHRASE, API_KEY, APIKEY, PRIVATE_KEY,
    ///   CREDENTIAL, ACCESS_KEY, AUTHORIZATION (`GITHUB_TOKEN`, `db_password`).
    /// - At the end: PWD, PASS, KEY, DSN (`MYSQL_PWD`, `DB_PASS`, `SIGNING_KEY`, `STRIPEKEY`, `SENTRY_DSN`),
    ///   and AUTH as the last word (`BASIC_AUTH`; not `GIT_AUTHOR_NAME`).
    /// - Not `PWD` and `OLDPWD` themselves: the shell keeps the working directory there, and hiding every
    ///   path under it would blind the logs.
    /// Runs for every variable of every check: a byte search on the upper-cased name.
    public static func looksSecret(_ name: String) -> Bool {
        let upper = Array(name.utf8).map { $0 >= 97 && $0 <= 122 ? $0 - 32 : $0 }
        if upper.elementsEqual("PWD".utf8) || upper.elementsEqual("OLDPWD".utf8) { return false }
        if secretMarkers.contains(where: { contains(upper, $0) }) { return true }
        if secretSuffixes.contains(where: { upper.count >= $0.count && upper.suffix($0.count).elementsEqual($0) }) {
            return true
        }
        let lastWord = upper.split { $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: ".") }.last
        return lastWord.map { $0.elementsEqual("AUTH".utf8) } ?? false
    }

    private static let secretMarkers: [[UInt8]] = [
        "TOKEN", "SECRET", "PASSWORD", "PASSWD", "PASSPHRASE", "API_KEY", "APIKEY", "PRIVATE_KEY", "CREDENTIAL",
        "ACCESS_KEY", "AUTHORIZATION",
    ].map { Array($0.utf8) }

    private static let secretSuffixes: [[UInt8]] = ["PWD", "PASS", "KEY", "DSN"].map { Array($0.utf8) }

    private static func contains(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard hay.count >= needle.count else { return false }
        return (0...(hay.count - needle.count)).contains { i in hay[i..<(i + needle.count)].elementsEqual(needle) }
    }

    /// Values to hide: those of secret-looking variables (six characters or more; shorter ones are not
    /// worth hiding and would match everywhere), and the password of a URL in any variable
    /// (`DATABASE_URL=postgres://app:PASSWORD@db/app`), as written and percent-decoded. Longest first, so a
    /// value that contains another is replaced whole.
    static func literals(from environment: [String: String]) -> [Literal] {
        var found: [String: String] = [:]
        for (name, value) in environment {
            if value.utf8.count >= 6, looksSecret(name) { found[value] = found[value].map { min($0, name) } ?? name }
            guard value.utf8.count >= 10, value.contains("://") else { continue }
            for password in urlPasswords(in: value) where password.utf8.count >= 4 {
                found[password] = found[password].map { min($0, name) } ?? name
            }
        }
        return found.map { Literal(value: Array($0.key.utf8), label: "[redacted:\($0.value)]") }
            .sorted { ($0.value.count, $1.label) > ($1.value.count, $0.label) }
    }

    /// The passwords of `scheme://user:password@host` URLs in a value.
    static func urlPasswords(in value: String) -> [String] {
        var out: [String] = []
        var copy = value
        copy.withUTF8 { bytes in
            RedactionEngine.urlPassword.forEachMatch(in: bytes, group: 1) { range in
                let raw = String(decoding: bytes[range], as: UTF8.self)
                out.append(raw)
                if let decoded = raw.removingPercentEncoding, decoded != raw { out.append(decoded) }
            }
        }
        return out
    }
}
