import Foundation

/// Parses durations written as `90s`, `10m`, `1h30m`, `500ms`, `14d`, or a bare number of seconds.
///
/// The arithmetic is exact and checked: whole milliseconds in an `Int64`, every multiply and add tested
/// for overflow, no detour through `Double` (whose conversion to an integer traps when out of range).
/// Anything longer than `maximum` is refused, so every caller can add the result to a date or a clock
/// reading without overflowing.
public enum DurationParsing {
    /// The longest duration gate accepts anywhere (a timeout, a grace period, a sign-off's validity).
    public static let maximum: Duration = .seconds(36_500 * 86_400)
    /// `maximum` as messages name it.
    public static let maximumText = "36500d (100 years)"

    /// Why a text is not a duration gate accepts.
    public enum Problem: Error, Sendable, Equatable {
        /// Not a duration at all (`soon`, `10x`, `-5s`).
        case malformed
        /// A well-formed duration longer than `maximum`.
        case tooLong
    }

    public static func parse(_ text: String) -> Duration? {
        try? check(text).get()
    }

    /// The duration, or why it is refused.
    public static func check(_ text: String) -> Result<Duration, Problem> {
        let bytes = Array(text.trimmingCharacters(in: .whitespaces).lowercased().utf8)
        guard !bytes.isEmpty else { return .failure(.malformed) }
        let limit = Int64(maximum.milliseconds)
        var total: Int64 = 0
        var i = 0
        var parts = 0
        while i < bytes.count {
            // A number: digits, optionally a '.' and more digits (at least one digit in all).
            var whole: Int64 = 0, wholeOverflow = false, digits = 0
            while i < bytes.count, isDigit(bytes[i]) {
                let (m, o1) = whole.multipliedReportingOverflow(by: 10)
                let (a, o2) = m.addingReportingOverflow(Int64(bytes[i] - 0x30))
                wholeOverflow = wholeOverflow || o1 || o2
                whole = a
                digits += 1
                i += 1
            }
            var fraction: [UInt8] = []
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                while i < bytes.count, isDigit(bytes[i]) { fraction.append(bytes[i] - 0x30); i += 1 }
            }
            guard digits + fraction.count > 0 else { return .failure(.malformed) }
            let unitStart = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "a"), bytes[i] <= UInt8(ascii: "z") { i += 1 }
            let unit = String(decoding: bytes[unitStart..<i], as: UTF8.self)
            // A bare number is seconds, but only on its own: `5s3` is a typo, not 5.003 seconds.
            if unit.isEmpty && (parts > 0 || i < bytes.count) { return .failure(.malformed) }
            guard let factor = unit.isEmpty ? 1000 : factors[unit] else { return .failure(.malformed) }
            parts += 1
            if wholeOverflow { return .failure(.tooLong) }
            let (ms, o1) = whole.multipliedReportingOverflow(by: factor)
            // The fraction's milliseconds, rounded down; nine digits are finer than any unit needs.
            var f: Int64 = 0, scale: Int64 = 1
            for d in fraction.prefix(9) { f = f * 10 + Int64(d); scale *= 10 }
            let (sum, o2) = ms.addingReportingOverflow(f * factor / scale)
            let (next, o3) = total.addingReportingOverflow(sum)
            if o1 || o2 || o3 || next > limit { return .failure(.tooLong) }
            total = next
        }
        return .success(.milliseconds(total))
    }

    private static let factors: [String: Int64] = [
        "ms": 1, "s": 1000, "sec": 1000, "secs": 1000, "m": 60_000, "min": 60_000, "mins": 60_000,
        "h": 3_600_000, "hr": 3_600_000, "hrs": 3_600_000, "d": 86_400_000, "day": 86_400_000, "days": 86_400_000,
        "w": 604_800_000,
    ]

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }

    /// What a duration key accepts, for messages: `a duration from 1ms to 36500d (100 years), such as ...`.
    public static func expectation(allowZero: Bool) -> String {
        "a duration from \(allowZero ? "0s" : "1ms") to \(maximumText), such as 90s, 10m or 1h30m"
    }

    /// `1.5s`, `2m 5s`, `350ms`: the compact form gate prints.
    public static func format(_ d: Duration) -> String {
        let ms = d.milliseconds
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 {
            let tenths = (ms + 50) / 100
            return "\(tenths / 10).\(tenths % 10)s"
        }
        let secs = ms / 1000
        if secs < 3600 { return "\(secs / 60)m \(secs % 60)s" }
        return "\(secs / 3600)h \((secs % 3600) / 60)m"
    }
}

extension Duration {
    /// Whole milliseconds, rounded down.
    public var milliseconds: Int {
        let (s, atto) = components
        return Int(s) * 1000 + Int(atto / 1_000_000_000_000_000)
    }

    public var seconds: Double { Double(milliseconds) / 1000 }
}

extension ConfigValue {
    /// The value as a duration no longer than `DurationParsing.maximum` (and longer than zero unless
    /// `allowZero`), or an error naming this value's position, `key` and the range.
    public func duration(key: String, allowZero: Bool) throws(ConfigError) -> Duration {
        guard let s = string, case .success(let d) = DurationParsing.check(s), allowZero || d > .zero else {
            throw .invalidValue(location, key: key, expected: DurationParsing.expectation(allowZero: allowZero),
                                got: typeDescription)
        }
        return d
    }
}
