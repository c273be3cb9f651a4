#if canImport(Glibc)
import Glibc
#endif

/// Git's delta format (`patch-delta.c`): the base size and the result size as little-endian base-128
/// numbers, then instructions: a byte with the high bit set copies a range of the base (offset and length
/// bytes present as its low seven bits say; a length of 0 means 0x10000), any other non-zero byte inserts
/// that many literal bytes that follow. Every range is checked; a delta can never read or write outside.
enum GitDelta {
    enum Problem: Error, Sendable, CustomStringConvertible {
        case header, baseSize(declared: Int, actual: Int), badCopy, badInsert, reservedOpcode, resultSize(Int, Int)
        var description: String {
            switch self {
            case .header: "the delta's size header is cut off"
            case .baseSize(let d, let a): "the delta is for a \(d)-byte base, but its base has \(a) bytes"
            case .badCopy: "a copy instruction reaches outside the base or the result"
            case .badInsert: "an insert instruction runs past the delta or the result"
            case .reservedOpcode: "the delta uses the reserved opcode 0"
            case .resultSize(let got, let want): "the delta produces \(got) bytes, not the \(want) it declares"
            }
        }
    }

    /// The result size the delta declares (after checking its base size), and where the instructions start.
    /// The instructions are walked once without writing, so that the size is known to be what they produce
    /// before the caller sets memory aside for it: a corrupt size (one flipped bit asked for 21 TB) is a
    /// finding, not a failed allocation.
    static func sizes(_ delta: UnsafeRawBufferPointer, baseCount: Int) throws(Problem) -> (result: Int, start: Int) {
        var i = 0
        let base = try varint(delta, &i)
        guard base == baseCount else { throw .baseSize(declared: base, actual: baseCount) }
        let result = try varint(delta, &i)
        try walk(delta, start: i, baseCount: baseCount, base: nil, into: nil, resultSize: result)
        return (result, i)
    }

    /// Applies `delta` (whose instructions start at `start`) to `base`, writing exactly `resultSize` bytes.
    static func apply(_ delta: UnsafeRawBufferPointer, start: Int, base: UnsafeRawBufferPointer,
                      into out: UnsafeMutableRawPointer, resultSize: Int) throws(Problem) {
        try walk(delta, start: start, baseCount: base.count, base: base, into: out, resultSize: resultSize)
    }

    /// The instructions from `start`, every range checked; copies and inserts are written only when `out`
    /// (and `base`) are given.
    private static func walk(_ delta: UnsafeRawBufferPointer, start: Int, baseCount: Int, base: UnsafeRawBufferPointer?,
                             into out: UnsafeMutableRawPointer?, resultSize: Int) throws(Problem) {
        var i = start
        var written = 0
        let d = delta
        while i < d.count {
            let op = d[i]
            i += 1
            if op & 0x80 != 0 {
                var offset = 0, length = 0
                for bit in 0..<4 where op & (1 << bit) != 0 {
                    guard i < d.count else { throw .badCopy }
                    offset |= Int(d[i]) << (8 * bit)
                    i += 1
                }
                for bit in 0..<3 where op & (0x10 << bit) != 0 {
                    guard i < d.count else { throw .badCopy }
                    length |= Int(d[i]) << (8 * bit)
                    i += 1
                }
                if length == 0 { length = 0x10000 }
                guard offset + length <= baseCount, written + length <= resultSize else { throw .badCopy }
                if length > 0, let out, let base { memcpy(out + written, base.baseAddress! + offset, length) }
                written += length
            } else if op != 0 {
                let length = Int(op)
                guard i + length <= d.count, written + length <= resultSize else { throw .badInsert }
                if let out { memcpy(out + written, d.baseAddress! + i, length) }
                i += length
                written += length
            } else {
                throw .reservedOpcode
            }
        }
        guard written == resultSize else { throw .resultSize(written, resultSize) }
    }

    private static func varint(_ d: UnsafeRawBufferPointer, _ i: inout Int) throws(Problem) -> Int {
        var value = 0, shift = 0
        while true {
            guard i < d.count, shift < 56 else { throw .header }
            let c = d[i]
            i += 1
            value |= Int(c & 0x7f) << shift
            shift += 7
            if c & 0x80 == 0 { return value }
        }
    }
}
