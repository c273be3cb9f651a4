import ContentHash
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// The files git keeps beside packs to go faster, checked as git's fsck has them checked
/// (`git multi-pack-index verify`, `git commit-graph verify`, the pack readers' own checks):
///
/// - `.rev`: header, the pack checksum it names, its trailer, and every position against the pack's
///   real offset order;
/// - `.bitmap`: header, the pack checksum it names and its trailer (the bitmaps themselves are not read);
/// - `multi-pack-index`: header, trailer, the packs it names exist, ids sorted and agreeing with the
///   fan-out, and each object's pack and offset equal to that pack's idx;
/// - commit-graph (single file or chain): header, trailer, ids sorted, each a commit that is present,
///   its tree and parents equal to the commit's (generation numbers and dates are not checked).
struct GitAuxFiles {
    let objects: String
    let algorithm: HashAlgorithm
    let display: @Sendable (String) -> String
    private(set) var notes: [String] = []

    init(objects: String, algorithm: HashAlgorithm, display: @escaping @Sendable (String) -> String) {
        self.objects = objects
        self.algorithm = algorithm
        self.display = display
    }

    var width: Int { algorithm.digestLength }

    private func bad(_ path: String, _ problem: String) -> Finding {
        GitFindings.pack(path: display(path), problem: problem, rule: "cas/bad-manifest",
                         help: "Delete the file and let git rewrite it ('git repack -adb', 'git multi-pack-index write', 'git commit-graph write --reachable'): it only speeds git up.")
    }

    /// Reads a file and checks its trailing checksum; a finding when either fails.
    /// The file, read whole once its checksum is known to match (streamed: a corrupt or padded file is
    /// refused without being held in memory).
    private func load(_ path: String, _ findings: inout [Finding]) -> RawFile? {
        guard let t = try? RawFile.streamedTrailerMatches(path: path, algorithm: algorithm) else {
            findings.append(bad(path, "cannot be read"))
            return nil
        }
        if !t.ok {
            findings.append(bad(path, "hashes to \(t.actual), not the checksum it ends with (\(t.stored))"))
            return nil
        }
        guard let f = try? RawFile(path: path) else {
            findings.append(bad(path, "cannot be read"))
            return nil
        }
        return f
    }

    /// `indexes`: the pack indexes already read, by idx path.
    mutating func check(_ dir: GitPackDirectory, indexes known: [String: PackIndex], connectivity: Connectivity?) -> [Finding] {
        var out: [Finding] = []
        var indexes: [String: PackIndex] = [:]
        for pair in dir.pairs {
            guard let index = known[pair.idx] else { continue }
            indexes[PathUtil.basename(pair.pack)] = index
            if let rev = pair.rev { out += checkRev(rev, index: index) }
            if let bitmap = pair.bitmap { out += checkBitmap(bitmap, index: index) }
        }
        if dir.pairs.contains(where: { $0.bitmap != nil }) {
            notes.append("pack bitmaps: header, pack checksum and trailer checked; the bitmaps themselves are not")
        }
        if let midx = dir.multiPackIndex { out += checkMidx(midx, indexes: indexes) }
        for other in dir.otherMidxFiles {
            notes.append("'\(display(other))' not checked (multi-pack-index bitmaps and reverse indexes)")
        }
        out += checkCommitGraphs(connectivity)
        return out
    }

    private func checkRev(_ path: String, index: PackIndex) -> [Finding] {
        var out: [Finding] = []
        guard let f = load(path, &out) else { return out }
        let n = index.count
        guard f.count == 12 + 4 * n + 2 * width, f.u32(0) == 0x5249_4458, f.u32(4) == 1,
              f.u32(8) == (algorithm == .sha1 ? 1 : 2) else {
            return [bad(path, "is not a version-1 reverse index for \(n) objects (git: 'reverse-index file has the wrong size or header')")]
        }
        if f.bytes(f.count - 2 * width, width) != index.packChecksum {
            return [bad(path, "names another pack than its idx does")]
        }
        // Positions in pack order: each in range, and offsets strictly increasing (which also makes them a
        // permutation, since every object has its own offset).
        var previous: UInt64?
        for k in 0..<n {
            let pos = Int(f.u32(12 + 4 * k))
            guard pos < n else { return [bad(path, "position \(k) names object \(pos) of \(n) (git: 'invalid rev-index position')")] }
            let offset = index.offset(pos)
            if let p = previous, offset <= p {
                return [bad(path, "position \(k) is out of the pack's offset order (git: 'invalid rev-index position')")]
            }
            previous = offset
        }
        return out
    }

    private func checkBitmap(_ path: String, index: PackIndex) -> [Finding] {
        var out: [Finding] = []
        guard let f = load(path, &out) else { return out }
        guard f.count >= 12 + 3 * width, f.bytes(0, 4) == Array("BITM".utf8), f.u32(4) >> 16 == 1 else {
            return [bad(path, "is not a version-1 pack bitmap")]
        }
        if f.bytes(12, width) != index.packChecksum { return [bad(path, "names another pack than its idx does")] }
        return out
    }

    /// What is wrong with a chunked file's table of contents.
    private struct ChunkTableProblem: Error {
        let message: String
    }

    /// Chunk offsets of a chunked file (midx, commit-graph) after a `header`-byte header. Each 64-bit offset
    /// is compared with the file's size before it becomes an Int, as git's chunk-format.c
    /// read_table_of_contents does ("improper chunk offset(s)"): one of 2^63 or more made the conversion trap.
    private func chunks(_ f: RawFile, header: Int, count: Int) throws(ChunkTableProblem) -> [String: (Int, Int)] {
        let end = f.count - width
        var table: [(id: String, offset: Int)] = []
        func name(_ i: Int) -> String { i == count ? "the end of the table" : "chunk '\(table[i].id)'" }
        for i in 0...count {
            let at = header + 12 * i
            guard at + 12 <= f.count else {
                throw ChunkTableProblem(message: "is \(f.count) bytes, too short for its table of \(count) chunks")
            }
            let offset = f.u64(at + 4)
            table.append((String(decoding: f.bytes(at, 4), as: UTF8.self), 0))
            guard offset <= UInt64(end) else {
                throw ChunkTableProblem(message: "puts \(name(i)) at offset \(offset), past the end of its \(end) bytes of chunks "
                                        + "(git: 'improper chunk offset(s)')")
            }
            table[i].offset = Int(offset)
        }
        var out: [String: (Int, Int)] = [:]
        for i in 0..<count {
            guard table[i].offset <= table[i + 1].offset else {
                throw ChunkTableProblem(message: "puts \(name(i)) at offset \(table[i].offset), after \(name(i + 1)) (offset "
                                        + "\(table[i + 1].offset)) (git: 'improper chunk offset(s)')")
            }
            out[table[i].id] = (table[i].offset, table[i + 1].offset)
        }
        return out
    }

    private func checkMidx(_ path: String, indexes: [String: PackIndex]) -> [Finding] {
        var out: [Finding] = []
        guard let f = load(path, &out) else { return out }
        let unreadable = "is not a multi-pack-index gate can read (git: 'multi-pack-index verify' would fail)"
        guard f.count >= 12, f.bytes(0, 4) == Array("MIDX".utf8), [1, 2].contains(f.bytes(4, 1)[0]) else {
            return [bad(path, unreadable)]
        }
        let c: [String: (Int, Int)]
        do { c = try chunks(f, header: 12, count: Int(f.bytes(6, 1)[0])) } catch { return [bad(path, error.message)] }
        guard let pnam = c["PNAM"], let oidf = c["OIDF"], let oidl = c["OIDL"], let ooff = c["OOFF"],
              oidf.1 - oidf.0 == 1024 else {
            return [bad(path, unreadable)]
        }
        let names = f.bytes(pnam.0, pnam.1 - pnam.0).split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
        let n = Int(f.u32(oidf.0 + 4 * 255))
        guard oidl.1 - oidl.0 == n * width, ooff.1 - ooff.0 == 8 * n else { return [bad(path, "has chunks of the wrong size")] }
        var packs: [PackIndex?] = []
        for name in names {
            let pack = name.hasSuffix(".idx") ? String(name.dropLast(4)) + ".pack" : name
            if indexes[pack] == nil { out.append(bad(path, "names pack '\(name)', which is not there (git: 'failed to load pack')")) }
            packs.append(indexes[pack])
        }
        let loff = c["LOFF"]
        for i in 0..<n {
            let id = f.base + oidl.0 + i * width
            if i > 0 && memcmp(id - width, id, width) >= 0 {
                out.append(bad(path, "lists object \(i) out of order (git: 'oid lookup out of order')"))
                break
            }
            let packID = Int(f.u32(ooff.0 + 8 * i))
            var offset = UInt64(f.u32(ooff.0 + 8 * i + 4))
            if offset & 0x8000_0000 != 0, let loff {
                let row = Int(offset & 0x7fff_ffff)
                guard loff.0 + 8 * row + 8 <= loff.1 else { out.append(bad(path, "names a large offset it does not have")); break }
                offset = f.u64(loff.0 + 8 * row)
            }
            guard packID < packs.count else { out.append(bad(path, "names pack \(packID) of \(packs.count)")); break }
            guard let index = packs[packID] else { continue }
            guard let pos = index.find(id), index.offset(pos) == offset else {
                let hex = Hex.encode(UnsafeRawBufferPointer(start: id, count: width))
                out.append(bad(path, "places \(hex) at offset \(offset) of '\(names[packID])', where its idx does not (git: 'incorrect object offset')"))
                break
            }
        }
        return out
    }

    private mutating func checkCommitGraphs(_ c: Connectivity?) -> [Finding] {
        let single = objects + "/info/commit-graph"
        let chainFile = objects + "/info/commit-graphs/commit-graph-chain"
        var files: [String] = []
        if StoreNames.isFile(single) { files.append(single) }
        if let chain = StoreNames.read(chainFile) {
            files += chain.split(whereSeparator: \.isNewline).map { objects + "/info/commit-graphs/graph-\($0).graph" }
        }
        guard !files.isEmpty else { return [] }
        notes.append("commit-graph: checksums, ids, trees and parents checked; generation numbers and dates are not")
        var out: [Finding] = []
        var chainIDs: [[UInt8]] = []
        for path in files {
            guard let f = load(path, &out) else { return out }
            let unreadable = "is not a commit-graph gate can read (git: 'commit-graph verify' would fail)"
            guard f.count >= 8, f.bytes(0, 4) == Array("CGPH".utf8), f.bytes(4, 1)[0] == 1 else {
                return out + [bad(path, unreadable)]
            }
            let ch: [String: (Int, Int)]
            do { ch = try chunks(f, header: 8, count: Int(f.bytes(6, 1)[0])) } catch { return out + [bad(path, error.message)] }
            guard let oidf = ch["OIDF"], let oidl = ch["OIDL"], let cdat = ch["CDAT"], oidf.1 - oidf.0 == 1024 else {
                return out + [bad(path, unreadable)]
            }
            let n = Int(f.u32(oidf.0 + 4 * 255))
            guard oidl.1 - oidl.0 == n * width, cdat.1 - cdat.0 == n * (width + 16) else {
                return out + [bad(path, "has chunks of the wrong size")]
            }
            let first = chainIDs.count
            for i in 0..<n { chainIDs.append(f.bytes(oidl.0 + i * width, width)) }
            guard let c else { continue }
            for i in 0..<n {
                let id = chainIDs[first + i]
                if i > 0 && !chainIDs[first + i - 1].lexicographicallyPrecedes(id) {
                    return out + [bad(path, "lists commit \(i) out of order (git: 'commit-graph has incorrect OID order')")]
                }
                guard let g = c.table.ids.find(id), c.type(g) == .commit else {
                    return out + [bad(path, "lists \(Hex.encode(id)), which is not a commit in the repository (git: 'failed to parse commit … from object database for commit-graph')")]
                }
                let at = cdat.0 + i * (width + 16)
                let links = c.commitLinks(g)
                let tree = f.bytes(at, width)
                if links.tree != tree {
                    return out + [bad(path, "records tree \(Hex.encode(tree)) for commit \(Hex.encode(id)), which has tree \(links.tree.map { Hex.encode($0) } ?? "none") (git: 'root tree OID for commit … in commit-graph is …')")]
                }
                var parents: [Int] = []
                for k in 0..<2 {
                    let p = f.u32(at + width + 4 * k)
                    if p == 0x7000_0000 { break }
                    if k == 1 && p & 0x8000_0000 != 0, let edge = ch["EDGE"] {
                        var e = Int(p & 0x7fff_ffff)
                        while edge.0 + 4 * e + 4 <= edge.1 {
                            let v = f.u32(edge.0 + 4 * e)
                            parents.append(Int(v & 0x7fff_ffff))
                            if v & 0x8000_0000 != 0 { break }
                            e += 1
                        }
                    } else {
                        parents.append(Int(p))
                    }
                }
                let recorded = parents.map { $0 < chainIDs.count ? chainIDs[$0] : [] }
                if !c.hasGrafts && recorded != links.parents {
                    return out + [bad(path, "records other parents for commit \(Hex.encode(id)) than the commit has (git: 'commit-graph parent list for commit … is too long/short')")]
                }
            }
        }
        return out
    }
}
