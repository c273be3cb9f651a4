import Foundation

/// Dates as gate's text files write them: `2026-11-22` (a whole day, UTC) or an ISO 8601 timestamp
/// `2026-11-22T10:00:00Z`.
public enum DateText {
    /// Parses a timestamp, or a day (its start, 00:00 UTC).
    public static func parse(_ text: String) -> Date? {
        let s = text.trimmingCharacters(in: .whitespaces)
        if let d = day(s) { return d }
        let f = ISO8601DateFormatter()
        f.formatOptions = [.withInternetDateTime]
        if let d = f.date(from: s) { return d }
        f.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return f.date(from: s)
    }

    /// True when the text names a whole day rather than an instant.
    public static func isDay(_ text: String) -> Bool { day(text.trimmingCharacters(in: .whitespaces)) != nil }

    private static func day(_ s: String) -> Date? {
        let parts = s.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]),
            (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        var c = DateComponents()
        c.year = y
        c.month = m
        c.day = d
        var cal = Calendar(identifier: .gregorian)
        cal.timeZone = TimeZone(identifier: "UTC")!
        guard let date = cal.date(from: c), cal.component(.day, from: date) == d else { return nil }
        return date
    }

    /// `2026-11-22T10:00:00Z` (whole seconds, rounded down).
    ///
    /// Written out from the calendar arithmetic rather than through a Foundation format style: the style's
    /// first use loads time-zone data through ICU, which cost about 8 ms of every run that wrote a
    /// report, more than rendering the report itself.
    public static func timestamp(_ date: Date) -> String {
        let seconds = Int64((date.timeIntervalSince1970).rounded(.down))
        let (days, second) = seconds.floorDivided(by: 86_400)
        let (y, m, d) = civil(fromDays: days)
        var out = pad(y, 4) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T"
        out += pad(Int64(second / 3600), 2) + ":" + pad(Int64(second / 60 % 60), 2) + ":" + pad(Int64(second % 60), 2)
        return out + "Z"
    }

    /// `2026-11-22T10:00:00` in UTC, without a zone designator (the JUnit schema's form).
    public static func localTimestamp(_ date: Date) -> String {
        String(timestamp(date).dropLast())
    }

    /// Year, month and day of the proleptic Gregorian calendar for a count of days since 1970-01-01
    /// (the days-to-civil algorithm: eras of 400 years, years starting in March).
    static func civil(fromDays z0: Int64) -> (Int64, Int64, Int64) {
        let z = z0 + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    private static func pad(_ n: Int64, _ width: Int) -> String {
        let digits = String(n.magnitude)
        let body = digits.count < width ? String(repeating: "0", count: width - digits.count) + digits : digits
        return n < 0 ? "-" + body : body
    }

    /// `2026-11-22` in UTC.
    public static func day(of date: Date) -> String {
        String(timestamp(date).prefix(10))
    }

    /// `2026-11-22 10:00 UTC`.
    public static func minute(of date: Date) -> String {
        let t = timestamp(date)
        return String(t.prefix(10)) + " " + String(t.dropFirst(11).prefix(5)) + " UTC"
    }

    /// Whole days from `a` to `b`, rounded down (negative when `b` is earlier).
    public static func days(from a: Date, to b: Date) -> Int {
        Int((b.timeIntervalSince(a) / 86_400).rounded(.down))
    }
}

extension Int64 {
    /// Quotient and remainder rounded toward negative infinity, so the remainder is never negative.
    func floorDivided(by d: Int64) -> (Int64, Int64) {
        let (q, r) = quotientAndRemainder(dividingBy: d)
        return r < 0 ? (q - 1, r + d) : (q, r)
    }
}

extension Duration {
    /// `n` days.
    public static func days(_ n: Int) -> Duration { .seconds(n * 86_400) }

    /// The duration in seconds as a `TimeInterval`, for date arithmetic.
    public var timeInterval: TimeInterval {
        let (s, atto) = components
        return TimeInterval(s) + TimeInterval(atto) / 1e18
    }
}
