import Foundation

extension ArchiveDiff {
    /// zip (and wheels, jars): entries, their order, their raw fields, then the content of those whose
    /// CRC-32 or size differ, unpacked through libarchive.
    func zipEntries(_ a: String, _ b: String, path: [String], depth: Int) throws {
        let da = try ZipDirectory(path: a), db = try ZipDirectory(path: b)
        func keys(_ d: ZipDirectory) -> [String] {
            var seen: [String: Int] = [:]
            return d.entries.map { e in
                seen[e.name, default: 0] += 1
                return seen[e.name]! == 1 ? e.name : "\(e.name)#\(seen[e.name]!)"
            }
        }
        let ka = keys(da), kb = keys(db)
        compareNames("zip", ka, kb, path: path)
        if da.comment != db.comment {
            add(InnerDifference(kind: .field, path: path, format: "zip", field: "archive comment", valueA: "'\(da.comment)'", valueB: "'\(db.comment)'"))
        }
        let positionB = Dictionary(kb.enumerated().map { ($1, $0) }, uniquingKeysWith: { x, _ in x })
        var opened = 0
        for (i, key) in ka.enumerated() {
            guard let j = positionB[key] else { continue }
            let x = da.entries[i], y = db.entries[j]
            for (field, va, vb, note) in ZipFields.compare(x, y) where va != vb {
                add(InnerDifference(kind: .field, path: path + [x.name], format: "zip", field: field, valueA: va, valueB: vb, note: note))
            }
            guard x.crc != y.crc || x.size != y.size else { continue }
            opened += 1
            guard opened <= 3, let ua = try unpack(a, label: x.name, member: i), let ub = try unpack(b, label: y.name, member: j) else {
                add(InnerDifference(kind: .content, path: path + [x.name], format: "zip"))
                continue
            }
            if !compare(ua.path, ub.path, path: path + [x.name], name: x.name, depth: depth + 1) {
                add(InnerDifference(kind: .content, path: path + [x.name], format: "zip", fileA: ua.path, fileB: ub.path))
            }
        }
    }
}

/// A zip entry's fields as text, for comparing two entries of the same name.
enum ZipFields {
    static func compare(_ x: ZipDirectory.Entry, _ y: ZipDirectory.Entry) -> [(String, String, String, String?)] {
        var out: [(String, String, String, String?)] = [
            ("modification time (DOS date and time, local time)", dos(x), dos(y), shift(x, y)),
            ("compression method", method(x), method(y), nil),
            ("Unix mode", mode(x), mode(y), nil),
            ("host system", host(x.versionMadeBy), host(y.versionMadeBy), nil),
            ("flags", flags(x.flags), flags(y.flags), nil),
            ("comment", "'\(x.comment)'", "'\(y.comment)'", nil),
        ]
        for (place, ex, ey) in [("central directory", x.centralExtra, y.centralExtra), ("local header", x.localExtra, y.localExtra)] {
            let ids = (ex.map(\.id) + ey.map(\.id)).reduce(into: [UInt16]()) { if !$0.contains($1) { $0.append($1) } }
            for id in ids where id != 0x0001 {
                let vx = ex.first { $0.id == id }.map(decode) ?? "(absent)", vy = ey.first { $0.id == id }.map(decode) ?? "(absent)"
                out.append(("extra field \(extraName(id)) in the \(place)", vx, vy, nil))
            }
        }
        return out
    }

    /// `2026-12-06 03:42:08`: DOS times have no zone and two-second steps.
    static func dos(_ e: ZipDirectory.Entry) -> String {
        let p = parts(e)
        return String(format: "%04d-%02d-%02d %02d:%02d:%02d", p.year, p.month, p.day, p.hour, p.minute, p.second)
    }

    private static func parts(_ e: ZipDirectory.Entry) -> (year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
        (1980 + Int(e.dosDate >> 9), Int((e.dosDate >> 5) & 15), Int(e.dosDate & 31),
         Int(e.dosTime >> 11), Int((e.dosTime >> 5) & 63), Int(e.dosTime & 31) * 2)
    }

    /// "a shift of whole hours" when the two times differ by a time-zone-like amount.
    private static func shift(_ x: ZipDirectory.Entry, _ y: ZipDirectory.Entry) -> String? {
        func minutes(_ e: ZipDirectory.Entry) -> Int? {
            let p = parts(e)
            var c = DateComponents()
            (c.year, c.month, c.day, c.hour, c.minute, c.second) = (p.year, p.month, p.day, p.hour, p.minute, p.second)
            var calendar = Calendar(identifier: .gregorian)
            calendar.timeZone = TimeZone(identifier: "UTC")!
            return calendar.date(from: c).map { Int($0.timeIntervalSince1970) / 60 }
        }
        guard let a = minutes(x), let b = minutes(y), a != b else { return nil }
        let apart = abs(a - b)
        return apart % 15 == 0 && apart <= 27 * 60 ? "a shift of whole hours (\(apart / 60)h\(apart % 60 == 0 ? "" : " \(apart % 60)m")), as between time zones"
            : "\(apart) minutes apart"
    }

    private static func method(_ e: ZipDirectory.Entry) -> String {
        let names: [UInt16: String] = [0: "stored", 8: "deflate", 9: "deflate64", 12: "bzip2", 14: "LZMA", 93: "zstd", 95: "xz"]
        var s = names[e.method] ?? "method \(e.method)"
        if e.method == 8 { s += ["", " (maximum)", " (fast)", " (super fast)"][Int((e.flags >> 1) & 3)] }
        return s
    }

    private static func mode(_ e: ZipDirectory.Entry) -> String {
        guard e.versionMadeBy >> 8 == 3 else { return "(none: made on \(host(e.versionMadeBy)))" }
        return "0" + String((e.externalAttributes >> 16) & 0o7777, radix: 8).leftPad(3)
    }

    private static func host(_ v: UInt16) -> String {
        let names: [UInt16: String] = [0: "MS-DOS/FAT", 3: "Unix", 10: "Windows NTFS", 19: "macOS"]
        return (names[v >> 8] ?? "system \(v >> 8)") + ", zip \(v & 0xFF / 10).\(v & 0xFF % 10)"
    }

    private static func flags(_ f: UInt16) -> String {
        var s: [String] = []
        if f & 0x08 != 0 { s.append("data descriptor") }
        if f & 0x800 != 0 { s.append("UTF-8 names") }
        if f & 0x01 != 0 { s.append("encrypted") }
        return s.isEmpty ? "none" : s.joined(separator: ", ")
    }

    static func extraName(_ id: UInt16) -> String {
        switch id {
        case 0x5455: "'UT' (extended timestamp)"
        case 0x7875: "'ux' (Unix uid and gid)"
        case 0x5855: "'UX' (old Unix times and ids)"
        case 0x000A: "NTFS times"
        case 0xCAFE: "0xCAFE (jar marker)"
        case 0xD935: "0xD935 (Android alignment)"
        default: String(format: "0x%04X", id)
        }
    }

    private static func decode(_ e: ZipDirectory.Extra) -> String {
        let d = e.data
        switch e.id {
        case 0x5455 where d.count >= 5:
            var s = ["mtime \(TimeText.utc(Int(Int32(bitPattern: ZipDirectory.u32(d, 1)))))"]
            if d.count >= 9 { s.append("atime \(TimeText.utc(Int(Int32(bitPattern: ZipDirectory.u32(d, 5)))))") }
            if d.count >= 13 { s.append("ctime \(TimeText.utc(Int(Int32(bitPattern: ZipDirectory.u32(d, 9)))))") }
            return s.joined(separator: ", ")
        case 0x7875 where d.count >= 3:
            let uidSize = Int(d[1])
            guard d.count >= 3 + uidSize else { break }
            let uid = d[2..<(2 + uidSize)].reversed().reduce(0) { $0 << 8 | Int($1) }
            let gidSize = Int(d[2 + uidSize])
            guard d.count >= 3 + uidSize + gidSize else { break }
            let gid = d[(3 + uidSize)..<(3 + uidSize + gidSize)].reversed().reduce(0) { $0 << 8 | Int($1) }
            return "uid \(uid), gid \(gid)"
        default: break
        }
        return d.prefix(24).map { String(format: "%02x", $0) }.joined() + (d.count > 24 ? "... (\(d.count) bytes)" : "")
    }
}
