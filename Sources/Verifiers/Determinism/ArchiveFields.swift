import Foundation

/// Names the archive field at a byte offset: tar headers, the gzip header and zip headers are where most
/// build outputs pick up timestamps, owners and permissions.
enum ArchiveFields {
    struct Location: Sendable, Equatable {
        var format: String
        var member: String?
        var field: String
        var valueA: String?
        var valueB: String?
    }

    static func locate(offset: Int, a: String, b: String) -> Location? {
        let head = ByteCompare.bytes(a, at: 0, count: 512)
        if head.count >= 10, head[0] == 0x1F, head[1] == 0x8B { return gzip(offset: offset, head: head, b: b) }
        if head.count >= 263, Array(head[257..<262]) == Array("ustar".utf8) { return tar(offset: offset, a: a, b: b) }
        if head.count >= 4, head[0] == 0x50, head[1] == 0x4B, head[2] == 3, head[3] == 4 { return zip(offset: offset, a: a, b: b) }
        return nil
    }

    // MARK: gzip

    private static func gzip(offset: Int, head: [UInt8], b: String) -> Location {
        func mtime(_ h: [UInt8]) -> String? {
            guard h.count >= 8 else { return nil }
            let v = Int(h[4]) | Int(h[5]) << 8 | Int(h[6]) << 16 | Int(h[7]) << 24
            return v == 0 ? "0, unset" : TimeText.utc(v)
        }
        switch offset {
        case 4..<8:
            let other = ByteCompare.bytes(b, at: 0, count: 10)
            return Location(format: "gzip", field: "MTIME", valueA: mtime(head), valueB: mtime(other))
        case 3: return Location(format: "gzip", field: "FLG (header flags: a file name or comment is stored)")
        case 8, 9: return Location(format: "gzip", field: "XFL/OS (compression level or operating system)")
        default:
            if head[3] & 0x08 != 0, offset >= 10, let end = head[10...].firstIndex(of: 0), offset <= end {
                return Location(format: "gzip", field: "FNAME (the original file name)")
            }
            return Location(format: "gzip", field: "compressed data (the uncompressed content differs: compare with zcat)")
        }
    }

    // MARK: tar

    private static let tarFields: [(Range<Int>, String)] = [
        (0..<100, "name"), (100..<108, "mode"), (108..<116, "uid"), (116..<124, "gid"), (124..<136, "size"),
        (136..<148, "mtime"), (148..<156, "chksum"), (156..<157, "typeflag"), (157..<257, "linkname"),
        (257..<265, "magic"), (265..<297, "uname"), (297..<329, "gname"), (329..<345, "devmajor/devminor"),
        (345..<500, "prefix"),
    ]

    private static func tar(offset: Int, a: String, b: String) -> Location? {
        let size = FileInfo.size(a) ?? 0
        var pos = 0
        var members = 0
        while pos + 512 <= size, pos <= offset, members < 200_000 {
            let h = ByteCompare.bytes(a, at: pos, count: 512)
            guard h.count == 512, h.contains(where: { $0 != 0 }) else { return Location(format: "tar", field: "end-of-archive padding") }
            members += 1
            let name = text(h, 345..<500).isEmpty ? text(h, 0..<100) : text(h, 345..<500) + "/" + text(h, 0..<100)
            let type = h[156]
            var member = name
            if type == UInt8(ascii: "x") {
                // A pax header describes the member that follows it.
                let length = Int(text(h, 124..<136).trimmingCharacters(in: .whitespaces), radix: 8) ?? 0
                let next = ByteCompare.bytes(a, at: pos + 512 + (length + 511) / 512 * 512, count: 512)
                member = next.count == 512 ? "pax header of '\(text(next, 0..<100))'" : "pax header"
            }
            let isPax = type == UInt8(ascii: "x") || type == UInt8(ascii: "g")
            let length = Int(text(h, 124..<136).trimmingCharacters(in: .whitespaces), radix: 8) ?? 0
            // A pax header's size changes when its records do: name the record that differs.
            if isPax, offset >= pos + 124, offset < pos + 512 + (length + 511) / 512 * 512, !(pos + 136..<pos + 148).contains(offset),
               let record = paxDifference(a: a, b: b, at: pos + 512, length: length) {
                return Location(format: "tar", member: member, field: "pax record '\(record.key)'", valueA: record.a, valueB: record.b)
            }
            if offset < pos + 512 {
                let at = offset - pos
                guard let field = tarFields.first(where: { $0.0.contains(at) }) else { return Location(format: "tar", member: member, field: "header padding") }
                let other = ByteCompare.bytes(b, at: pos, count: 512)
                func value(_ hh: [UInt8]) -> String? {
                    guard hh.count == 512 else { return nil }
                    let raw = text(hh, field.0)
                    if field.1 == "mtime", let v = Int(raw.trimmingCharacters(in: .whitespaces), radix: 8) {
                        return TimeText.utc(v)
                    }
                    return raw
                }
                return Location(format: "tar", member: member, field: field.1, valueA: value(h), valueB: value(other))
            }
            let dataEnd = pos + 512 + (length + 511) / 512 * 512
            if offset < dataEnd {
                if isPax {
                    return Location(format: "tar", member: member, field: "pax records (they carry mtime, atime and ctime)")
                }
                return Location(format: "tar", member: member, field: "content")
            }
            pos = dataEnd
        }
        return nil
    }

    /// The first pax record ("27 mtime=1732272000.123456789") whose value differs between the two files.
    private static func paxDifference(a: String, b: String, at offset: Int, length: Int) -> (key: String, a: String, b: String)? {
        func records(_ path: String) -> [(String, String)] {
            let hb = ByteCompare.bytes(path, at: offset - 512, count: 512)
            let n = hb.count == 512 ? Int(text(hb, 124..<136).trimmingCharacters(in: .whitespaces), radix: 8) ?? length : length
            let body = String(decoding: ByteCompare.bytes(path, at: offset, count: min(n, 1 << 20)), as: UTF8.self)
            return body.split(separator: "\n").compactMap { line in
                guard let space = line.firstIndex(of: " "), let eq = line[space...].firstIndex(of: "=") else { return nil }
                return (String(line[line.index(after: space)..<eq]), String(line[line.index(after: eq)...]))
            }
        }
        let ra = records(a), rb = records(b)
        for (key, value) in ra {
            let other = rb.first { $0.0 == key }?.1 ?? "(absent)"
            if other != value { return (key, value, other) }
        }
        return rb.first { r in !ra.contains { $0.0 == r.0 } }.map { ($0.0, "(absent)", $0.1) }
    }

    private static func text(_ bytes: [UInt8], _ r: Range<Int>) -> String {
        let slice = bytes[r]
        let end = slice.firstIndex(of: 0) ?? r.upperBound
        return String(decoding: bytes[r.lowerBound..<end], as: UTF8.self)
    }

    // MARK: zip

    private static func zip(offset: Int, a: String, b: String) -> Location? {
        let start = max(0, offset - 65_536 - 46)
        let window = ByteCompare.bytes(a, at: start, count: offset - start + 1)
        var i = window.count - 4
        while i >= 0 {
            if window[i] == 0x50, window[i + 1] == 0x4B, (window[i + 2] == 3 && window[i + 3] == 4) || (window[i + 2] == 1 && window[i + 3] == 2) {
                let central = window[i + 2] == 1
                let header = ByteCompare.bytes(a, at: start + i, count: 46)
                let at = offset - (start + i)
                let timeAt = central ? 12 : 10
                let fixed = central ? 46 : 30
                guard header.count >= fixed else { return nil }
                let nameLength = Int(header[central ? 28 : 26]) | Int(header[central ? 29 : 27]) << 8
                let extraLength = Int(header[central ? 30 : 28]) | Int(header[central ? 31 : 29]) << 8
                let name = String(decoding: ByteCompare.bytes(a, at: start + i + fixed, count: nameLength), as: UTF8.self)
                let kind = central ? "central directory entry" : "local header"
                if (timeAt..<(timeAt + 4)).contains(at) {
                    return Location(format: "zip", member: name, field: "\(kind) modification time (DOS date/time)")
                }
                if at >= fixed + nameLength && at < fixed + nameLength + extraLength {
                    return Location(format: "zip", member: name, field: "\(kind) extra field (extended timestamps, 'UT', or owner ids)")
                }
                if at < fixed { return Location(format: "zip", member: name, field: "\(kind) field at byte \(at)") }
                return Location(format: "zip", member: name, field: central ? "central directory" : "content")
            }
            i -= 1
        }
        return nil
    }
}

enum TimeText {
    /// `2026-11-22T10:00:00Z`.
    static func utc(_ epoch: Int) -> String {
        let f = ISO8601DateFormatter()
        f.timeZone = TimeZone(identifier: "UTC")
        return f.string(from: Date(timeIntervalSince1970: TimeInterval(epoch)))
    }
}
