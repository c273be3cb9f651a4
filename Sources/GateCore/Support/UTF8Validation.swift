/// Strict UTF-8 validation (no overlong forms, no surrogates, nothing above U+10FFFF), as strict decoders
/// such as Java's and Rust's apply it. Shared by verifiers that must tell text from other bytes.
public enum UTF8Validation {
    /// The offset of the first malformed sequence, or nil when all of `b` is valid UTF-8.
    public static func firstInvalidOffset(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        var i = 0
        let n = b.count
        while i < n {
            if b[i] < 0x80 { i += 1; continue }
            guard let length = sequenceLength(b, at: i) else { return i }
            i += length
        }
        return nil
    }

    /// The length of the valid sequence that starts with the byte at `i` (1 for ASCII), or nil when the
    /// bytes there are not valid UTF-8. For parsers that validate as they scan.
    @inlinable
    public static func sequenceLength(_ b: UnsafeBufferPointer<UInt8>, at i: Int) -> Int? {
        let c = b[i]
        if c < 0x80 { return 1 }
        let need: Int
        var lo: UInt8 = 0x80, hi: UInt8 = 0xBF
        switch c {
        case 0xC2...0xDF: need = 1
        case 0xE0: need = 2; lo = 0xA0
        case 0xE1...0xEC, 0xEE...0xEF: need = 2
        case 0xED: need = 2; hi = 0x9F
        case 0xF0: need = 3; lo = 0x90
        case 0xF1...0xF3: need = 3
        case 0xF4: need = 3; hi = 0x8F
        default: return nil
        }
        guard i + need < b.count, b[i + 1] >= lo, b[i + 1] <= hi else { return nil }
        var k = 2
        while k <= need {
            if b[i + k] < 0x80 || b[i + k] > 0xBF { return nil }
            k += 1
        }
        return need + 1
    }

    public static func firstInvalidOffset(_ bytes: [UInt8]) -> Int? {
        bytes.withUnsafeBufferPointer { firstInvalidOffset($0) }
    }
}
