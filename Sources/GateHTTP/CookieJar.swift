import Foundation

/// The cookies of one request flow (a login, a health `flow:`): what each answer's `Set-Cookie` headers set,
/// sent back as one `Cookie` header on the next requests to the same service, as a browser would within a
/// session. Only the name and value of each cookie are kept (RFC 6265 section 5.2: the pair before the first
/// `;`); a cookie set again replaces its value, and one set with `Max-Age=0` (or a negative age) or an
/// `Expires` date in the past is removed, which is how services log out. Domain and Path are not checked:
/// a flow talks to one service.
///
/// Written here rather than using libcurl's cookie engine: a flow needs the cookies as named values (for
/// `cookie:NAME` captures and for redaction), and the engine keeps them inside handles that gate's client
/// pools across requests.
public struct CookieJar: Sendable {
    /// Name and value, in the order the cookies were first set.
    public private(set) var cookies: [(name: String, value: String)] = []

    public init() {}

    /// Takes every `Set-Cookie` of an answer's headers.
    public mutating func take(_ headers: [HTTPHeader], now: Double = Double(time(nil))) {
        for h in headers where h.name.lowercased() == "set-cookie" {
            guard let c = Self.parse(h.value, now: now) else { continue }
            cookies.removeAll { $0.name == c.name }
            if !c.expired { cookies.append((c.name, c.value)) }
        }
    }

    public func value(_ name: String) -> String? { cookies.first { $0.name == name }?.value }

    /// The `Cookie` header's value, or nil when the jar is empty.
    public var header: String? {
        cookies.isEmpty ? nil : cookies.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }

    /// One `Set-Cookie` value: its name, value, and whether it removes the cookie. Nil when it has no
    /// `=` or an empty name (RFC 6265 5.2: such a header is ignored).
    public static func parse(_ text: String, now: Double = Double(time(nil))) -> (name: String, value: String, expired: Bool)? {
        let parts = text.split(separator: ";", omittingEmptySubsequences: false)
        guard let pair = parts.first, let eq = pair.firstIndex(of: "=") else { return nil }
        let name = pair[..<eq].trimmingSpaces
        var value = pair[pair.index(after: eq)...].trimmingSpaces
        guard !name.isEmpty, !name.contains(where: { $0.isNewline }), !value.contains(where: { $0.isNewline }) else { return nil }
        if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
        var expired = false
        var sawMaxAge = false
        for attribute in parts.dropFirst() {
            let kv = attribute.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = kv[0].trimmingSpaces.lowercased()
            let v = kv.count > 1 ? kv[1].trimmingSpaces : ""
            if key == "max-age", let age = Int(v) {
                // Max-Age wins over Expires (RFC 6265 5.3 step 3).
                sawMaxAge = true
                expired = age <= 0
            } else if key == "expires", !sawMaxAge, let when = HTTPDate.parse(v) {
                expired = when <= now
            }
        }
        return (name, value, expired)
    }
}

extension Substring {
    fileprivate var trimmingSpaces: String {
        String(drop { $0 == " " || $0 == "\t" }.reversed().drop { $0 == " " || $0 == "\t" }.reversed())
    }
}

/// The IMF-fixdate form of an HTTP date (`Sun, 06 Nov 1994 08:49:37 GMT`, RFC 9110 5.6.7), which is what
/// services send in `Expires`; the obsolete forms give nil (the cookie is then kept).
enum HTTPDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970, or nil.
    static func parse(_ text: String) -> Double? {
        let fields = text.split(separator: " ")
        guard fields.count == 6, fields[5].uppercased() == "GMT", let day = Int(fields[1]),
              let month = months.firstIndex(of: fields[2].lowercased()), let year = Int(fields[3]) else { return nil }
        let clock = fields[4].split(separator: ":")
        guard clock.count == 3, let h = Int(clock[0]), let m = Int(clock[1]), let s = Int(clock[2]),
              (1...31).contains(day), (0...23).contains(h), (0...59).contains(m), (0...60).contains(s) else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm), so no calendar or locale is involved.
        let mo = month + 1
        let y = mo <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (mo + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86_400 + h * 3_600 + m * 60 + s)
    }
}
