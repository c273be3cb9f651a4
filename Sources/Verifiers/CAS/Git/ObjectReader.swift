import ContentHash
import Foundation

/// Reads single objects by id, the way git's `read_object` does: from any pack (resolving delta chains,
/// with a depth limit so a cyclic chain ends) or a loose file in any objects directory. Used for thin-pack
/// bases and for the `.gitmodules` and `.gitattributes` blobs fsck checks at the end. One thread at a time.
final class ObjectReader: @unchecked Sendable {
    struct Pack {
        let index: PackIndex
        let file: PackFile
    }

    private var packs: [Pack] = []
    let looseDirectories: [String]
    let algorithm: HashAlgorithm
    private let inflater = Inflater()
    private let lock = NSLock()
    /// Longest delta chain followed inside one pack (git writes at most 4,095), and how many times a
    /// chain may leave its pack for a base elsewhere.
    static let maxDepth = 10_000
    static let maxExternalDepth = 50

    init(looseDirectories: [String], algorithm: HashAlgorithm) {
        self.looseDirectories = looseDirectories
        self.algorithm = algorithm
    }

    func add(index: PackIndex, file: PackFile) {
        lock.lock()
        packs.append(Pack(index: index, file: file))
        lock.unlock()
    }

    /// The object's type and content, if some pack or objects directory has a readable copy whose content
    /// hashes to `id`.
    func read(_ id: [UInt8], limit: Int = 1 << 30) -> (GitType, ObjectBuffer)? {
        lock.lock()
        defer { lock.unlock() }
        return readLocked(id, limit: limit, depth: 0)
    }

    private func readLocked(_ id: [UInt8], limit: Int, depth: Int) -> (GitType, ObjectBuffer)? {
        guard depth <= Self.maxExternalDepth else { return nil }
        for p in packs {
            guard let pos = id.withUnsafeBytes({ p.index.find($0.baseAddress!) }) else { continue }
            if let r = entry(p, offset: p.index.offset(pos), limit: limit, depth: depth), verified(r, id) { return r }
        }
        let hex = Hex.encode(id)
        let reader = LooseReader()
        for dir in looseDirectories {
            let path = dir + "/" + hex.prefix(2) + "/" + hex.dropFirst(2)
            guard FileStat.of(path) != nil else { continue }
            // The limit goes to the reader: a blob of 600 MB in a 2.6 MB file was inflated whole before it was
            // found too large (1 GiB resident).
            if case .object(let type, let content, _, let digest, _) = reader.read(path, algorithm: algorithm, keepBlobs: true,
                                                                                    limit: limit),
               digest == id, let content {
                let buffer = ObjectBuffer(count: content.count)
                content.withUnsafeBytes { if let b = $0.baseAddress { buffer.pointer.copyMemory(from: b, byteCount: content.count) } }
                return (type, buffer)
            }
        }
        return nil
    }

    /// Whether any pack or objects directory lists the object (readable or not).
    func exists(_ id: [UInt8]) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        if packs.contains(where: { p in id.withUnsafeBytes { p.index.find($0.baseAddress!) } != nil }) { return true }
        let hex = Hex.encode(id)
        return looseDirectories.contains { FileStat.of($0 + "/" + hex.prefix(2) + "/" + hex.dropFirst(2)) != nil }
    }

    private func verified(_ r: (GitType, ObjectBuffer), _ id: [UInt8]) -> Bool {
        let hasher = StreamingHasher(algorithm)
        hasher.update(ObjectInspector.header(r.0, r.1.count))
        hasher.update(r.1.bytes)
        return hasher.finalize().bytes == id
    }

    /// The object at `offset`: its chain of deltas is followed iteratively (packs may hold chains thousands
    /// deep), then applied from the base up. A base in another pack or loose counts one level of `depth`.
    private func entry(_ p: Pack, offset start: UInt64, limit: Int, depth: Int) -> (GitType, ObjectBuffer)? {
        var deltas: [ObjectBuffer] = []
        var offset = start
        var base: (GitType, ObjectBuffer)?
        while base == nil {
            guard deltas.count < Self.maxDepth, let (header, body, head) = inflateEntry(p, offset: offset, limit: limit) else { return nil }
            if let type = GitType(rawValue: header.type) {
                base = (type, body)
                break
            }
            deltas.append(body)
            if header.type == GitType.ofsDelta {
                offset = header.baseOffset
            } else {
                guard depth < Self.maxExternalDepth else { return nil }
                let id = Array(head[header.baseIDAt..<(header.baseIDAt + algorithm.digestLength)])
                guard let external = readLocked(id, limit: limit, depth: depth + 1) else { return nil }
                base = external
            }
        }
        guard let (type, first) = base else { return nil }
        var data = first
        for delta in deltas.reversed() {
            guard let (size, at) = try? GitDelta.sizes(delta.bytes, baseCount: data.count), size <= limit else { return nil }
            let result = ObjectBuffer(count: size)
            guard (try? GitDelta.apply(delta.bytes, start: at, base: data.bytes, into: result.pointer, resultSize: size)) != nil
            else { return nil }
            data = result
        }
        return (type, data)
    }

    /// One entry's header and inflated body (a whole object, or a delta's instructions).
    private func inflateEntry(_ p: Pack, offset: UInt64, limit: Int) -> (PackEntryHeader, ObjectBuffer, [UInt8])? {
        let width = algorithm.digestLength
        // Compared as 64 bits: the offset comes from an idx's large-offset table or a delta's header, and a
        // pack that failed verification is still asked for bases (one at 2^63 trapped the conversion).
        guard offset >= 12, offset < UInt64(p.file.size - width),
              let head = try? p.file.bytes(Int(offset), min(32 + width, p.file.size - Int(offset))),
              let header = try? head.withUnsafeBytes({ try PackEntryHeader.parse($0, offset: offset, width: width) }),
              header.size <= limit else { return nil }
        var at = Int(offset) + header.length
        let file = p.file
        let out = ObjectBuffer(count: header.size)
        let input = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 << 10, alignment: 16)
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 256 << 10, alignment: 16)
        defer {
            input.deallocate()
            scratch.deallocate()
        }
        var written = 0
        let stop = file.size - width
        do {
            _ = try inflater.stream(read: { (buf: UnsafeMutableRawBufferPointer) throws(GitReadError) -> Int in
                let n = min(buf.count, stop - at)
                if n <= 0 { return 0 }
                try file.read(at, n, into: buf.baseAddress!)
                at += n
                return n
            }, into: scratch, input: input, sink: { chunk in
                guard written + chunk.count <= header.size else { return false }
                out.pointer.advanced(by: written).copyMemory(from: chunk.baseAddress!, byteCount: chunk.count)
                written += chunk.count
                return true
            }, stopAtEnd: true)
        } catch {
            return nil
        }
        return written == header.size ? (header, out, head) : nil
    }
}
