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

    /// `2026-11-22T10:00:00Z`. The format style is Sendable and formats without ICU; making an
    /// ISO8601DateFormatter per call cost a millisecond each and dominated reports with many dates.
    public static func timestamp(_ date: Date) -> String {
        date.formatted(iso)
    }

    /// `2026-11-22T10:00:00` in UTC, without a zone designator (the JUnit schema's form).
    public static func localTimestamp(_ date: Date) -> String {
        String(timestamp(date).dropLast())
    }

    private static let iso = Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!)

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

extension Duration {
    /// `n` days.
    public static func days(_ n: Int) -> Duration { .seconds(n * 86_400) }

    /// The duration in seconds as a `TimeInterval`, for date arithmetic.
    public var timeInterval: TimeInterval {
        let (s, atto) = components
        return TimeInterval(s) + TimeInterval(atto) / 1e18
    }
}
