/// Names Python files as modules and resolves their imports.
///
/// A file's module name is its path below the deepest package root that holds it (`python-roots`,
/// default the check root and `src/` when present), so `service/api/__init__.py` is `service.api`.
/// Directories without `__init__.py` are namespace packages: their modules are found all the same.
struct PythonProject {
    struct Module {
        var name: String
        var file: Int
        var isPackage: Bool
        /// Index of the deepest directory on the module's package path without an `__init__.py`, or -1.
        /// import-linter only sees modules below a root package whose directories all have one.
        var lastMissingInit: Int
    }

    let files: [ScannedFile]
    private(set) var modules: [Module] = []
    private(set) var byName: [String: Int] = [:]
    /// Names of namespace packages (ancestors of modules that are not modules themselves), with a directory.
    private(set) var namespaces: [String: String] = [:]

    init(files: [ScannedFile], roots: [String]) {
        self.files = files
        let initDirs = Set(files.compactMap { f -> String? in
            f.path == "__init__.py" ? "" : (f.path.hasSuffix("/__init__.py") ? String(f.path.dropLast(12)) : nil)
        })
        // Deepest roots first, so `src/pkg/a.py` is `pkg.a` rather than `src.pkg.a`.
        let sortedRoots = roots.map { $0 == "." ? "" : $0 }.sorted { $0.count > $1.count }
        var found: [(Module, Int)] = []
        for (index, f) in files.enumerated() {
            guard let root = sortedRoots.first(where: { $0.isEmpty || f.path.hasPrefix($0 + "/") }) else { continue }
            let inner = root.isEmpty ? f.path : String(f.path.dropFirst(root.count + 1))
            var parts = inner.split(separator: "/").map(String.init)
            guard let last = parts.popLast() else { continue }
            let stem = String(last.dropLast(3))
            // Files such as `a.b.py` cannot be imported; import-linter skips them too.
            guard last.hasSuffix(".py"), !stem.contains("."), !stem.isEmpty else { continue }
            let isPackage = stem == "__init__"
            if !isPackage { parts.append(stem) }
            guard !parts.isEmpty else { continue }
            var lastMissing = -1
            var dir = root
            let dirCount = isPackage ? parts.count : parts.count - 1
            for k in 0..<dirCount {
                dir = dir.isEmpty ? parts[k] : dir + "/" + parts[k]
                if !initDirs.contains(dir) { lastMissing = k }
            }
            found.append((Module(name: parts.joined(separator: "."), file: index, isPackage: isPackage,
                                 lastMissingInit: lastMissing), isPackage ? 0 : 1))
        }
        // `a/__init__.py` wins over `a.py`, as it does for Python.
        found.sort { ($0.0.name, $0.1) < ($1.0.name, $1.1) }
        for (m, _) in found where byName[m.name] == nil {
            byName[m.name] = modules.count
            modules.append(m)
        }
        for m in modules {
            var name = m.name
            // The directory a module would have as a package; each parent is one level up.
            var dir = String(files[m.file].path.dropLast(m.isPackage ? 12 : 3))
            while let dot = name.lastIndex(of: ".") {
                name = String(name[..<dot])
                dir = dir.lastIndex(of: "/").map { String(dir[..<$0]) } ?? ""
                if byName[name] == nil && namespaces[name] == nil { namespaces[name] = dir }
            }
        }
    }

    /// Turns `..x.y` into an absolute name for an importer; nil when it climbs above the top level.
    static func absolute(_ target: String, importer: String, isPackage: Bool) -> String? {
        var dots = 0
        for c in target.utf8 { if c == UInt8(ascii: ".") { dots += 1 } else { break } }
        if dots == 0 { return target }
        let parts = importer.split(separator: ".")
        let keep = isPackage ? parts.count - dots + 1 : parts.count - dots
        guard keep >= 1, keep <= parts.count else { return nil }
        let rest = target.dropFirst(dots)
        let base = parts[0..<keep].joined(separator: ".")
        return rest.isEmpty ? base : base + "." + rest
    }

    static func parent(_ name: String) -> String? {
        name.lastIndex(of: ".").map { String(name[..<$0]) }
    }

    // MARK: Native graph

    /// Adds every module and import to `graph`. Imports resolve to the module named, else its parent,
    /// else the longest internal prefix (a module or namespace package); anything else is external and
    /// named by its top-level package.
    func build(into graph: inout ModuleGraph, dropTypeOnly: Bool) {
        var ids: [Int32] = []
        for m in modules {
            ids.append(graph.add(ModuleNode(language: .python, name: m.name, path: files[m.file].path)))
        }
        for (mi, m) in modules.enumerated() {
            let file = graph.fileID(files[m.file].path)
            for imp in files[m.file].imports {
                if dropTypeOnly && imp.flags.contains(.typeOnly) { continue }
                guard let name = Self.absolute(imp.target, importer: m.name, isPackage: m.isPackage) else { continue }
                let to: Int32
                if let t = resolveInternal(name) {
                    if let idx = byName[t] { to = ids[idx] } else {
                        to = graph.add(ModuleNode(language: .python, name: t, path: namespaces[t]))
                    }
                } else {
                    guard let top = name.split(separator: ".").first, !top.isEmpty else { continue }
                    to = graph.add(ModuleNode(language: .python, name: String(top), path: nil))
                }
                graph.addImport(from: ids[mi], to: to, site: ImportSite(file: file, line: imp.line, typeOnly: imp.flags.contains(.typeOnly)))
            }
        }
    }

    /// The module or namespace package an absolute name refers to, if it is internal.
    func resolveInternal(_ name: String) -> String? {
        if byName[name] != nil || namespaces[name] != nil { return name }
        var current = name
        while let p = Self.parent(current) {
            if byName[p] != nil || namespaces[p] != nil { return p }
            current = p
        }
        return nil
    }
}
