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
    static let maxDepth = 10_000

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
        guard depth < Self.maxDepth else { return nil }
        for p in packs {
            guard let pos = id.withUnsafeBytes({ p.index.find($0.baseAddress!) }) else { continue }
            if let r = entry(p, offset: p.index.offset(pos), limit: limit, depth: depth), verified(r, id) { return r }
        }
        let hex = Hex.encode(id)
        let reader = LooseReader()
        for dir in looseDirectories {
            let path = dir + "/" + hex.prefix(2) + "/" + hex.dropFirst(2)
            guard FileStat.of(path) != nil else { continue }
            if case .object(let type, let content, let size, let digest, _) = reader.read(path, algorithm: algorithm, keepBlobs: true),
               digest == id, size <= limit, let content {
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

    private func entry(_ p: Pack, offset: UInt64, limit: Int, depth: Int) -> (GitType, ObjectBuffer)? {
        guard depth < Self.maxDepth, offset >= 12, Int(offset) < p.file.size - algorithm.digestLength else { return nil }
        let width = algorithm.digestLength
        guard let head = try? p.file.bytes(Int(offset), min(32 + width, p.file.size - Int(offset))),
              let header = try? head.withUnsafeBytes({ try PackEntryHeader.parse($0, offset: offset, width: width) }),
              header.size <= limit else { return nil }
        // Read the compressed body in growing pieces until zlib finishes.
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
        guard written == header.size else { return nil }
        if let type = GitType(rawValue: header.type) { return (type, out) }
        let base: (GitType, ObjectBuffer)?
        if header.type == GitType.ofsDelta {
            base = entry(p, offset: header.baseOffset, limit: limit, depth: depth + 1)
        } else {
            base = readLocked(Array(head[header.baseIDAt..<(header.baseIDAt + width)]), limit: limit, depth: depth + 1)
        }
        guard let (type, b) = base, let (size, start) = try? GitDelta.sizes(out.bytes, baseCount: b.count), size <= limit
        else { return nil }
        let result = ObjectBuffer(count: size)
        guard (try? GitDelta.apply(out.bytes, start: start, base: b.bytes, into: result.pointer, resultSize: size)) != nil
        else { return nil }
        return (type, result)
    }
}
