import Foundation
import Testing

@testable import GateCore

/// `DateText.timestamp` does its own calendar arithmetic; Foundation's ISO 8601 formatter is the reference.
@Suite struct DateTextTests {
    static func reference(_ date: Date) -> String {
        date.formatted(Date.ISO8601FormatStyle(timeZone: TimeZone(identifier: "UTC")!))
    }

    @Test func knownInstants() {
        #expect(DateText.timestamp(Date(timeIntervalSince1970: 0)) == "1970-01-01T00:00:00Z")
        #expect(DateText.timestamp(DateText.parse("2026-11-22T10:00:00Z")!) == "2026-11-22T10:00:00Z")
        // A leap day, the last second of a year, and a fraction that must round down, not up.
        #expect(DateText.timestamp(DateText.parse("2024-02-29T23:59:59Z")!) == "2024-02-29T23:59:59Z")
        #expect(DateText.timestamp(Date(timeIntervalSince1970: 1_798_761_599.999)) == "2026-12-31T23:59:59Z")
        #expect(DateText.localTimestamp(Date(timeIntervalSince1970: 86_400 * 365)) == "1971-01-01T00:00:00")
        #expect(DateText.minute(of: DateText.parse("2026-11-22T10:07:59Z")!) == "2026-11-22 10:07 UTC")
        #expect(DateText.day(of: DateText.parse("2000-03-01T00:00:00Z")!) == "2000-03-01")
    }

    @Test func matchesFoundationAcrossCenturies() {
        // Steps of a prime number of seconds walk through every month, leap year rule and time of day
        // between 1900 and 2300, including 1900 and 2100 (not leap years) and 2000 (a leap year).
        var t = -2_208_988_800.0  // 1900-01-01
        var checked = 0
        while t < 10_413_792_000 {  // 2300-01-01
            let d = Date(timeIntervalSince1970: t)
            #expect(DateText.timestamp(d) == Self.reference(d), "at \(t)")
            t += 3_999_971.5
            checked += 1
        }
        #expect(checked > 3000)
        for boundary in ["1900-02-28T23:59:59Z", "1900-03-01T00:00:00Z", "2000-02-29T12:00:00Z",
                         "2100-02-28T23:59:59Z", "2100-03-01T00:00:00Z", "1969-12-31T23:59:59Z"] {
            let d = DateText.parse(boundary)!
            #expect(DateText.timestamp(d) == boundary)
            #expect(DateText.timestamp(d) == Self.reference(d))
        }
    }
}
