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
        // The value as sent, quotes included (RFC 6265 5.2: a user agent stores and returns it verbatim).
        let value = pair[pair.index(after: eq)...].trimmingSpaces
        guard !name.isEmpty, !name.contains(where: { $0.isNewline }), !value.contains(where: { $0.isNewline }) else { return nil }
        var expired = false
        var sawMaxAge = false
        for attribute in parts.dropFirst() {
            let kv = attribute.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = kv[0].trimmingSpaces.lowercased()
            let v = kv.count > 1 ? kv[1].trimmingSpaces : ""
            // Max-Age: a digit or '-' first, then digits (RFC 6265 5.2.2); anything else is ignored.
            if key == "max-age", let first = v.first, first.isASCII && (first.isNumber || first == "-"), let age = Int(v) {
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

/// A cookie's `Expires` date, read as RFC 6265 section 5.1.1 says user agents read it: the text is cut at
/// delimiters, and the first tokens that look like a time, a day of the month, a month and a year are taken,
/// whatever their order and whatever else is there (`Thu, 01 Jan 1970 00:00:00 GMT`, `Thursday,
/// 01-Jan-70 00:00:00 GMT`, `Thu Jan  1 00:00:00 1970`, a `-0000` zone). Nil when one is missing or out of range.
enum HTTPDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// Seconds since 1970, or nil.
    static func parse(_ text: String) -> Double? {
        func isDelimiter(_ b: UInt8) -> Bool {
            b == 0x09 || (0x20...0x2F).contains(b) || (0x3B...0x40).contains(b) || (0x5B...0x60).contains(b) || (0x7B...0x7E).contains(b)
        }
        let tokens = text.utf8.split(whereSeparator: isDelimiter).map { Array($0) }
        /// The leading digits of a token (1...max of them), when what follows is not a digit.
        func digits(_ t: [UInt8], _ range: ClosedRange<Int>) -> (Int, Int)? {
            let n = t.prefix { (0x30...0x39).contains($0) }.count
            guard range.contains(n) else { return nil }
            return (Int(String(decoding: t.prefix(n), as: UTF8.self))!, n)
        }
        var time: (Int, Int, Int)?, day: Int?, month: Int?, year: Int?
        for t in tokens {
            if time == nil, let (h, a) = digits(t, 1...2), t.count > a, t[a] == 0x3A,
               let (m, b) = digits(Array(t[(a + 1)...]), 1...2), t.count > a + 1 + b, t[a + 1 + b] == 0x3A,
               let (s, _) = digits(Array(t[(a + b + 2)...]), 1...2) {
                time = (h, m, s)
            } else if day == nil, let (d, _) = digits(t, 1...2) {
                day = d
            } else if month == nil, t.count >= 3, let m = months.firstIndex(of: String(decoding: t.prefix(3), as: UTF8.self).lowercased()) {
                month = m
            } else if year == nil, let (y, _) = digits(t, 2...4) {
                year = y
            }
        }
        guard let (h, mi, s) = time, let day, let month, var year else { return nil }
        if (70...99).contains(year) { year += 1900 } else if (0...69).contains(year) { year += 2000 }
        guard (1...31).contains(day), year >= 1601, h <= 23, mi <= 59, s <= 59 else { return nil }
        // Days from the civil date (Howard Hinnant's algorithm), so no calendar or locale is involved.
        let mo = month + 1
        let y = mo <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (mo + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        let days = era * 146_097 + doe - 719_468
        return Double(days * 86_400 + h * 3_600 + mi * 60 + s)
    }
}
