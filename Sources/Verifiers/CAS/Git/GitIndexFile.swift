import ContentHash
import GateCore

/// The index (`.git/index`, versions 2 to 4), read for what git's fsck takes from it: every entry's blob
/// (gitlinks are skipped), the trees of the cache-tree extension and the blobs of resolve-undo records
/// are all starting points of the connectivity walk (`fsck --cache` is implied without arguments).
/// The trailing checksum is verified, as git's fsck does (`verify_index_checksum`); an index written
/// with `index.skipHash` ends in zeros and is accepted.
enum GitIndexFile {
    struct Problem: Error, CustomStringConvertible {
        let message: String
        var description: String { message }
    }

    static func heads(path: String, shown: String, algorithm: HashAlgorithm) throws(Problem) -> [GitHead] {
        let w = algorithm.digestLength
        // The header and the checksum are checked before the file is read whole (the header from its first
        // bytes, the checksum streamed), so that a sparse or padded index is refused without being held:
        // a 1 GB one took gate to 1 GB resident.
        let (size, head) = RawFile.head(path: path, count: 12) ?? (0, [])
        guard size >= 12 + w, head.count == 12, Array(head[0..<4]) == Array("DIRC".utf8) else {
            throw Problem(message: "is not an index file (no 'DIRC' header)")
        }
        let version = head[4..<8].reduce(0) { $0 << 8 | Int($1) }
        guard (2...4).contains(version) else { throw Problem(message: "is index version \(version); git writes 2, 3 and 4") }
        let trailer: (ok: Bool, actual: String, stored: String)
        do { trailer = try RawFile.streamedTrailerMatches(path: path, algorithm: algorithm, limit: 1 << 31) } catch {
            throw Problem(message: "cannot be read: \(error.reason)")
        }
        // An all-zero trailer is index.skipHash (git 2.40): no checksum to compare.
        if trailer.stored.contains(where: { $0 != "0" }) && !trailer.ok {
            throw Problem(message: "does not match its checksum (git: 'index file corrupt')")
        }
        let file: RawFile
        do { file = try RawFile(path: path, limit: 1 << 31) } catch { throw Problem(message: "cannot be read: \(error.reason)") }
        let n = file.count
        guard n >= 12 + w, file.bytes(0, 4) == Array("DIRC".utf8) else { throw Problem(message: "is not an index file (no 'DIRC' header)") }
        let count = Int(file.u32(8))
        var heads: [GitHead] = []
        var p = 12
        var previous: [UInt8] = []
        let end = n - w
        for _ in 0..<count {
            guard p + 40 + w + 2 <= end else { throw Problem(message: "ends inside its entries") }
            let mode = file.u32(p + 24)
            let id = file.bytes(p + 40, w)
            let flags = Int(file.u32(p + 40 + w - 2) & 0xffff)
            var q = p + 40 + w + 2
            if version >= 3 && flags & 0x4000 != 0 { q += 2 }
            if version == 4 {
                guard let (strip, after) = varint(file, q, end), strip <= previous.count else {
                    throw Problem(message: "has a malformed path-compressed entry")
                }
                guard let nul = find0(file, after, end) else { throw Problem(message: "has an unterminated path") }
                // Edited in place: a prefix that every entry keeps is not copied once per entry.
                previous.removeLast(strip)
                previous.append(contentsOf: UnsafeRawBufferPointer(start: file.base + after, count: nul - after))
                q = nul + 1
            } else {
                guard let nul = find0(file, q, end) else { throw Problem(message: "has an unterminated path") }
                previous = file.bytes(q, nul - q)
                q = p + ((q - p + previous.count + 8) & ~7)
            }
            p = q
            let type = mode & 0o170000
            if type == 0o160000 { continue }
            heads.append(GitHead(name: ":" + shownPath(previous), id: id, kind: .index, path: shown,
                                 mustBe: type == 0o040000 ? .tree : .blob))
        }
        while p + 8 <= end {
            let signature = file.bytes(p, 4)
            let size = Int(file.u32(p + 4))
            guard p + 8 + size <= end else { throw Problem(message: "has an extension that runs past its end") }
            let body = p + 8
            switch String(decoding: signature, as: UTF8.self) {
            case "TREE": try cacheTree(file, body, body + size, width: w, shown: shown, into: &heads)
            case "REUC": try resolveUndo(file, body, body + size, width: w, shown: shown, into: &heads)
            default: break
            }
            p = body + size
        }
        return heads
    }

    /// `TREE`: `<path>\0<entries> <subtrees>\n` then the tree id when entries >= 0, depth first.
    private static func cacheTree(_ f: RawFile, _ start: Int, _ end: Int, width: Int, shown: String,
                                  into heads: inout [GitHead]) throws(Problem) {
        var p = start
        while p < end {
            guard let nul = find0(f, p, end) else { throw Problem(message: "has a malformed cache-tree extension") }
            var q = nul + 1
            guard let nl = find(f, 0x0a, q, end) else { throw Problem(message: "has a malformed cache-tree extension") }
            let counts = String(decoding: f.bytes(q, nl - q), as: UTF8.self).split(separator: " ")
            guard counts.count == 2, let entries = Int(counts[0]), Int(counts[1]) != nil else {
                throw Problem(message: "has a malformed cache-tree extension")
            }
            q = nl + 1
            if entries >= 0 {
                guard q + width <= end else { throw Problem(message: "has a cache-tree extension cut short") }
                heads.append(GitHead(name: ":(cache-tree)", id: f.bytes(q, width), kind: .index, path: shown, mustBe: .tree))
                q += width
            }
            p = q
        }
    }

    /// `REUC`: `<path>\0` three octal modes each ending in `\0`, then an id for each non-zero mode.
    private static func resolveUndo(_ f: RawFile, _ start: Int, _ end: Int, width: Int, shown: String,
                                    into heads: inout [GitHead]) throws(Problem) {
        var p = start
        while p < end {
            guard let nul = find0(f, p, end) else { throw Problem(message: "has a malformed resolve-undo extension") }
            let path = String(decoding: f.bytes(p, nul - p), as: UTF8.self)
            var q = nul + 1
            var modes: [UInt32] = []
            for _ in 0..<3 {
                guard let z = find0(f, q, end), let m = UInt32(String(decoding: f.bytes(q, z - q), as: UTF8.self), radix: 8) else {
                    throw Problem(message: "has a malformed resolve-undo extension")
                }
                modes.append(m)
                q = z + 1
            }
            for (stage, m) in modes.enumerated() where m != 0 {
                guard q + width <= end else { throw Problem(message: "has a resolve-undo extension cut short") }
                if m & 0o170000 == 0o100000 {
                    heads.append(GitHead(name: ":(\(stage + 1)):\(path)", id: f.bytes(q, width), kind: .index, path: shown,
                                         mustBe: .blob))
                }
                q += width
            }
            p = q
        }
    }

    /// The path as a finding shows it: at most a finding field's bytes, cut with a marker. Version 4 stores
    /// each path as "all but the last N bytes of the previous one" plus the rest, so a 0.5 MB index can
    /// spell out 1 GiB of paths (4,096 entries sharing a 256 KiB prefix); holding each in full took gate
    /// past 1 GiB. git holds them all (read-cache.c create_from_disk gives each entry its whole name).
    private static func shownPath(_ name: [UInt8]) -> String {
        let limit = FindingLimits.standard.fieldBytes
        guard name.count > limit else { return String(decoding: name, as: UTF8.self) }
        return FieldCap.cap(String(decoding: name.prefix(limit), as: UTF8.self), limit: limit, alreadyCut: name.count - limit)
    }

    private static func find0(_ f: RawFile, _ from: Int, _ end: Int) -> Int? { find(f, 0, from, end) }

    private static func find(_ f: RawFile, _ c: UInt8, _ from: Int, _ end: Int) -> Int? {
        var i = from
        while i < end {
            if f.base.load(fromByteOffset: i, as: UInt8.self) == c { return i }
            i += 1
        }
        return nil
    }

    /// git's `decode_varint` (varint.c), used by index version 4.
    private static func varint(_ f: RawFile, _ at: Int, _ end: Int) -> (Int, Int)? {
        var i = at
        guard i < end else { return nil }
        var c = f.base.load(fromByteOffset: i, as: UInt8.self)
        i += 1
        var value = UInt64(c & 127)
        while c & 128 != 0 {
            value += 1
            guard value < (1 << 56), i < end else { return nil }
            c = f.base.load(fromByteOffset: i, as: UInt8.self)
            i += 1
            value = (value << 7) + UInt64(c & 127)
        }
        return value <= UInt64(Int.max) ? (Int(value), i) : nil
    }
}
