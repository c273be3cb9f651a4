import Foundation

/// A zip's central directory with the raw fields of each entry: the DOS time, the extra fields, the
/// compression method, the host system and the Unix mode. Written here rather than taken from
/// libarchive, because libarchive folds these into one modification time and a mode and never shows
/// which extra field carried what, and naming that field is the point. libarchive still unpacks the data.
/// Layout per PKWARE's APPNOTE.TXT sections 4.3.7 (local header), 4.3.12 (central directory) and 4.3.16
/// (end record), with the zip64 end record (4.3.14) for archives past 4 GiB or 65,535 entries.
struct ZipDirectory: Sendable {
    struct Extra: Sendable, Equatable {
        var id: UInt16
        var data: [UInt8]
    }

    struct Entry: Sendable {
        var name: String
        var versionMadeBy: UInt16
        var flags: UInt16
        var method: UInt16
        var dosTime: UInt16
        var dosDate: UInt16
        var crc: UInt32
        var compressedSize: UInt64
        var size: UInt64
        var externalAttributes: UInt32
        var comment: String
        var centralExtra: [Extra]
        var localExtra: [Extra]
    }

    var entries: [Entry]
    var comment: String

    struct Failure: Error, CustomStringConvertible { let description: String }

    /// Reads at most `maxEntries` entries; the directory is read through a bounded window.
    init(path: String, maxEntries: Int = 200_000) throws {
        let size = FileInfo.size(path) ?? 0
        let tailStart = max(0, size - 65_557)
        let tail = ByteCompare.bytes(path, at: tailStart, count: size - tailStart)
        guard let eocd = Self.lastIndex(of: [0x50, 0x4B, 0x05, 0x06], in: tail), eocd + 22 <= tail.count else {
            throw Failure(description: "no end-of-central-directory record")
        }
        var count = UInt64(Self.u16(tail, eocd + 10))
        var dirSize = UInt64(Self.u32(tail, eocd + 12))
        var dirOffset = UInt64(Self.u32(tail, eocd + 16))
        let commentLength = Int(Self.u16(tail, eocd + 20))
        comment = String(decoding: tail[min(tail.count, eocd + 22)..<min(tail.count, eocd + 22 + commentLength)], as: UTF8.self)
        // The zip64 numbers are 64 bits wide: each is compared with the file before it becomes an Int or is
        // added to (a record at 2^63, or a directory at 2^64 - 1, made gate trap).
        let file = UInt64(size)
        var zip64 = false
        if count == 0xFFFF || dirOffset == 0xFFFF_FFFF, eocd >= 20, Self.u32(tail, eocd - 20) == 0x0706_4B50 {
            let record = Self.u64(tail, eocd - 20 + 8)
            guard record < file else {
                throw Failure(description: "the zip64 end record is at offset \(record), past the end of the file (\(size) bytes)")
            }
            let z = ByteCompare.bytes(path, at: Int(record), count: 56)
            if z.count == 56, Self.u32(z, 0) == 0x0606_4B50 {
                count = Self.u64(z, 32)
                dirSize = Self.u64(z, 40)
                dirOffset = Self.u64(z, 48)
                zip64 = true
            }
        }
        guard dirOffset <= file, dirSize <= file - dirOffset else {
            throw Failure(description: "the central directory at offset \(dirOffset) (\(dirSize) bytes) lies outside the file (\(size) bytes)")
        }
        guard dirSize <= 256 << 20 else {
            throw Failure(description: "the central directory is \(dirSize) bytes, more than the 256 MiB gate reads")
        }
        // An entry takes 46 bytes at least (APPNOTE 4.3.12). The 16-bit count of the classic end record is
        // left as a ceiling (writers let it wrap past 65,535 entries); a zip64 count must fit its directory.
        guard !zip64 || count <= dirSize / 46 else {
            throw Failure(description: "the zip64 end record says it holds \(count) entries, but its central directory of "
                          + "\(dirSize) bytes has room for \(dirSize / 46)")
        }
        let dir = ByteCompare.bytes(path, at: Int(dirOffset), count: Int(dirSize))
        var out: [Entry] = []
        var p = 0
        while p + 46 <= dir.count, Self.u32(dir, p) == 0x0201_4B50, out.count < min(Int(count), maxEntries) {
            let nameLength = Int(Self.u16(dir, p + 28)), extraLength = Int(Self.u16(dir, p + 30)), commentLen = Int(Self.u16(dir, p + 32))
            guard p + 46 + nameLength + extraLength + commentLen <= dir.count else { break }
            let name = String(decoding: dir[(p + 46)..<(p + 46 + nameLength)], as: UTF8.self)
            let extra = Self.extras(Array(dir[(p + 46 + nameLength)..<(p + 46 + nameLength + extraLength)]))
            var e = Entry(
                name: name, versionMadeBy: Self.u16(dir, p + 4), flags: Self.u16(dir, p + 8), method: Self.u16(dir, p + 10),
                dosTime: Self.u16(dir, p + 12), dosDate: Self.u16(dir, p + 14), crc: Self.u32(dir, p + 16),
                compressedSize: UInt64(Self.u32(dir, p + 20)), size: UInt64(Self.u32(dir, p + 24)),
                externalAttributes: Self.u32(dir, p + 38),
                comment: String(decoding: dir[(p + 46 + nameLength + extraLength)..<(p + 46 + nameLength + extraLength + commentLen)], as: UTF8.self),
                centralExtra: extra, localExtra: [])
            if let z64 = extra.first(where: { $0.id == 0x0001 }), e.size == 0xFFFF_FFFF, z64.data.count >= 8 {
                e.size = Self.u64(z64.data, 0)
            }
            let local = Int(Self.u32(dir, p + 42))
            let header = ByteCompare.bytes(path, at: local, count: 30)
            if header.count == 30, Self.u32(header, 0) == 0x0403_4B50 {
                let ln = Int(Self.u16(header, 26)), le = Int(Self.u16(header, 28))
                e.localExtra = Self.extras(ByteCompare.bytes(path, at: local + 30 + ln, count: le))
            }
            out.append(e)
            p += 46 + nameLength + extraLength + commentLen
        }
        entries = out
    }

    private static func extras(_ bytes: [UInt8]) -> [Extra] {
        var out: [Extra] = []
        var p = 0
        while p + 4 <= bytes.count {
            let id = u16(bytes, p), length = Int(u16(bytes, p + 2))
            let end = min(bytes.count, p + 4 + length)
            out.append(Extra(id: id, data: Array(bytes[(p + 4)..<end])))
            p = end
        }
        return out
    }

    static func u16(_ b: [UInt8], _ at: Int) -> UInt16 {
        at + 2 <= b.count ? UInt16(b[at]) | UInt16(b[at + 1]) << 8 : 0
    }

    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        at + 4 <= b.count ? UInt32(u16(b, at)) | UInt32(u16(b, at + 2)) << 16 : 0
    }

    static func u64(_ b: [UInt8], _ at: Int) -> UInt64 {
        at + 8 <= b.count ? UInt64(u32(b, at)) | UInt64(u32(b, at + 4)) << 32 : 0
    }

    private static func lastIndex(of magic: [UInt8], in bytes: [UInt8]) -> Int? {
        guard bytes.count >= magic.count else { return nil }
        var i = bytes.count - magic.count
        while i >= 0 {
            if bytes[i] == magic[0], Array(bytes[i..<(i + magic.count)]) == magic { return i }
            i -= 1
        }
        return nil
    }
}
