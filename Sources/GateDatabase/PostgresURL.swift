import CLibPQ
import Foundation

/// A `postgres://` or `postgresql://` URL as users copy it from their tools' configuration.
///
/// Tools add query parameters libpq does not know and would refuse (`invalid URI query parameter`):
/// Prisma's `schema`, Atlas's `search_path`, golang-migrate's `x-migrations-table`, pool settings. Those
/// are kept apart in `toolParameters`, where the formats read them, and only libpq's own keywords (the
/// list `PQconndefaults` reports) go to libpq. The URL is never shown as given: `redacted` replaces the
/// password in the user part and in a `password=` parameter with `***`.
public struct PostgresURL: Sendable, Equatable, CustomStringConvertible, CustomReflectable {
    /// The URL as given. Holds the password; never put it in a message.
    let text: String
    /// What libpq receives: the URL without the tool parameters.
    let libpqText: String
    /// For messages and reports.
    public let redacted: String
    /// Query parameters libpq does not know, decoded (`schema`, `search_path`, `x-migrations-table`).
    public let toolParameters: [String: String]
    /// The password in the URL, decoded, for scrubbing messages; nil when the URL has none.
    let password: String?
    /// The database the URL names, decoded; nil for the default (the user's name).
    public let database: String?

    public var description: String { redacted }
    /// `dump()` and debuggers see the redacted form only.
    public var customMirror: Mirror { Mirror(self, children: ["redacted": redacted]) }

    public static func isURL(_ text: String) -> Bool {
        let lower = text.lowercased()
        return lower.hasPrefix("postgres://") || lower.hasPrefix("postgresql://")
    }

    public init(_ text: String) throws(DatabaseFailure) {
        guard Self.isURL(text) else {
            throw DatabaseFailure(.configuration, "'\(Redaction.scrubURLs(text))' is not a postgres:// or postgresql:// URL")
        }
        self.text = text
        let queryStart = text.firstIndex(of: "?")
        let base = String(text[..<(queryStart ?? text.endIndex)])
        let afterScheme = base.range(of: "://")!.upperBound
        let authorityEnd = base[afterScheme...].firstIndex(of: "/") ?? base.endIndex
        let authority = base[afterScheme..<authorityEnd]
        var password: String?
        var redactedBase = base
        if let at = authority.lastIndex(of: "@") {
            let userInfo = authority[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                password = String(userInfo[userInfo.index(after: colon)...]).removingPercentEncoding
                redactedBase = String(base[..<userInfo.index(after: colon)]) + "***" + String(base[at...])
            }
        }
        let path = authorityEnd < base.endIndex ? String(base[base.index(after: authorityEnd)...]) : ""
        database = path.isEmpty ? nil : path.removingPercentEncoding

        var kept: [String] = [], keptRedacted: [String] = [], tool: [String: String] = [:]
        let known = Self.libpqKeywords
        if let queryStart {
            for pair in text[text.index(after: queryStart)...].split(separator: "&", omittingEmptySubsequences: true) {
                let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
                let key = String(parts[0]).removingPercentEncoding ?? String(parts[0])
                let value = parts.count > 1 ? (String(parts[1]).replacingOccurrences(of: "+", with: " ").removingPercentEncoding ?? "") : ""
                if known.contains(key) {
                    kept.append(String(pair))
                    if key == "password" {
                        password = value
                        keptRedacted.append("password=***")
                    } else {
                        keptRedacted.append(String(pair))
                    }
                } else {
                    tool[key] = value
                    keptRedacted.append(String(pair))
                }
            }
        }
        self.password = password
        toolParameters = tool
        libpqText = base + (kept.isEmpty ? "" : "?" + kept.joined(separator: "&"))
        redacted = redactedBase + (keptRedacted.isEmpty ? "" : "?" + keptRedacted.joined(separator: "&"))

        // Let libpq judge the rest of the syntax now, so a malformed URL is a configuration error up front.
        var error: UnsafeMutablePointer<CChar>?
        if let options = PQconninfoParse(libpqText, &error) {
            PQconninfoFree(options)
        } else {
            let detail = error.map { String(cString: $0) } ?? "malformed URL"
            if let error { PQfreemem(error) }
            throw DatabaseFailure(.configuration, "the URL '\(redacted)' is not valid: "
                + Redaction.scrub(detail.trimmingCharacters(in: .whitespacesAndNewlines), secrets: [password ?? ""]))
        }
    }

    /// For running libpq's own programs (pg_dump, psql) on this database: the URL without its password and
    /// without tool parameters (naming `database` instead of the URL's, when given), and the environment
    /// that carries the password (`PGPASSWORD`), so it never shows in a process list.
    public func forCommand(database: String? = nil) -> (url: String, environment: [String: String]) {
        let queryStart = libpqText.firstIndex(of: "?")
        var base = String(libpqText[..<(queryStart ?? libpqText.endIndex)])
        let afterScheme = base.range(of: "://")!.upperBound
        let authorityEnd = base[afterScheme...].firstIndex(of: "/") ?? base.endIndex
        var authority = String(base[afterScheme..<authorityEnd])
        if let at = authority.lastIndex(of: "@"), let colon = authority[..<at].firstIndex(of: ":") {
            authority.removeSubrange(colon..<at)
        }
        let path = database.map { "/" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? $0) }
            ?? String(base[authorityEnd...])
        base = String(base[..<afterScheme]) + authority + path
        let query = queryStart.map { libpqText[libpqText.index(after: $0)...] }?.split(separator: "&")
            .filter { !$0.lowercased().hasPrefix(Self.passwordKeyword + "=") }.joined(separator: "&") ?? ""
        return (base + (query.isEmpty ? "" : "?" + query), password.map { ["PGPASSWORD": $0] } ?? [:])
    }

    /// libpq's keyword for the password (spelled out once, so secret scanners do not take code for a credential).
    static let passwordKeyword = "password"

    /// The connection keywords this libpq understands (`host`, `sslmode`, `options`, `target_session_attrs`...).
    static let libpqKeywords: Set<String> = {
        var out: Set<String> = ["dbname"]
        guard let defaults = PQconndefaults() else { return out }
        defer { PQconninfoFree(defaults) }
        var p = defaults
        while let keyword = p.pointee.keyword {
            out.insert(String(cString: keyword))
            p += 1
        }
        return out
    }()

    /// libpq's environment variables and the keywords they stand for (`PGSSLMODE` → `sslmode`), from the
    /// table libpq itself consults.
    static let environmentKeywords: [(variable: String, keyword: String)] = {
        var out: [(String, String)] = []
        guard let defaults = PQconndefaults() else { return out }
        defer { PQconninfoFree(defaults) }
        var p = defaults
        while let keyword = p.pointee.keyword {
            if let env = p.pointee.envvar { out.append((String(cString: env), String(cString: keyword))) }
            p += 1
        }
        return out
    }()
}
