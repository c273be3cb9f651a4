/// The objects of one source (a pack, or an objects directory's loose objects) after verification: each
/// object's state and type, and its references, by position in the source's sorted id list.
///
/// References are 32-bit words: bit 31 set means "not in this source" and the low 28 bits index
/// `externals` (flat ids); clear means the low 28 bits are a position in this source. Bits 28-30 hold the
/// type the reference expects (a tree entry's mode says blob or tree, a tag's `type` line says which).
/// Stored this way, a million objects with ten million references take about 45 MB; the arrays live in
/// memory the graph owns or in the stat-cache file it was read from, never copied.
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
    /// `count + 1` start positions into `edges`.
    private(set) var starts: UnsafeBufferPointer<UInt32>
    private(set) var edges: UnsafeBufferPointer<UInt32>
    private(set) var externals: [UInt8]
    /// What keeps `starts` and `edges` alive: the graph's own allocation, or a cache file.
    private var owner: AnyObject?

    init(count: Int, width: Int) {
        self.count = count
        self.width = width
        states = .allocate(capacity: max(count, 1))
        states.initialize(repeating: 0)
        starts = UnsafeBufferPointer(start: nil, count: 0)
        edges = UnsafeBufferPointer(start: nil, count: 0)
        externals = []
    }

    /// A graph over arrays held by `owner` (a cache file read into memory).
    init(count: Int, width: Int, states bytes: UnsafeRawBufferPointer, starts: UnsafeBufferPointer<UInt32>,
         edges: UnsafeBufferPointer<UInt32>, externals: [UInt8], owner: AnyObject) {
        self.count = count
        self.width = width
        states = .allocate(capacity: max(count, 1))
        states.initialize(repeating: 0)
        for i in 0..<min(count, bytes.count) { states[i] = bytes[i] }
        self.starts = starts
        self.edges = edges
        self.externals = externals
        self.owner = owner
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

    @inline(__always)
    func edgeRange(_ i: Int) -> Range<Int> {
        guard starts.count == count + 1 else { return 0..<0 }
        return Int(starts[i])..<Int(starts[i + 1])
    }

    @inline(__always)
    func edge(_ e: Int) -> UInt32 { edges[e] }

    func externalID(_ k: Int) -> ArraySlice<UInt8> { externals[(k * width)..<((k + 1) * width)] }

    static func encode(index: Int, type: GitType, external: Bool) -> UInt32 {
        UInt32(index) | UInt32(type.rawValue) << 28 | (external ? Self.external : 0)
    }

    @inline(__always)
    static func expected(_ e: UInt32) -> GitType? { GitType(rawValue: UInt8((e >> 28) & 7)) }

    /// Builds the compressed edge arrays from the workers' logs, emptying each piece of a log as soon as
    /// it is copied, so that the logs and the result are never both held whole.
    func assemble(_ logs: [EdgeLog]) {
        var counts = [UInt32](repeating: 0, count: count + 1)
        var total = 0
        for log in logs {
            log.forEachRecord { pos, words in
                counts[pos + 1] += UInt32(words.count)
                total += words.count
            }
        }
        for i in 0..<count { counts[i + 1] += counts[i] }
        let storage = EdgeStorage(starts: counts, edges: total)
        var fill = counts
        var externalBase: UInt32 = 0
        var merged = [UInt8]()
        merged.reserveCapacity(logs.reduce(0) { $0 + $1.externals.count })
        for log in logs {
            let base = externalBase
            log.drain { pos, words in
                var at = Int(fill[pos])
                for var e in words {
                    if e & Self.external != 0 { e = (e & ~Self.indexMask) | ((e & Self.indexMask) + base) }
                    storage.edges[at] = e
                    at += 1
                }
                fill[pos] = UInt32(at)
            }
            externalBase += UInt32(log.externals.count / width)
            merged.append(contentsOf: log.externals)
            log.externals = []
        }
        starts = UnsafeBufferPointer(storage.starts)
        edges = UnsafeBufferPointer(storage.edges)
        externals = merged
        owner = storage
    }
}

/// The memory of an assembled graph's arrays.
final class EdgeStorage {
    let starts: UnsafeMutableBufferPointer<UInt32>
    let edges: UnsafeMutableBufferPointer<UInt32>

    init(starts counts: [UInt32], edges total: Int) {
        starts = .allocate(capacity: counts.count)
        _ = starts.initialize(from: counts)
        // Exactly `total` words (an allocation of at least one, so the pointer is never null).
        edges = UnsafeMutableBufferPointer(start: UnsafeMutablePointer<UInt32>.allocate(capacity: max(total, 1)), count: total)
        edges.initialize(repeating: 0)
    }

    deinit {
        starts.deallocate()
        edges.baseAddress?.deallocate()
    }
}

/// One worker's references for one source: `[position, count, edge...]` records, in pieces of about a
/// million words, and the ids of targets outside the source.
final class EdgeLog {
    private static let piece = 1 << 20
    private var pieces: [[UInt32]] = []
    private var current: [UInt32] = []
    var externals: [UInt8] = []

    /// Resolves each reference the sink collected and appends the object's record.
    func append(position: Int, sink: ObjectSink, lookup: (UnsafeRawPointer) -> Int?) {
        let n = sink.edgeCount
        guard n > 0 else { return }
        if current.count + n + 2 > Self.piece && !current.isEmpty {
            pieces.append(current)
            current = []
            current.reserveCapacity(Self.piece)
        }
        current.append(UInt32(position))
        current.append(UInt32(n))
        let width = sink.width
        sink.edgeIDs.withUnsafeBytes { ids in
            for j in 0..<n {
                let id = ids.baseAddress! + j * width
                let type = sink.edgeTypes[j]
                if let local = lookup(id) {
                    current.append(SourceGraph.encode(index: local, type: type, external: false))
                } else {
                    current.append(SourceGraph.encode(index: externals.count / width, type: type, external: true))
                    externals.append(contentsOf: UnsafeRawBufferPointer(start: id, count: width))
                }
            }
        }
    }

    func forEachRecord(_ body: (Int, ArraySlice<UInt32>) -> Void) {
        for piece in pieces + [current] {
            var r = 0
            while r < piece.count {
                let n = Int(piece[r + 1])
                body(Int(piece[r]), piece[(r + 2)..<(r + 2 + n)])
                r += 2 + n
            }
        }
    }

    /// Like `forEachRecord`, giving up each piece once it has been read.
    func drain(_ body: (Int, ArraySlice<UInt32>) -> Void) {
        pieces.append(current)
        current = []
        for i in pieces.indices {
            let piece = pieces[i]
            pieces[i] = []
            var r = 0
            while r < piece.count {
                let n = Int(piece[r + 1])
                body(Int(piece[r]), piece[(r + 2)..<(r + 2 + n)])
                r += 2 + n
            }
        }
        pieces = []
    }
}
