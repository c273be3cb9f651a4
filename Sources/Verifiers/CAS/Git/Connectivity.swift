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
/// stops at promisor objects (objects in `.promisor` packs and what they refer to), which a partial clone
/// may lack by design. Present objects that nothing reaches and nothing refers to are git's "dangling"
/// objects: warnings.
struct Connectivity {
    static let reachable: UInt8 = 1
    static let used: UInt8 = 2
    static let promised: UInt8 = 4

    let sources: [ObjectSource]
    let table: ObjectTable
    let width: Int
    /// Global index of each source's external references (UInt32.max when absent everywhere).
    private var externalGlobal: [[UInt32]] = []
    private let flags: Flags
    /// Replacement parent lists (grafts) and commits whose parents are cut (shallow), by global index;
    /// parents given as global indices, or as ids when absent.
    private var grafts: [UInt32: [[UInt8]]] = [:]
    /// Ids referred to by promisor objects but not present: a partial clone's unfetched objects.
    private var promisedIDs = Set<[UInt8]>()

    private(set) var findings: [Finding] = []
    private(set) var missing: [[UInt8]: (type: GitType?, referrers: [Int])] = [:]
    /// Objects that promisor objects refer to and that are absent: a partial clone's unfetched objects.
    private(set) var promisedMissing = 0
    private(set) var danglingCount = 0
    private(set) var unreachableCount = 0

    init(sources: [ObjectSource], width: Int, shallow: [[UInt8]], grafts graftList: [(commit: [UInt8], parents: [[UInt8]])]) {
        self.sources = sources
        self.width = width
        table = ObjectTable(sources: sources, width: width)
        flags = Flags(table.count)
        externalGlobal = sources.map { s in
            let n = s.graph.externals.count / width
            return (0..<n).map { k in
                s.graph.externals.withUnsafeBytes { e in table.ids.find(e.baseAddress! + k * width).map(UInt32.init) ?? .max }
            }
        }
        for (commit, parents) in graftList {
            if let g = table.ids.find(commit) { grafts[UInt32(g)] = parents }
        }
        for commit in shallow {
            if let g = table.ids.find(commit) { grafts[UInt32(g)] = [] }
        }
        markPromisors()
        promisedMissing = promisedIDs.count
    }

    @inline(__always)
    func present(_ g: Int) -> Bool { sources[Int(table.source[g])].graph.present(Int(table.position[g])) }

    @inline(__always)
    func type(_ g: Int) -> GitType? { sources[Int(table.source[g])].graph.type(Int(table.position[g])) }

    /// Calls `body(target, expected)` for each reference of global object `g`: target is a global index
    /// or nil with the id when absent everywhere. Grafts and shallow commits replace commit parents.
    @inline(__always)
    private func forEachEdge(_ g: Int, _ body: (Int?, UnsafeRawPointer, GitType?) -> Void) {
        let s = Int(table.source[g]), p = Int(table.position[g])
        let graph = sources[s].graph
        let graft = grafts.isEmpty ? nil : grafts[UInt32(g)]
        let isCommit = graft != nil && graph.type(p) == .commit
        let edges = graph.edges, range = graph.edgeRange(p)
        guard !range.isEmpty || graft != nil else { return }
        let local = table.global[s]
        for e in range {
            let word = edges[e]
            let expected = SourceGraph.expected(word)
            if isCommit && expected == .commit { continue }
            let index = Int(word & SourceGraph.indexMask)
            if word & SourceGraph.external != 0 {
                let t = externalGlobal[s][index]
                graph.externals.withUnsafeBytes { ext in
                    body(t == .max ? nil : Int(t), ext.baseAddress! + index * width, expected)
                }
            } else {
                let t = Int(local[index])
                body(t, table.ids.pointer(t), expected)
            }
        }
        if let graft, isCommit {
            for parent in graft {
                parent.withUnsafeBytes { body(table.ids.find($0.baseAddress!), $0.baseAddress!, .commit) }
            }
        }
    }

    var hasGrafts: Bool { !grafts.isEmpty }

    /// A commit's tree and parents as its object records them (grafts not applied).
    func commitLinks(_ g: Int) -> (tree: [UInt8]?, parents: [[UInt8]]) {
        let s = Int(table.source[g]), p = Int(table.position[g])
        let graph = sources[s].graph
        var tree: [UInt8]?
        var parents: [[UInt8]] = []
        for e in graph.edgeRange(p) {
            let word = graph.edge(e)
            let index = Int(word & SourceGraph.indexMask)
            let id = word & SourceGraph.external != 0 ? Array(graph.externalID(index)) : table.ids.id(Int(table.global[s][index]))
            if SourceGraph.expected(word) == .tree { tree = id } else { parents.append(id) }
        }
        return (tree, parents)
    }

    /// `is_promisor_object`: every object in a promisor pack and every object such an object refers to.
    private mutating func markPromisors() {
        guard sources.contains(where: \.promisor) else { return }
        for g in 0..<table.count where sources[Int(table.source[g])].promisor {
            flags[g] |= Self.promised
            var absent: [[UInt8]] = []
            let f = flags
            forEachEdge(g) { t, id, _ in
                if let t { f[t] |= Self.promised } else { absent.append(Array(UnsafeRawBufferPointer(start: id, count: width))) }
            }
            promisedIDs.formUnion(absent)
        }
    }

    func isPromised(_ g: Int?, _ id: UnsafeRawPointer) -> Bool {
        if let g { return flags[g] & Self.promised != 0 }
        return !promisedIDs.isEmpty && promisedIDs.contains(Array(UnsafeRawBufferPointer(start: id, count: width)))
    }

    /// Marks what every present object refers to (git's `mark_used` while checking each object).
    func markUsed() {
        let f = flags
        for g in 0..<table.count where present(g) {
            forEachEdge(g) { t, _, _ in if let t { f[t] |= Self.used } }
        }
    }

    /// Walks from the heads; records missing objects and wrong-type links.
    mutating func walk(_ heads: [GitHead], describe: (Int) -> String, location: (Int) -> String) {
        var stack: [Int] = []
        for head in heads {
            let found = table.ids.find(head.id)
            let ok = found.map(present) ?? false
            if !ok {
                if head.id.withUnsafeBytes({ isPromised(found, $0.baseAddress!) }) { continue }
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
            let g = found!
            flags[g] |= Self.used
            if let must = head.mustBe, let t = type(g), t != must {
                let hex = Hex.encode(head.id)
                findings.append(GitFindings.badRef(name: head.name, path: head.path,
                    problem: "points to \(t.name) \(hex), not a \(must.name)\(head.kind == .ref ? " (git: 'not a commit')" : "")"))
            }
            if flags[g] & Self.reachable == 0 {
                flags[g] |= Self.reachable
                if flags[g] & Self.promised == 0 { stack.append(g) }
            }
        }
        let f = flags
        var absent: [([UInt8], GitType?, Int)] = []
        var wrong: [(Int, Int, GitType, GitType)] = []
        while let g = stack.popLast() {
            forEachEdge(g) { t, id, expected in
                guard let t, present(t) else {
                    // Present in a pack or loose but corrupt: reported where it lives.
                    if t == nil && !isPromised(nil, id) {
                        absent.append((Array(UnsafeRawBufferPointer(start: id, count: width)), expected, g))
                    }
                    return
                }
                if let expected, let actual = type(t), actual != expected {
                    wrong.append((g, t, expected, actual))
                    return
                }
                if f[t] & Self.reachable == 0 {
                    f[t] |= Self.reachable
                    if f[t] & Self.promised == 0 { stack.append(t) }
                }
            }
        }
        for (key, expected, g) in absent {
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
    mutating func dangling() -> [Int] {
        var out: [Int] = []
        for g in 0..<table.count where present(g) && flags[g] & Self.reachable == 0 {
            unreachableCount += 1
            if flags[g] & Self.used == 0 { out.append(g) }
        }
        danglingCount = out.count
        return out
    }
}

/// Per-object flag bytes, shared by reference so that the walks' closures can set them.
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
