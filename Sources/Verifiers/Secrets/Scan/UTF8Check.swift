/// UTF-8 validation over a byte range, with an ASCII fast path (32, then eight bytes at a time). Scanning works on
/// bytes either way; this only counts files that are not valid UTF-8, for the stats.
enum UTF8Check {
    /// Validates `buffer[from..<to]`. A sequence may start before `to` and end after it (the bytes are in
    /// the buffer); leading continuation bytes at `from` belong to a sequence the previous piece checked.
    static func valid(_ buffer: UnsafeBufferPointer<UInt8>, from: Int, to: Int) -> Bool {
        guard let p = buffer.baseAddress, from < to else { return true }
        var i = from
        var skipped = 0
        while i < to && p[i] & 0xC0 == 0x80 && skipped < 3 { i += 1; skipped += 1 }
        let raw = UnsafeRawPointer(p)
        while i < to {
            if i + 32 <= to, (raw.loadUnaligned(fromByteOffset: i, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: i + 8, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: i + 16, as: UInt64.self)
                | raw.loadUnaligned(fromByteOffset: i + 24, as: UInt64.self)) & 0x8080_8080_8080_8080 == 0 {
                i += 32
                continue
            }
            if i + 8 <= to && raw.loadUnaligned(fromByteOffset: i, as: UInt64.self) & 0x8080_8080_8080_8080 == 0 {
                i += 8
                continue
            }
            let b = p[i]
            if b < 0x80 { i += 1; continue }
            let need: Int
            let low: UInt8
            let high: UInt8
            switch b {
            case 0xC2...0xDF: need = 1; low = 0x80; high = 0xBF
            case 0xE0: need = 2; low = 0xA0; high = 0xBF
            case 0xE1...0xEC, 0xEE...0xEF: need = 2; low = 0x80; high = 0xBF
            case 0xED: need = 2; low = 0x80; high = 0x9F
            case 0xF0: need = 3; low = 0x90; high = 0xBF
            case 0xF1...0xF3: need = 3; low = 0x80; high = 0xBF
            case 0xF4: need = 3; low = 0x80; high = 0x8F
            default: return false
            }
            // Pieces before the end carry overlap bytes past `to`, so running out of bytes means a sequence
            // truncated by the end of the file.
            if i + need >= buffer.count { return false }
            if p[i + 1] < low || p[i + 1] > high { return false }
            var k = 2
            while k <= need {
                if p[i + k] & 0xC0 != 0x80 { return false }
                k += 1
            }
            i += need + 1
        }
        return true
    }
}
