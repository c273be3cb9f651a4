import Foundation

/// Parses durations written as `90s`, `10m`, `1h30m`, `500ms`, `14d`, or a bare number of seconds.
public enum DurationParsing {
    public static func parse(_ text: String) -> Duration? {
        let s = text.trimmingCharacters(in: .whitespaces).lowercased()
        guard !s.isEmpty else { return nil }
        if let secs = Double(s), secs >= 0, secs.isFinite { return .milliseconds(Int64(secs * 1000)) }
        var total: Int64 = 0
        var number = ""
        var i = s.startIndex
        var sawUnit = false
        while i < s.endIndex {
            let c = s[i]
            if c.isNumber || c == "." {
                number.append(c)
                i = s.index(after: i)
                continue
            }
            var unit = String(c)
            var j = s.index(after: i)
            while j < s.endIndex, s[j].isLetter { unit.append(s[j]); j = s.index(after: j) }
            guard let value = Double(number), value >= 0 else { return nil }
            let factor: Double
            switch unit {
            case "ms": factor = 1
            case "s", "sec", "secs": factor = 1000
            case "m", "min", "mins": factor = 60_000
            case "h", "hr", "hrs": factor = 3_600_000
            case "d", "day", "days": factor = 86_400_000
            case "w": factor = 604_800_000
            default: return nil
            }
            total += Int64(value * factor)
            number = ""
            sawUnit = true
            i = j
        }
        guard number.isEmpty, sawUnit else { return nil }
        return .milliseconds(total)
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
