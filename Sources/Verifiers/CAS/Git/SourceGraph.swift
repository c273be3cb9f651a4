/// The objects of one source (a pack, or an objects directory's loose objects) after verification: each
/// object's state and type, and its references, by position in the source's sorted id list.
///
/// References are 32-bit words: bit 31 set means "not in this source" and the low 28 bits index
/// `externals` (flat ids); clear means the low 28 bits are a position in this source. Bits 28-30 hold the
/// type the reference expects (a tree entry's mode says blob or tree, a tag's `type` line says which).
/// Stored this way, a million objects with ten million references take about 45 MB, and the graph can be
/// written to the stat cache and read back as it is.
final class SourceGraph: @unchecked Sendable {
    static let external: UInt32 = 1 << 31
    static let indexMask: UInt32 = (1 << 28) - 1
    static let maxObjects = Int(indexMask)

    /// Object states: 0 not verified (corrupt, or a delta that could not be resolved); 1...4 the git type;
    /// `unparseable` added when git could not parse it (it then counts as absent, as in git).
    static let unparseable: UInt8 = 0x10

    let count: Int
    let width: Int
    let states: UnsafeMutableBufferPointer<UInt8>
    private(set) var edgeStart: [UInt32]
    private(set) var edges: [UInt32]
    private(set) var externals: [UInt8]

    init(count: Int, width: Int) {
        self.count = count
        self.width = width
        states = .allocate(capacity: max(count, 1))
        states.initialize(repeating: 0)
        edgeStart = []
        edges = []
        externals = []
    }

    init(count: Int, width: Int, states bytes: [UInt8], edgeStart: [UInt32], edges: [UInt32], externals: [UInt8]) {
        self.count = count
        self.width = width
        states = .allocate(capacity: max(count, 1))
        states.initialize(repeating: 0)
        for i in 0..<min(count, bytes.count) { states[i] = bytes[i] }
        self.edgeStart = edgeStart
        self.edges = edges
        self.externals = externals
    }

    deinit { states.deallocate() }

    @inline(__always)
    func type(_ i: Int) -> GitType? {
        let s = states[i]
        return s & Self.unparseable != 0 ? nil : GitType(rawValue: s)
    }

    /// Present as git would see it: verified and parseable.
    @inline(__always)
    func present(_ i: Int) -> Bool { type(i) != nil }

    func edgeRange(_ i: Int) -> Range<Int> {
        guard edgeStart.count == count + 1 else { return 0..<0 }
        return Int(edgeStart[i])..<Int(edgeStart[i + 1])
    }

    @inline(__always)
    func edge(_ e: Int) -> UInt32 { edges[e] }

    func externalID(_ k: Int) -> ArraySlice<UInt8> { externals[(k * width)..<((k + 1) * width)] }

    static func encode(index: Int, type: GitType, external: Bool) -> UInt32 {
        UInt32(index) | UInt32(type.rawValue) << 28 | (external ? Self.external : 0)
    }

    @inline(__always)
    static func expected(_ e: UInt32) -> GitType? { GitType(rawValue: UInt8((e >> 28) & 7)) }

    /// Builds the compressed edge arrays from the workers' logs.
    func assemble(_ logs: [EdgeLog]) {
        var counts = [UInt32](repeating: 0, count: count + 1)
        var total = 0
        for log in logs {
            var r = 0
            let rec = log.records
            while r < rec.count {
                let pos = Int(rec[r]), n = Int(rec[r + 1])
                counts[pos + 1] += UInt32(n)
                total += n
                r += 2 + n
            }
        }
        for i in 0..<count { counts[i + 1] += counts[i] }
        var fill = counts
        var out = [UInt32](repeating: 0, count: total)
        var externalBase = 0
        var merged = [UInt8]()
        merged.reserveCapacity(logs.reduce(0) { $0 + $1.externals.count })
        for log in logs {
            let rec = log.records
            var r = 0
            while r < rec.count {
                let pos = Int(rec[r]), n = Int(rec[r + 1])
                var at = Int(fill[pos])
                for j in 0..<n {
                    var e = rec[r + 2 + j]
                    if e & Self.external != 0 { e = (e & ~Self.indexMask) | (e & Self.indexMask + UInt32(externalBase)) }
                    out[at] = e
                    at += 1
                }
                fill[pos] = UInt32(at)
                r += 2 + n
            }
            externalBase += log.externals.count / width
            merged.append(contentsOf: log.externals)
        }
        edgeStart = counts
        edges = out
        externals = merged
    }
}

/// One worker's references for one source: `[position, count, edge...]` records and the ids of targets
/// outside the source.
final class EdgeLog {
    var records: [UInt32] = []
    var externals: [UInt8] = []

    /// Resolves each reference the sink collected and appends the object's record.
    func append(position: Int, sink: ObjectSink, lookup: (UnsafeRawPointer) -> Int?) {
        let n = sink.edgeCount
        guard n > 0 else { return }
        records.append(UInt32(position))
        records.append(UInt32(n))
        let width = sink.width
        sink.edgeIDs.withUnsafeBytes { ids in
            for j in 0..<n {
                let id = ids.baseAddress! + j * width
                let type = sink.edgeTypes[j]
                if let local = lookup(id) {
                    records.append(SourceGraph.encode(index: local, type: type, external: false))
                } else {
                    records.append(SourceGraph.encode(index: externals.count / width, type: type, external: true))
                    externals.append(contentsOf: UnsafeRawBufferPointer(start: id, count: width))
                }
            }
        }
    }
}
