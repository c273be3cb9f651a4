import ContentHash

#if canImport(Glibc)
import Glibc
#endif

/// Hashes one object the way git names it (`<type> <size>\0` then the content) and parses it for its
/// references and fsck messages. One per worker.
final class ObjectInspector {
    let algorithm: HashAlgorithm
    let sink: ObjectSink
    let strict: Bool

    init(algorithm: HashAlgorithm, levels: FsckLevels, strict: Bool) {
        self.algorithm = algorithm
        sink = ObjectSink(width: algorithm.digestLength, levels: levels)
        self.strict = strict
    }

    static func header(_ type: GitType, _ size: Int) -> [UInt8] { Array("\(type.name) \(size)".utf8) + [0] }

    func hash(_ type: GitType, _ data: UnsafeRawBufferPointer) -> [UInt8] {
        let hasher = StreamingHasher(algorithm)
        hasher.update(Self.header(type, data.count))
        hasher.update(data)
        return hasher.finalize().bytes
    }

    /// True when `data` hashes to `expected` (a pointer to the id bytes).
    func matches(_ type: GitType, _ data: UnsafeRawBufferPointer, _ expected: UnsafeRawPointer) -> (Bool, [UInt8]) {
        let actual = hash(type, data)
        let ok = actual.withUnsafeBytes { memcmp($0.baseAddress!, expected, actual.count) == 0 }
        return (ok, actual)
    }

    /// Parses the object into the sink (which it resets first).
    func parse(_ type: GitType, _ data: UnsafeRawBufferPointer) {
        sink.reset()
        switch type {
        case .commit: CommitTagParser.commit(data, sink: sink)
        case .tag: CommitTagParser.tag(data, sink: sink)
        case .tree: TreeParser.parse(data, sink: sink, strict: strict)
        case .blob: break
        }
    }

    /// The state a source graph records for the object just parsed.
    func state(_ type: GitType) -> UInt8 { type.rawValue | (sink.unparseable != nil ? SourceGraph.unparseable : 0) }
}
