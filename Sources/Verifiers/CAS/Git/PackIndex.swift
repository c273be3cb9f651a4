import ContentHash

#if canImport(Glibc)
import Glibc
#endif

/// A pack's `.idx`, version 1 or 2 (git's `Documentation/gitformat-pack.txt`): the sorted object ids, each
/// object's offset in the pack (v2: 31-bit offsets, or an index into a table of 64-bit ones) and, in v2, the
/// CRC-32 of each object's bytes in the pack; then the pack's checksum and the index's own.
///
/// `parse` checks what git's `check_packed_git_idx` checks (version, a non-decreasing fan-out, a size that
/// matches the object count, 64-bit offsets that exist) and, beyond it, that the ids are strictly sorted and
/// agree with the fan-out: lookups depend on both.
struct PackIndex: Sendable {
    let file: RawFile
    let version: Int
    let count: Int
    let width: Int
    private let idBase: Int
    private let idStride: Int
    private let crcBase: Int
    private let offsetBase: Int
    private let largeBase: Int
    private let largeCount: Int
    /// First-two-bytes fan-out over the ids (65,537 entries), for lookups by id.
    private let fanout: [UInt32]

    struct Problem: Error, Sendable, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    /// The size check of `init`, made from the header alone before the file is read whole: the object count
    /// (the fan-out's last entry) fixes the size of a version-1 index and bounds that of a version-2 one, so a
    /// padded or sparse idx (16 GiB of holes) is refused without being held in memory. Nil when the header
    /// leaves it to `init` (too short to have one).
    static func sizeProblem(path: String, width: Int) -> Problem? {
        guard let (size, head) = RawFile.head(path: path, count: 8 + 1024), head.count == 8 + 1024 else { return nil }
        func u32(_ at: Int) -> Int { head[at..<(at + 4)].reduce(0) { $0 << 8 | Int($1) } }
        let trailer = 2 * width
        if u32(0) == 0xff74_4f63 {
            guard u32(4) == 2 else { return nil }
            let count = u32(8 + 4 * 255)
            let minimum = 8 + 1024 + count * (width + 8) + trailer
            if size < minimum {
                return Problem(message: "is \(size) bytes but its \(count) objects need at least \(minimum) (truncated)")
            }
            let extra = size - minimum
            if extra / 8 > max(0, count - 1) {
                return Problem(message: "is \(size) bytes: \(extra) bytes of 64-bit offsets do not fit its \(count) objects")
            }
        } else {
            let count = u32(4 * 255)
            let want = 1024 + count * (4 + width) + trailer
            if size != want {
                return Problem(message: "is \(size) bytes but its \(count) objects need exactly \(want) (truncated or padded)")
            }
        }
        return nil
    }

    init(file: RawFile, width: Int) throws(Problem) {
        self.file = file
        self.width = width
        let size = file.count
        guard size >= 4 * 256 + 2 * width else {
            throw Problem(message: "is \(size) bytes, shorter than the smallest index (\(4 * 256 + 2 * width))")
        }
        let v2 = file.u32(0) == 0xff74_4f63
        var header = 0
        if v2 {
            let v = Int(file.u32(4))
            guard v == 2 else { throw Problem(message: "is index version \(v); gate reads versions 1 and 2") }
            header = 8
            version = 2
        } else {
            version = 1
        }
        guard size >= header + 1024 + 2 * width else {
            throw Problem(message: "is \(size) bytes, shorter than the smallest version-2 index")
        }
        var previous: UInt32 = 0
        for i in 0..<256 {
            let n = file.u32(header + 4 * i)
            guard n >= previous else { throw Problem(message: "has a non-monotonic fan-out table (entry \(i))") }
            previous = n
        }
        count = Int(previous)
        let trailer = 2 * width
        if version == 1 {
            let want = 1024 + count * (4 + width) + trailer
            guard size == want else {
                throw Problem(message: "is \(size) bytes but its \(count) objects need exactly \(want) (truncated or padded)")
            }
            idBase = 1024 + 4
            idStride = 4 + width
            crcBase = -1
            offsetBase = 1024
            largeBase = size - trailer
            largeCount = 0
        } else {
            let minimum = 8 + 1024 + count * (width + 8) + trailer
            guard size >= minimum else {
                throw Problem(message: "is \(size) bytes but its \(count) objects need at least \(minimum) (truncated)")
            }
            idBase = 8 + 1024
            idStride = width
            crcBase = idBase + count * width
            offsetBase = crcBase + count * 4
            largeBase = offsetBase + count * 4
            let extra = size - minimum
            guard extra % 8 == 0, extra / 8 <= max(0, count - 1) else {
                throw Problem(message: "is \(size) bytes: \(extra) bytes of 64-bit offsets do not fit its \(count) objects")
            }
            largeCount = extra / 8
            for i in 0..<count {
                let o = file.u32(offsetBase + 4 * i)
                if o & 0x8000_0000 != 0 && Int(o & 0x7fff_ffff) >= largeCount {
                    throw Problem(message: "names 64-bit offset \(o & 0x7fff_ffff) for object \(i), but has only \(largeCount)")
                }
            }
        }
        fanout = try Self.checkOrder(file, header: header, idBase: idBase, stride: idStride, count: count, width: width)
    }

    /// Strictly increasing ids that agree with the file's fan-out; returns the 16-bit fan-out for lookups.
    private static func checkOrder(_ file: RawFile, header: Int, idBase: Int, stride: Int, count: Int,
                                   width: Int) throws(Problem) -> [UInt32] {
        var fan = [UInt32](repeating: 0, count: 65_537)
        var bucket = 0
        for i in 0..<count {
            let p = file.base + idBase + i * stride
            if i > 0 && memcmp(p - stride, p, width) >= 0 {
                throw Problem(message: "lists object \(i) out of order (ids must be strictly increasing)")
            }
            let first = Int(p.load(as: UInt8.self))
            let lowerBound = first == 0 ? 0 : Int(file.u32(header + 4 * (first - 1)))
            guard i >= lowerBound && i < Int(file.u32(header + 4 * first)) else {
                throw Problem(message: "has a fan-out table that disagrees with object \(i)")
            }
            let key = first << 8 | Int((p + 1).load(as: UInt8.self))
            while bucket <= key { fan[bucket] = UInt32(i); bucket += 1 }
        }
        while bucket <= 65_536 { fan[bucket] = UInt32(count); bucket += 1 }
        return fan
    }

    @inline(__always)
    func idPointer(_ i: Int) -> UnsafeRawPointer { file.base + idBase + i * idStride }

    func id(_ i: Int) -> [UInt8] { file.bytes(idBase + i * idStride, width) }

    func hex(_ i: Int) -> String { Hex.encode(UnsafeRawBufferPointer(start: idPointer(i), count: width)) }

    func offset(_ i: Int) -> UInt64 {
        let o = file.u32(offsetBase + i * (version == 1 ? idStride : 4))
        if version == 2 && o & 0x8000_0000 != 0 { return file.u64(largeBase + Int(o & 0x7fff_ffff) * 8) }
        return UInt64(o)
    }

    /// The CRC-32 of the object's bytes in the pack (version 2 only).
    func crc(_ i: Int) -> UInt32? { version == 2 ? file.u32(crcBase + 4 * i) : nil }

    var packChecksum: [UInt8] { file.bytes(file.count - 2 * width, width) }
    var ownChecksum: [UInt8] { file.bytes(file.count - width, width) }

    /// The position of an object by id.
    @inline(__always)
    func find(_ id: UnsafeRawPointer) -> Int? {
        let p = id.assumingMemoryBound(to: UInt8.self)
        let key = Int(p[0]) << 8 | Int(p[1])
        var lo = Int(fanout[key]), hi = Int(fanout[key + 1])
        while lo < hi {
            let mid = (lo + hi) >> 1
            let c = memcmp(idPointer(mid), id, width)
            if c == 0 { return mid }
            if c < 0 { lo = mid + 1 } else { hi = mid }
        }
        return nil
    }

    /// All ids, flat and sorted, for the global object table.
    func sortedIDs() -> [UInt8] {
        if version == 2 { return file.bytes(idBase, count * width) }
        var out = [UInt8]()
        out.reserveCapacity(count * width)
        for i in 0..<count { out.append(contentsOf: UnsafeRawBufferPointer(start: idPointer(i), count: width)) }
        return out
    }
}
