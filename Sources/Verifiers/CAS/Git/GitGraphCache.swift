import ContentHash
import Foundation
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// The git stat cache: what verifying a pack or a loose object found, kept so that an unchanged pack is
/// not read again. A pack's entry is keyed by the pack's and the idx's device, inode, size, mtime and
/// ctime, the idx's checksum, and the settings that shape findings (object format, strict, `fsck.*`,
/// skip list); it holds the pack's object graph (states and references, exactly as `SourceGraph` keeps
/// them), its findings and counts, so connectivity is still checked on every run. Loose objects share one
/// file per objects directory, one record per object keyed by its stat.
///
/// Files live under `<state>/cas-git/<repository hash>/`, are written atomically and end with an
/// XXH3-64 of their content; a file that does not check out is ignored (and rewritten).
final class GitGraphCache: @unchecked Sendable {
    let directory: String
    let settings: String
    private(set) var note: String?
    private static let magic = Array("gate-git-cache-1".utf8)

    init(stateDirectory: String, repository repo: GitRepository, settings: String) {
        directory = stateDirectory + "/cas-git/" + ContentHash.xxh128Hex(repo.objects).prefix(16)
        self.settings = settings
    }

    // MARK: packs

    struct PackEntry {
        var graph: SourceGraph
        var findings: [Finding]
        var objects: Int
        var bytesHashed: Int64
        var gitmodules: [UInt8]
        var gitattributes: [UInt8]
    }

    static func key(pack: FileStat, idx: FileStat, idxChecksum: String, settings: String) -> String {
        func s(_ st: FileStat) -> String { "\(st.device):\(st.inode):\(st.size):\(st.mtimeNs):\(st.ctimeNs)" }
        return "pack|\(s(pack))|\(s(idx))|\(idxChecksum)|\(settings)"
    }

    func fileName(pack name: String) -> String { directory + "/" + name + ".graph" }

    func loadPack(name: String, key: String, width: Int) -> PackEntry? {
        guard var r = open(fileName(pack: name), key: key) else { return nil }
        guard let count = r.int(), let objects = r.int(), let hashed = r.int(),
              let states = r.span(), states.count == count,
              let starts = r.words(), starts.count == count + 1, let edges = r.words(),
              let externals = r.bytes(), externals.count % width == 0,
              let modules = r.bytes(), let attributes = r.bytes(), let json = r.bytes(),
              let findings = try? JSONDecoder().decode([Finding].self, from: Data(json)),
              Int(starts.last ?? 0) == edges.count,
              zip(starts, starts.dropFirst()).allSatisfy({ $0 <= $1 }),
              Self.inBounds(edges, count: count, externals: externals.count / width) else { return nil }
        let graph = SourceGraph(count: count, width: width, states: states, starts: starts, edges: edges, externals: externals,
                                owner: r.file)
        return PackEntry(graph: graph, findings: findings, objects: objects, bytesHashed: Int64(hashed), gitmodules: modules,
                         gitattributes: attributes)
    }

    /// Every reference points inside the pack or the external list (the cache is read without copying,
    /// so a damaged file must not reach the walk).
    static func inBounds(_ edges: UnsafeBufferPointer<UInt32>, count: Int, externals: Int) -> Bool {
        for e in edges {
            let i = Int(e & SourceGraph.indexMask)
            if e & SourceGraph.external != 0 ? i >= externals : i >= count { return false }
        }
        return true
    }

    func savePack(name: String, key: String, result: PackResult) {
        guard let graph = result.graph, let json = try? JSONEncoder().encode(result.findings) else { return }
        var w = Writer(key: key)
        w.int(graph.count)
        w.int(result.objects)
        w.int(Int(result.bytesHashed))
        w.bytes(Array(graph.states))
        w.words(graph.starts)
        w.words(graph.edges)
        w.bytes(graph.externals)
        w.bytes(result.gitmodules)
        w.bytes(result.gitattributes)
        w.bytes([UInt8](json))
        write(w.finished, to: fileName(pack: name))
    }

    // MARK: loose objects

    /// One loose object as last verified: its stat, state and references (expected type, id).
    struct LooseRecord {
        var stat: FileStat
        var state: UInt8
        var edges: [(GitType, [UInt8])]
    }

    func fileName(loose objects: String) -> String { directory + "/loose-" + ContentHash.xxh128Hex(objects).prefix(16) + ".graph" }

    func loadLoose(objects: String, width: Int) -> [[UInt8]: LooseRecord] {
        guard var r = open(fileName(loose: objects), key: "loose|" + settings), let n = r.int() else { return [:] }
        var out: [[UInt8]: LooseRecord] = [:]
        for _ in 0..<n {
            guard let id = r.raw(width), let dev = r.int(), let ino = r.int(), let size = r.int(), let mtime = r.int(),
                  let ctime = r.int(), let state = r.raw(1), let edgeCount = r.int() else { return [:] }
            var edges: [(GitType, [UInt8])] = []
            for _ in 0..<edgeCount {
                guard let t = r.raw(1), let type = GitType(rawValue: t[0]), let target = r.raw(width) else { return [:] }
                edges.append((type, target))
            }
            let st = FileStat(device: UInt64(bitPattern: Int64(dev)), inode: UInt64(bitPattern: Int64(ino)), size: Int64(size),
                              mtimeNs: Int64(mtime), ctimeNs: Int64(ctime), mode: 0)
            out[id] = LooseRecord(stat: st, state: state[0], edges: edges)
        }
        return out
    }

    func saveLoose(objects: String, records: [([UInt8], LooseRecord)]) {
        var w = Writer(key: "loose|" + settings)
        w.int(records.count)
        for (id, rec) in records {
            w.raw(id)
            w.int(Int(Int64(bitPattern: rec.stat.device)))
            w.int(Int(Int64(bitPattern: rec.stat.inode)))
            w.int(Int(rec.stat.size))
            w.int(Int(rec.stat.mtimeNs))
            w.int(Int(rec.stat.ctimeNs))
            w.raw([rec.state])
            w.int(rec.edges.count)
            for (type, target) in rec.edges {
                w.raw([type.rawValue])
                w.raw(target)
            }
        }
        write(w.finished, to: fileName(loose: objects))
    }

    /// Deletes cache files of packs that are gone.
    func prune(keeping names: Set<String>) {
        guard let files = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for f in files where f.hasPrefix("pack-") && f.hasSuffix(".graph") && !names.contains(String(f.dropLast(6))) {
            unlink(directory + "/" + f)
        }
    }

    // MARK: file format

    private func open(_ path: String, key: String) -> Reader? {
        guard let file = try? RawFile(path: path, limit: 1 << 32), file.count >= Self.magic.count + 16 else { return nil }
        let body = UnsafeRawBufferPointer(start: file.base, count: file.count - 8)
        guard ContentHash.hash(body, .xxh3_64).bytes == file.bytes(file.count - 8, 8) else { return nil }
        var r = Reader(file: file, at: 0)
        guard r.raw(Self.magic.count) == Self.magic, let k = r.bytes(), k == Array(key.utf8) else { return nil }
        return r
    }

    /// Writes the pieces to a temporary file beside `path`, then renames it: readers see the old file or
    /// the new one. Large pieces are written from where they lie, never gathered into one buffer.
    private func write(_ w: Writer, to path: String) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            note = "could not save the git stat cache: \(error.localizedDescription)"
            return
        }
        let tmp = path + ".tmp-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = Glibc.open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            note = "could not save the git stat cache: \(String(cString: strerror(errno)))"
            return
        }
        let hasher = StreamingHasher(.xxh3_64)
        var ok = true
        func put(_ b: UnsafeRawBufferPointer) {
            hasher.update(b)
            var done = 0
            while ok && done < b.count {
                let n = Glibc.write(fd, b.baseAddress! + done, b.count - done)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { ok = false; break }
                done += n
            }
        }
        for piece in w.pieces {
            switch piece {
            case .bytes(let b): b.withUnsafeBytes { put($0) }
            case .raw(let r): if r.count > 0 { put(r) }
            }
        }
        let digest = hasher.finalize().bytes
        if ok { digest.withUnsafeBytes { b in _ = Glibc.write(fd, b.baseAddress!, b.count) } }
        close(fd)
        if !ok || rename(tmp, path) != 0 {
            unlink(tmp)
            note = "could not save the git stat cache in '\(directory)'"
        }
    }

    private struct Writer {
        enum Piece {
            case bytes([UInt8])
            /// Memory that outlives the write (a graph's arrays).
            case raw(UnsafeRawBufferPointer)
        }
        var pieces: [Piece] = []
        private var small: [UInt8] = []
        private var length = 0

        init(key: String) {
            small = GitGraphCache.magic
            bytes(Array(key.utf8))
        }
        mutating func int(_ v: Int) { withUnsafeBytes(of: UInt64(bitPattern: Int64(v)).littleEndian) { small += $0 } }
        mutating func raw(_ b: [UInt8]) { small += b }
        mutating func bytes(_ b: [UInt8]) { int(b.count); small += b }
        /// A count, zero bytes up to a multiple of four, then the words (read in place, so aligned).
        mutating func words(_ w: UnsafeBufferPointer<UInt32>) {
            int(w.count)
            while (length + small.count) % 4 != 0 { small.append(0) }
            flush()
            pieces.append(.raw(UnsafeRawBufferPointer(w)))
            length += w.count * 4
        }
        private mutating func flush() {
            pieces.append(.bytes(small))
            length += small.count
            small = []
        }
        var finished: Writer {
            var w = self
            w.flush()
            return w
        }
    }

    private struct Reader {
        let file: RawFile
        var at: Int
        var end: Int { file.count - 8 }

        mutating func int() -> Int? {
            guard at + 8 <= end else { return nil }
            let v = Int64(littleEndian: file.base.loadUnaligned(fromByteOffset: at, as: Int64.self))
            at += 8
            return Int(v)
        }

        mutating func raw(_ n: Int) -> [UInt8]? {
            guard n >= 0, at + n <= end else { return nil }
            defer { at += n }
            return file.bytes(at, n)
        }

        mutating func bytes() -> [UInt8]? {
            guard let n = int() else { return nil }
            return raw(n)
        }

        /// Words in place in the file's memory (the file must outlive them).
        mutating func words() -> UnsafeBufferPointer<UInt32>? {
            guard let n = int(), n >= 0 else { return nil }
            while at % 4 != 0 { at += 1 }
            guard at + 4 * n <= end else { return nil }
            defer { at += 4 * n }
            return UnsafeBufferPointer(start: (file.base + at).assumingMemoryBound(to: UInt32.self), count: n)
        }

        /// Bytes in place in the file's memory.
        mutating func span() -> UnsafeRawBufferPointer? {
            guard let n = int(), n >= 0, at + n <= end else { return nil }
            defer { at += n }
            return UnsafeRawBufferPointer(start: file.base + at, count: n)
        }
    }
}
