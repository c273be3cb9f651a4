import ContentHash
import Foundation

extension ArchiveDiff {
    /// A member seen in a listing pass: its header, where it sits, and a digest of its data.
    struct Listed {
        var member: ArchiveMember
        var position: Int
        var digest: Digest
        /// The name, with `#2`, `#3` for repeated names, so that each is matched with its namesake.
        var key: String
    }

    /// Lists a tar or ar archive, hashing each member's data (at most `limit` bytes each).
    func list(_ path: String) throws -> [Listed] {
        let reader = try ArchiveReader(path: path, kind: .archive)
        var out: [Listed] = []
        var seen: [String: Int] = [:]
        while let m = try reader.next() {
            guard out.count < Self.maxMembers else {
                notes.append("listed the first \(Self.maxMembers) members only")
                break
            }
            let hasher = StreamingHasher(.xxh3_64)
            var taken = 0
            try reader.read { chunk in
                let take = min(chunk.count, limit - taken)
                hasher.update(UnsafeRawBufferPointer(rebasing: chunk[0..<take]))
                taken += take
                return taken < limit
            }
            seen[m.name, default: 0] += 1
            let n = seen[m.name]!
            out.append(Listed(member: m, position: out.count, digest: hasher.finalize(), key: n == 1 ? m.name : "\(m.name)#\(n)"))
        }
        return out
    }

    /// tar and ar: which members exist, their order, their header fields, then their content.
    func members(_ f: ArchiveFormat, _ a: String, _ b: String, path: [String], depth: Int) throws {
        let la = try list(a), lb = try list(b)
        let byKey = Dictionary(lb.map { ($0.key, $0) }, uniquingKeysWith: { x, _ in x })
        compareNames(f.rawValue, la.map(\.key), lb.map(\.key), path: path)
        var opened = 0
        for x in la {
            guard let y = byKey[x.key] else { continue }
            for (field, va, vb) in Self.fields(x.member, y.member) where va != vb {
                add(InnerDifference(kind: .field, path: path + [x.member.name], format: f.rawValue, field: field, valueA: va, valueB: vb))
            }
            if x.digest == y.digest && x.member.size == y.member.size {
                if x.member.size > Int64(limit) {
                    notes.append("'\(x.member.name)' is larger than \(limit >> 20) MiB ('archive-limit'); only its first \(limit >> 20) MiB were compared")
                }
                continue
            }
            opened += 1
            guard opened <= 3, let ua = try unpack(a, label: x.member.name, member: x.position),
                  let ub = try unpack(b, label: y.member.name, member: y.position) else {
                add(InnerDifference(kind: .content, path: path + [x.member.name], format: f.rawValue))
                continue
            }
            if !compare(ua.path, ub.path, path: path + [x.member.name], name: x.member.name, depth: depth + 1) {
                add(InnerDifference(kind: .content, path: path + [x.member.name], format: f.rawValue, fileA: ua.path, fileB: ub.path))
            }
        }
    }

    /// Members only one side has, then the first place where the shared members' order differs.
    func compareNames(_ format: String, _ a: [String], _ b: [String], path: [String]) {
        let setA = Set(a), setB = Set(b)
        for name in a.filter({ !setB.contains($0) }).prefix(5) {
            add(InnerDifference(kind: .presence, path: path + [name], format: format, field: "member '\(name)'", valueA: "present", valueB: "absent"))
        }
        for name in b.filter({ !setA.contains($0) }).prefix(5) {
            add(InnerDifference(kind: .presence, path: path + [name], format: format, field: "member '\(name)'", valueA: "absent", valueB: "present"))
        }
        let sharedA = a.filter(setB.contains), sharedB = b.filter(setA.contains)
        if let i = sharedA.indices.first(where: { $0 < sharedB.count && sharedA[$0] != sharedB[$0] }) {
            add(InnerDifference(kind: .order, path: path, format: format, field: "member order",
                                valueA: "member \(i + 1) is '\(sharedA[i])'", valueB: "'\(sharedB[i])'"))
        }
    }

    /// The header fields that usually vary, as text.
    static func fields(_ x: ArchiveMember, _ y: ArchiveMember) -> [(String, String, String)] {
        func time(_ t: (Int, Int)?) -> String {
            guard let t else { return "(not stored)" }
            return (t.1 == 0 ? "\(t.0)" : "\(t.0).\(String(t.1).leftPad(9))") + " (\(TimeText.utc(t.0)))"
        }
        // pax keeps times to the nanosecond in records of its own (atime and ctime only there): say so.
        let pax = x.format.contains("pax") || y.format.contains("pax")
        func stamp(_ name: String) -> String { pax ? name + " (pax record)" : name }
        return [
            ("type", x.type, y.type),
            ("mode", "0" + String(x.mode, radix: 8).leftPad(3), "0" + String(y.mode, radix: 8).leftPad(3)),
            ("uid", String(x.uid), String(y.uid)), ("gid", String(x.gid), String(y.gid)),
            ("uname", "'\(x.uname ?? "")'", "'\(y.uname ?? "")'"), ("gname", "'\(x.gname ?? "")'", "'\(y.gname ?? "")'"),
            (stamp("mtime"), time(x.mtime), time(y.mtime)), (stamp("atime"), time(x.atime), time(y.atime)),
            (stamp("ctime"), time(x.ctime), time(y.ctime)),
            ("link target", x.link ?? "(none)", y.link ?? "(none)"),
        ]
    }
}
