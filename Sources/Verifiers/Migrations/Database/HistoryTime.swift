import Foundation
import GateDatabase

/// Times as tools store them in history tables, as seconds since 1970 for ordering rows: integers
/// (Prisma on SQLite writes milliseconds), and text such as Go's `2026-01-02 15:04:05.123456789+00:00`
/// (Atlas through ent on SQLite), ISO 8601 with `T` and `Z`, or SQLite's `CURRENT_TIMESTAMP`. A
/// PostgreSQL backend hands over `timestamptz` as text in the same shape.
enum HistoryTime {
    static func seconds(_ value: SQLValue) -> Double? {
        switch value {
        case .integer(let i): return i > 100_000_000_000 ? Double(i) / 1000 : Double(i)
        case .real(let d): return d
        case .text(let s): return parse(s)
        case .null, .blob, .bool: return nil
        }
    }

    /// `YYYY-MM-DD[ T]HH:MM:SS[.fraction][Z|±HH[:MM]]`; nil for anything else.
    static func parse(_ text: String) -> Double? {
        let b = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= b.count else { return nil }
            var n = 0
            for c in b[from..<(from + count)] {
                guard c >= 48, c <= 57 else { return nil }
                n = n * 10 + Int(c - 48)
            }
            return n
        }
        guard let year = number(0, 4), b.count >= 19, b[4] == 45, let month = number(5, 2), b[7] == 45, let day = number(8, 2),
              b[10] == 32 || b[10] == 84, let hour = number(11, 2), b[13] == 58, let minute = number(14, 2), b[16] == 58,
              let second = number(17, 2) else { return nil }
        var i = 19
        var fraction = 0.0
        if i < b.count, b[i] == 46 {
            var scale = 0.1
            i += 1
            while i < b.count, b[i] >= 48, b[i] <= 57 { fraction += Double(b[i] - 48) * scale; scale /= 10; i += 1 }
        }
        var offset = 0
        if i < b.count, b[i] == 43 || b[i] == 45, let h = number(i + 1, 2) {
            let m = (i + 3 < b.count && b[i + 3] == 58) ? number(i + 4, 2) ?? 0 : number(i + 3, 2) ?? 0
            offset = (h * 3600 + m * 60) * (b[i] == 45 ? -1 : 1)
        }
        var components = DateComponents()
        (components.year, components.month, components.day) = (year, month, day)
        (components.hour, components.minute, components.second) = (hour, minute, second)
        components.timeZone = TimeZone(secondsFromGMT: 0)
        guard let date = Calendar(identifier: .gregorian).date(from: components) else { return nil }
        return date.timeIntervalSince1970 + fraction - Double(offset)
    }
}
