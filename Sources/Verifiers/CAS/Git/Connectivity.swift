import ContentHash
import GateCore

#if canImport(Glibc)
import Glibc
#endif

/// git fsck's connectivity check (builtin/fsck.c: `mark_object`, `traverse_reachable`,
/// `check_connectivity`) over the verified sources.
///
/// Every head (ref, HEAD, reflog entry, index entry) must name an object that is present; everything
/// reachable from the heads through commit trees and parents (with grafts and shallow commits applied),
/// tree entries (not gitlinks) and tag targets must be present and of the type the link expects. The walk
/// stops at promisor objects (objects in `.promisor` packs and what they refer to, when the repository
/// has a promisor remote), which a partial clone may lack by design. Present objects that nothing
/// reaches and nothing refers to are git's "dangling" objects: warnings.
///
/// The walks run over flat arrays (one type byte and one flag byte per object, each source's references
/// resolved to global indices once), with no per-object allocation: a million objects and ten million
/// references take a fraction of a second.
final class Connectivity {
    static let reachable: UInt8 = 1
    static let used: UInt8 = 2
    static let promised: UInt8 = 4
    static let absent = UInt32.max

    let sources: [ObjectSource]
    let table: ObjectTable
    let width: Int
    /// By global index: the type of the copy used, 0 when not present (corrupt or unparseable).
    private let types: Flags
    private let flags: Flags
    /// Each source's references, with targets already turned into global indices.
    private let views: [EdgeView]
    /// Replacement parent lists (grafts) and cut parents (shallow), by global index.
    private var grafts: [Int: [[UInt8]]] = [:]
    /// Ids that promisor objects refer to and that are absent: a partial clone's unfetched objects.
    private var promisedIDs = Set<[UInt8]>()

    private(set) var findings: [Finding] = []
    private(set) var missing: [[UInt8]: (type: GitType?, referrers: [Int])] = [:]
    private(set) var promisedMissing = 0
    private(set) var danglingCount = 0
    private(set) var unreachableCount = 0

    init(sources: [ObjectSource], width: Int, shallow: [[UInt8]], grafts graftList: [(commit: [UInt8], parents: [[UInt8]])]) {
        self.sources = sources
        self.width = width
        let table = ObjectTable(sources: sources, width: width)
        self.table = table
        types = Flags(table.count)
        flags = Flags(table.count)
        for g in 0..<table.count {
            types[g] = sources[Int(table.source[g])].graph.type(Int(table.position[g]))?.rawValue ?? 0
        }
        views = sources.indices.map { EdgeView(source: sources[$0], global: table.global[$0], ids: table.ids, width: width) }
        for (commit, parents) in graftList {
            if let g = table.ids.find(commit) { grafts[g] = parents }
        }
        for commit in shallow {
            if let g = table.ids.find(commit) { grafts[g] = [] }
        }
        markPromisors()
        promisedMissing = promisedIDs.count
    }

    @inline(__always)
    func present(_ g: Int) -> Bool { types[g] != 0 }

    @inline(__always)
    func type(_ g: Int) -> GitType? { GitType(rawValue: types[g]) }

    var hasGrafts: Bool { !grafts.isEmpty }

    /// Calls `body(target, expected, word position)` for each reference of `g` (target `absent` when the
    /// object is nowhere). A commit with a graft or a shallow entry gets the graft's parents instead of its own.
    @inline(__always)
    private func forEachEdge(_ g: Int, _ body: (UInt32, GitType?, Int, Int) -> Void) {
        let s = Int(table.source[g]), p = Int(table.position[g])
        let v = views[s]
        let graft = grafts.isEmpty ? nil : grafts[g]
        let skipParents = graft != nil && types[g] == GitType.commit.rawValue
        let start = Int(v.starts[p]), end = Int(v.starts[p + 1])
        var e = start
        while e < end {
            let word = v.edges[e]
            let expected = SourceGraph.expected(word)
            if !(skipParents && expected == .commit) { body(v.target(word), expected, s, e) }
            e += 1
        }
        if let graft, skipParents {
            for parent in graft { body(table.ids.find(parent).map(UInt32.init) ?? Self.absent, .commit, -1, 0) }
        }
    }

    /// The id an edge points at (`source` -1: a graft parent, looked up again).
    private func targetID(_ t: UInt32, source: Int, edge: Int) -> [UInt8] {
        if t != Self.absent { return table.ids.id(Int(t)) }
        guard source >= 0 else { return [] }
        return views[source].targetID(edge)
    }

    /// A commit's tree and parents as its object records them (grafts not applied).
    func commitLinks(_ g: Int) -> (tree: [UInt8]?, parents: [[UInt8]]) {
        let s = Int(table.source[g]), p = Int(table.position[g])
        let v = views[s]
        var tree: [UInt8]?
        var parents: [[UInt8]] = []
        for e in Int(v.starts[p])..<Int(v.starts[p + 1]) {
            let id = targetID(v.target(v.edges[e]), source: s, edge: e)
            if SourceGraph.expected(v.edges[e]) == .tree { tree = id } else { parents.append(id) }
        }
        return (tree, parents)
    }

    /// `is_promisor_object`: every object in a promisor pack and every object such an object refers to.
    private func markPromisors() {
        guard sources.contains(where: \.promisor) else { return }
        let f = flags
        var absentIDs: [[UInt8]] = []
        for g in 0..<table.count where sources[Int(table.source[g])].promisor {
            f[g] |= Self.promised
            forEachEdge(g) { t, _, s, e in
                if t == Self.absent { absentIDs.append(targetID(t, source: s, edge: e)) } else { f[Int(t)] |= Self.promised }
            }
        }
        promisedIDs = Set(absentIDs)
    }

    func isPromised(_ g: Int?, _ id: [UInt8]) -> Bool {
        if let g { return flags[g] & Self.promised != 0 }
        return !promisedIDs.isEmpty && promisedIDs.contains(id)
    }

    /// Marks what every present object refers to (git's `mark_used` while checking each object).
    func markUsed() {
        let f = flags
        for g in 0..<table.count where types[g] != 0 {
            forEachEdge(g) { t, _, _, _ in if t != Self.absent { f[Int(t)] |= Self.used } }
        }
    }

    /// Walks from the heads; records missing objects and wrong-type links.
    func walk(_ heads: [GitHead], describe: (Int) -> String, location: (Int) -> String) {
        var stack: [Int] = []
        let f = flags
        for head in heads {
            let found = table.ids.find(head.id)
            guard let g = found, present(g) else {
                if isPromised(found, head.id) { continue }
                let hex = Hex.encode(head.id)
                let problem: String
                switch head.kind {
                case .ref, .head: problem = "invalid sha1 pointer \(hex): the object is missing"
                case .reflog: problem = "invalid reflog entry \(hex): the object is missing"
                case .index: problem = "index entry points to missing \(head.mustBe?.name ?? "object") \(hex)"
                }
                findings.append(GitFindings.badHead(name: head.name, id: hex, path: head.path, problem: problem))
                continue
            }
            f[g] |= Self.used
            if let must = head.mustBe, let t = type(g), t != must {
                findings.append(GitFindings.badRef(name: head.name, path: head.path,
                    problem: "points to \(t.name) \(Hex.encode(head.id)), not a \(must.name)\(head.kind == .ref ? " (git: 'not a commit')" : "")"))
            }
            if f[g] & Self.reachable == 0 {
                f[g] |= Self.reachable
                if f[g] & Self.promised == 0 { stack.append(g) }
            }
        }
        var absent: [(UInt32, Int, Int, GitType?, Int)] = []
        var wrong: [(Int, Int, GitType, GitType)] = []
        let types = self.types
        while let g = stack.popLast() {
            forEachEdge(g) { t, expected, s, e in
                guard t != Self.absent else {
                    absent.append((t, s, e, expected, g))
                    return
                }
                let target = Int(t)
                let actual = types[target]
                // Present in a pack or loose but corrupt: reported where it lives.
                guard actual != 0 else { return }
                if let expected, actual != expected.rawValue {
                    wrong.append((g, target, expected, GitType(rawValue: actual)!))
                    return
                }
                if f[target] & Self.reachable == 0 {
                    f[target] |= Self.reachable
                    if f[target] & Self.promised == 0 { stack.append(target) }
                }
            }
        }
        for (t, s, e, expected, g) in absent {
            let key = targetID(t, source: s, edge: e)
            if key.isEmpty || isPromised(nil, key) { continue }
            var entry = missing[key] ?? (expected, [])
            if entry.referrers.count < 64 { entry.referrers.append(g) }
            missing[key] = entry
        }
        for (g, t, expected, actual) in wrong {
            findings.append(wrongType(from: g, to: t, expected: expected, actual: actual, describe: describe, location: location))
        }
    }

    private func wrongType(from g: Int, to t: Int, expected: GitType, actual: GitType, describe: (Int) -> String,
                           location: (Int) -> String) -> Finding {
        let from = describe(g), to = table.ids.hex(t)
        return Finding(rule: "cas/bad-object", message: "\(from) links to \(to) as a \(expected.name), but it is a \(actual.name) (git: 'wrong object type in link')",
                       path: location(g), identity: "link:\(table.ids.hex(g))>\(to)",
                       evidence: ["object": table.ids.hex(g), "target": to, "expected": expected.name, "actual": actual.name],
                       help: "The object is malformed: restore it from another clone, or rewrite the history that contains it.")
    }

    /// git's "dangling" objects: present, not reachable, and nothing refers to them.
    func dangling() -> [Int] {
        var out: [Int] = []
        for g in 0..<table.count where types[g] != 0 && flags[g] & Self.reachable == 0 {
            unreachableCount += 1
            if flags[g] & Self.used == 0 { out.append(g) }
        }
        danglingCount = out.count
        return out
    }
}

/// One source's references for the walks: the source's own arrays, and where each target is in the
/// global table (positions in the source map through `global`; external ids were looked up once).
final class EdgeView {
    let starts: UnsafeBufferPointer<UInt32>
    let edges: UnsafeBufferPointer<UInt32>
    private let global: UnsafeMutableBufferPointer<UInt32>
    private let external: UnsafeMutableBufferPointer<UInt32>
    private let ownStarts: UnsafeMutableBufferPointer<UInt32>?
    private let graph: SourceGraph

    init(source: ObjectSource, global map: [UInt32], ids: ObjectIDs, width: Int) {
        graph = source.graph
        let count = source.graph.count
        if graph.starts.count == count + 1 {
            starts = graph.starts
            ownStarts = nil
        } else {
            let zeros = UnsafeMutableBufferPointer<UInt32>.allocate(capacity: count + 1)
            zeros.initialize(repeating: 0)
            starts = UnsafeBufferPointer(zeros)
            ownStarts = zeros
        }
        edges = graph.edges
        global = .allocate(capacity: max(map.count, 1))
        _ = global.initialize(from: map)
        let externalCount = graph.externals.count / width
        external = .allocate(capacity: max(externalCount, 1))
        graph.externals.withUnsafeBytes { e in
            for k in 0..<externalCount {
                external[k] = ids.find(e.baseAddress! + k * width).map(UInt32.init) ?? Connectivity.absent
            }
        }
    }

    deinit {
        global.deallocate()
        external.deallocate()
        ownStarts?.deallocate()
    }

    /// The global index a reference word points at, or `Connectivity.absent`.
    @inline(__always)
    func target(_ word: UInt32) -> UInt32 {
        let index = Int(word & SourceGraph.indexMask)
        return word & SourceGraph.external != 0 ? external[index] : global[index]
    }

    /// The id of reference `e` (from the source's external list; local targets are always in the table).
    func targetID(_ e: Int) -> [UInt8] {
        let word = edges[e]
        guard word & SourceGraph.external != 0 else { return [] }
        return Array(graph.externalID(Int(word & SourceGraph.indexMask)))
    }
}

/// Per-object bytes, shared by reference so that the walks' closures can set them.
final class Flags {
    private let bytes: UnsafeMutableBufferPointer<UInt8>
    init(_ n: Int) {
        bytes = .allocate(capacity: max(n, 1))
        bytes.initialize(repeating: 0)
    }
    deinit { bytes.deallocate() }
    @inline(__always) subscript(_ i: Int) -> UInt8 {
        get { bytes[i] }
        set { bytes[i] = newValue }
    }
}
