import ContentHash

#if canImport(Glibc)
import Glibc
#endif

/// Git object ids as fixed-size binary (20 bytes for SHA-1, 32 for SHA-256) in one flat, sorted buffer:
/// a million ids cost 20 or 32 MB, not the ~100 MB the same ids take as Strings. Lookups narrow by the
/// first two bytes (a 65,536-entry fan-out) and finish with a binary search.
struct ObjectIDs: Sendable {
    let width: Int
    /// The ids, flat, in memory with a stable address.
    let storage: RawFile
    private let fanout: [UInt32]

    let count: Int

    /// `sorted` must hold `width`-byte ids in ascending order (duplicates allowed; lookups find one).
    init(width: Int, sorted: [UInt8]) {
        self.init(width: width, storage: RawFile(bytes: sorted))
    }

    /// Ids already in memory the table takes over (no copy).
    init(width: Int, storage: RawFile) {
        self.width = width
        self.storage = storage
        var fan = [UInt32](repeating: 0, count: 65_537)
        let n = storage.count / width
        count = n
        let b = storage.base
        var bucket = 0
        for i in 0..<n {
            let key = Int(b.load(fromByteOffset: i * width, as: UInt8.self)) << 8
                | Int(b.load(fromByteOffset: i * width + 1, as: UInt8.self))
            while bucket <= key { fan[bucket] = UInt32(i); bucket += 1 }
        }
        while bucket <= 65_536 { fan[bucket] = UInt32(n); bucket += 1 }
        fanout = fan
    }

    @inline(__always)
    func pointer(_ i: Int) -> UnsafeRawPointer { storage.base + i * width }

    /// The position of `id` (its first `width` bytes), or nil.
    func find(_ id: UnsafeRawPointer) -> Int? {
        let p = id.assumingMemoryBound(to: UInt8.self)
        let key = Int(p[0]) << 8 | Int(p[1])
        var lo = Int(fanout[key]), hi = Int(fanout[key + 1])
        let base = storage.base, w = width
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = memcmp(base + mid * w, id, w)
            if c == 0 { return mid }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    func find(_ id: [UInt8]) -> Int? {
        guard id.count >= width else { return nil }
        return id.withUnsafeBytes { find($0.baseAddress!) }
    }

    func id(_ i: Int) -> [UInt8] { storage.bytes(i * width, width) }

    func hex(_ i: Int) -> String { Hex.encode(UnsafeRawBufferPointer(start: pointer(i), count: width)) }
}

/// Sorting and merging of flat id buffers.
enum IDSort {
    /// Sorts `n` ids of `width` bytes held flat in `bytes` (used for loose objects, a few thousand at most
    /// in a healthy repository: pack indexes arrive sorted).
    static func sorted(_ bytes: [UInt8], width: Int) -> [UInt8] {
        let n = bytes.count / width
        guard n > 1 else { return bytes }
        var order = Array(0..<n)
        bytes.withUnsafeBytes { b in
            let base = b.baseAddress!
            order.sort { memcmp(base + $0 * width, base + $1 * width, width) < 0 }
        }
        var out = [UInt8]()
        out.reserveCapacity(bytes.count)
        for i in order { out.append(contentsOf: bytes[(i * width)..<((i + 1) * width)]) }
        return out
    }

    static func less(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ width: Int) -> Bool { memcmp(a, b, width) < 0 }
}

/// Parses git's hex object names.
enum GitHex {
    /// `width` bytes from `2 * width` lowercase hex characters at `text`; nil if any is not lowercase hex
    /// (git writes ids in lowercase and its own parsers take either case; fsck's object parser, like this one,
    /// reads what `get_oid_hex` reads: either case).
    static func decode(_ text: UnsafeRawBufferPointer, width: Int) -> [UInt8]? {
        guard text.count >= width * 2 else { return nil }
        var out = [UInt8](repeating: 0, count: width)
        for i in 0..<width {
            guard let hi = nibble(text[2 * i]), let lo = nibble(text[2 * i + 1]) else { return nil }
            out[i] = hi << 4 | lo
        }
        return out
    }

    static func decode(_ text: Substring, width: Int) -> [UInt8]? {
        var copy = String(text)
        return copy.withUTF8 { u in
            u.count == width * 2 ? decode(UnsafeRawBufferPointer(u), width: width) : nil
        }
    }

    @inline(__always)
    static func nibble(_ c: UInt8) -> UInt8? {
        switch c {
        case 48...57: c - 48
        case 97...102: c - 87
        case 65...70: c - 55
        default: nil
        }
    }

    static func isNull(_ id: [UInt8]) -> Bool { id.allSatisfy { $0 == 0 } }
}
