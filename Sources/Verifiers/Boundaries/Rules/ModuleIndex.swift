import GateCore

/// A set of modules a rule refers to: one match of a selector, with everything below it.
struct Member: Sendable, Hashable {
    /// The matched name or path, as messages show it.
    let label: String
    /// Node ids at or below the match, sorted.
    let nodes: [Int32]
    /// The node whose name is exactly the label, if there is one (import-linter's non-package mode).
    let exact: Int32?
}

/// Looks up selectors in a graph. Every module name and each of its ancestors (`a.b.c` gives `a`, `a.b`,
/// `a.b.c`) is a candidate, so namespace packages and Java packages can be named; every path and each of
/// its parent directories is a candidate for path globs.
struct ModuleIndex: Sendable {
    let graph: ModuleGraph
    private var names: [Language: [String: [Int32]]] = [:]
    private var paths: [String: [Int32]] = [:]

    init(graph: ModuleGraph) {
        self.graph = graph
        for (id, node) in graph.nodes.enumerated() {
            let nid = Int32(id)
            let sep = node.language.separator
            var prefix = ""
            for part in node.name.components(separatedBy: sep) {
                prefix = prefix.isEmpty ? part : prefix + sep + part
                names[node.language, default: [:]][prefix, default: []].append(nid)
            }
            if let path = node.path {
                var p = ""
                for part in path.split(separator: "/") {
                    p = p.isEmpty ? String(part) : p + "/" + part
                    paths[p, default: []].append(nid)
                }
            }
        }
    }

    /// The members a selector names. Without a wildcard there is at most one (the label is the text);
    /// with one, each distinct match is its own member. `asPackages: false` keeps only exact modules.
    func resolve(_ s: ModuleSelector, asPackages: Bool = true) -> [Member] {
        var found: [String: (Set<Int32>, Int32?)] = [:]
        func add(_ label: String, _ ids: [Int32], _ exact: Int32?) {
            var entry = found[label] ?? ([], nil)
            if asPackages { entry.0.formUnion(ids) } else if let exact { entry.0.insert(exact) }
            if entry.1 == nil { entry.1 = exact }
            found[label] = entry
        }
        for (language, table) in names.sorted(by: { $0.key < $1.key }) {
            if !s.hasWildcard {
                if let ids = table[s.text] { add(s.text, ids, graph.id(language, s.text)) }
                continue
            }
            let pattern = s.components(separator: language.separator)
            for (candidate, ids) in table {
                let parts = candidate.split(separator: language.separator, omittingEmptySubsequences: false)
                if ModuleSelector.match(pattern[...], parts[...]) { add(candidate, ids, graph.id(language, candidate)) }
            }
        }
        if s.isPath {
            let text = s.text.hasPrefix("./") ? String(s.text.dropFirst(2)) : s.text
            if !s.hasWildcard {
                let key = text.hasSuffix("/") ? String(text.dropLast()) : text
                if let ids = paths[key] { add(key, ids, nil) }
            } else {
                let glob = Glob(text)
                for (candidate, ids) in paths where glob.matches(candidate) { add(candidate, ids, nil) }
            }
        }
        return found.map { Member(label: $0.key, nodes: $0.value.0.sorted(), exact: $0.value.1) }
            .filter { !$0.nodes.isEmpty }
            .sorted { $0.label < $1.label }
    }

    /// Nodes whose own name (or path) the selector matches, without descendants: for `a -> b` patterns.
    func exactNodes(_ s: ModuleSelector) -> Set<Int32> {
        var out = Set<Int32>()
        if !s.hasWildcard && !s.isPath {
            for language in names.keys { if let id = graph.id(language, s.text) { out.insert(id) } }
            return out
        }
        for (id, node) in graph.nodes.enumerated() {
            let parts = node.name.split(separator: node.language.separator, omittingEmptySubsequences: false)
            if s.hasWildcard {
                if ModuleSelector.match(s.components(separator: node.language.separator)[...], parts[...]) { out.insert(Int32(id)) }
            } else if node.name == s.text {
                out.insert(Int32(id))
            }
        }
        if s.isPath {
            let glob = Glob(s.text)
            for (id, node) in graph.nodes.enumerated() where node.path.map(glob.matches) ?? false { out.insert(Int32(id)) }
        }
        return out
    }

    /// The children of a name: names exactly one component below it that are modules or have modules below.
    func children(of label: String, language: Language) -> [String] {
        let sep = language.separator
        let prefix = label + sep
        let depth = label.components(separatedBy: sep).count + 1
        return (names[language] ?? [:]).keys
            .filter { $0.hasPrefix(prefix) && $0.components(separatedBy: sep).count == depth }
            .sorted()
    }

    /// Languages a label is a module name in.
    func languages(of label: String) -> [Language] {
        names.keys.filter { names[$0]?[label] != nil }.sorted()
    }

    /// A close name or path for an unknown selector.
    func suggestion(for s: ModuleSelector) -> String? {
        var candidates = Set<String>()
        for table in names.values { candidates.formUnion(table.keys) }
        if s.isPath { candidates.formUnion(paths.keys) }
        return DidYouMean.suggest(s.text, among: Array(candidates))
    }
}
