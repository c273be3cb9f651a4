import GateCore

/// Java and Kotlin modules: each file is a module named by its `package` and its file name
/// (`com.acme.core.Money`), so a package (`com.acme.core`) selects every file in it. Imports resolve to
/// the longest internal name (a class, or a package for `.*` imports); other imports are external,
/// named by their package (the components before the first capitalised one).
struct JavaProject {
    func build(files: [ScannedFile], into graph: inout ModuleGraph) {
        var ids: [String: Int32] = [:]
        var packages: [String: String] = [:]
        var names: [String] = []
        for f in files {
            var stem = PathUtil.basename(f.path)
            if let dot = stem.lastIndex(of: ".") { stem = String(stem[..<dot]) }
            let name = f.declaredPackage.map { $0 + "." + stem } ?? stem
            names.append(name)
            if ids[name] == nil { ids[name] = graph.add(ModuleNode(language: .java, name: name, path: f.path)) }
            // Only packages that hold files resolve imports; a shared prefix such as `org` must not
            // turn `org.springframework` into an internal module.
            if let p = f.declaredPackage, packages[p] == nil { packages[p] = PathUtil.dirname(f.path) }
        }
        for (k, f) in files.enumerated() {
            let from = ids[names[k]]!
            let file = graph.fileID(f.path)
            for imp in f.imports {
                var parts = imp.target.split(separator: ".").map(String.init)
                var to: Int32?
                while !parts.isEmpty {
                    let candidate = parts.joined(separator: ".")
                    if let id = ids[candidate] { to = id; break }
                    if let dir = packages[candidate] {
                        to = graph.add(ModuleNode(language: .java, name: candidate, path: dir))
                        break
                    }
                    parts.removeLast()
                }
                if to == nil {
                    let all = imp.target.split(separator: ".").map(String.init)
                    var package = Array(all.prefix { !($0.first?.isUppercase ?? false) })
                    if package.count == all.count && !imp.flags.contains(.wildcard) && package.count > 1 { package.removeLast() }
                    guard !package.isEmpty else { continue }
                    to = graph.add(ModuleNode(language: .java, name: package.joined(separator: "."), path: nil))
                }
                guard let to, to != from else { continue }
                graph.addImport(from: from, to: to, site: ImportSite(file: file, line: imp.line, typeOnly: false))
            }
        }
    }
}
