/// A module: a Python module, a Swift target, a Go package, a Rust module, a Java or Kotlin file, a
/// JavaScript or C file; or an external module that internal code imports.
struct ModuleNode: Sendable, Hashable {
    var language: Language
    var name: String
    /// The file or directory that holds it, relative to the root; nil for external modules.
    var path: String?
    var isExternal: Bool { path == nil }
}

/// Where an import is written.
struct ImportSite: Sendable, Hashable, Comparable {
    /// Index into `ModuleGraph.files`.
    var file: Int32
    var line: Int32
    var typeOnly: Bool

    static func < (a: ImportSite, b: ImportSite) -> Bool {
        (a.file, a.line, a.typeOnly ? 1 : 0) < (b.file, b.line, b.typeOnly ? 1 : 0)
    }
}

/// The resolved import graph: modules, and for every importer → imported pair the places it is written.
/// Node ids are indices into `nodes`. Adjacency lists are sorted, so every traversal is deterministic.
struct ModuleGraph: Sendable {
    private(set) var nodes: [ModuleNode] = []
    private(set) var files: [String] = []
    private(set) var succ: [[Int32]] = []
    private(set) var pred: [[Int32]] = []
    private(set) var sites: [UInt64: [ImportSite]] = [:]
    private var index: [NodeKey: Int32] = [:]
    private var fileIndex: [String: Int32] = [:]

    static func key(_ from: Int32, _ to: Int32) -> UInt64 { UInt64(UInt32(from)) << 32 | UInt64(UInt32(to)) }
    static func ends(_ key: UInt64) -> (Int32, Int32) { (Int32(truncatingIfNeeded: key >> 32), Int32(truncatingIfNeeded: key & 0xffff_ffff)) }

    var count: Int { nodes.count }
    var edgeCount: Int { sites.count }

    private struct NodeKey: Hashable {
        let language: Language
        let name: String
    }

    func id(_ language: Language, _ name: String) -> Int32? { index[NodeKey(language: language, name: name)] }

    /// Adds a node, or returns the existing one with that language and name.
    @discardableResult
    mutating func add(_ node: ModuleNode) -> Int32 {
        let k = NodeKey(language: node.language, name: node.name)
        if let existing = index[k] {
            if nodes[Int(existing)].path == nil, node.path != nil { nodes[Int(existing)].path = node.path }
            return existing
        }
        let id = Int32(nodes.count)
        nodes.append(node)
        succ.append([])
        pred.append([])
        index[k] = id
        return id
    }

    mutating func fileID(_ path: String) -> Int32 {
        if let id = fileIndex[path] { return id }
        let id = Int32(files.count)
        files.append(path)
        fileIndex[path] = id
        return id
    }

    /// Records an import. Adjacency is rebuilt by `finish()`.
    mutating func addImport(from: Int32, to: Int32, site: ImportSite) {
        sites[Self.key(from, to), default: []].append(site)
    }

    /// Sorts sites and rebuilds the adjacency lists from them.
    mutating func finish() {
        for i in succ.indices { succ[i].removeAll(keepingCapacity: true); pred[i].removeAll(keepingCapacity: true) }
        for (k, list) in sites {
            let (a, b) = Self.ends(k)
            succ[Int(a)].append(b)
            pred[Int(b)].append(a)
            var sorted = Array(Set(list)).sorted()
            // The same line importing the same module twice (`from a import b, c`) is one import.
            sorted = sorted.reduce(into: []) { acc, s in
                if let last = acc.last, last.file == s.file, last.line == s.line { if !s.typeOnly { acc[acc.count - 1].typeOnly = false } } else { acc.append(s) }
            }
            sites[k] = sorted
        }
        for i in succ.indices { succ[i].sort(); pred[i].sort() }
    }

    func sites(_ from: Int32, _ to: Int32) -> [ImportSite] { sites[Self.key(from, to)] ?? [] }

    func name(_ id: Int32) -> String { nodes[Int(id)].name }

    /// A copy without the given imports, and without type-only imports when asked.
    func filtered(removing removed: Set<UInt64>, dropTypeOnly: Bool) -> ModuleGraph {
        if removed.isEmpty && !dropTypeOnly { return self }
        var g = self
        g.sites = [:]
        g.sites.reserveCapacity(sites.count)
        for i in g.succ.indices { g.succ[i].removeAll(keepingCapacity: true); g.pred[i].removeAll(keepingCapacity: true) }
        // Site lists are already sorted and adjacency follows sorted node ids, so nothing is re-sorted.
        for (u, targets) in succ.enumerated() {
            for v in targets {
                let k = Self.key(Int32(u), v)
                guard !removed.contains(k), let list = sites[k] else { continue }
                let kept = dropTypeOnly ? list.filter { !$0.typeOnly } : list
                if kept.isEmpty { continue }
                g.sites[k] = kept
                g.succ[u].append(v)
                g.pred[Int(v)].append(Int32(u))
            }
        }
        return g
    }

    /// Every import as (importer, imported, site), sorted by importer name, imported name, then site.
    var allImports: [(Int32, Int32, [ImportSite])] {
        sites.map { k, v in let (a, b) = Self.ends(k); return (a, b, v) }
            .sorted { a, b in
                let (x, y) = (nodes[Int(a.0)], nodes[Int(b.0)])
                let (x2, y2) = (nodes[Int(a.1)], nodes[Int(b.1)])
                return (x.language.rawValue, x.name, x2.language.rawValue, x2.name) < (y.language.rawValue, y.name, y2.language.rawValue, y2.name)
            }
    }
}
