import GateCore

extension PythonProject {
    /// The graph import-linter (grimp) builds for `root_packages`: only modules below a root package
    /// whose directories all have an `__init__.py`; an import resolves to the module named or else its
    /// parent, and anything else is external, kept (as its top-level package) only when
    /// `include_external_packages` is set. Building it from the same scan keeps verdicts comparable.
    func buildImportLinterGraph(rootPackages: [String], includeExternal: Bool,
                                excludeTypeChecking: Bool) throws(VerifierError) -> ModuleGraph {
        for r in rootPackages {
            guard let idx = byName[r], modules[idx].isPackage else {
                let known = modules.filter { $0.isPackage && !$0.name.contains(".") }.map(\.name)
                var message = "import-linter root package '\(r)' was not found: no '\(r.replacingOccurrences(of: ".", with: "/"))/__init__.py' below the Python roots"
                if let s = DidYouMean.suggest(r, among: known) { message += "; did you mean '\(s)'?" }
                throw VerifierError(message + " Set 'python-roots' to the directories that hold your packages (for example [src]).")
            }
        }
        let depths = rootPackages.map { $0.split(separator: ".").count - 1 }
        let scope = modules.filter { m in
            rootPackages.indices.contains { k in
                let r = rootPackages[k]
                return (m.name == r || m.name.hasPrefix(r + ".")) && m.lastMissingInit < depths[k]
            }
        }
        var graph = ModuleGraph()
        var ids: [Int32] = []
        var byName: [String: Int32] = [:]
        byName.reserveCapacity(scope.count)
        for m in scope {
            let id = graph.add(ModuleNode(language: .python, name: m.name, path: files[m.file].path))
            ids.append(id)
            byName[m.name] = id
        }
        for (k, m) in scope.enumerated() {
            let file = graph.fileID(files[m.file].path)
            for imp in files[m.file].imports {
                if excludeTypeChecking && imp.flags.contains(.typeOnly) { continue }
                guard let name = Self.absolute(imp.target, importer: m.name, isPackage: m.isPackage) else { continue }
                var to: Int32?
                if let id = byName[name] {
                    to = id
                } else if let p = Self.parent(name), let id = byName[p] {
                    to = id
                } else if includeExternal, let ext = Self.distillExternal(name, rootPackages: rootPackages) {
                    to = graph.add(ModuleNode(language: .python, name: ext, path: nil))
                }
                guard let to else { continue }
                graph.addImport(from: ids[k], to: to, site: ImportSite(file: file, line: imp.line, typeOnly: imp.flags.contains(.typeOnly)))
            }
        }
        graph.finish()
        return graph
    }

    /// The external module grimp records for an import of `name`: its top-level package, or for a name
    /// that shares a namespace with a root package, the shallowest component that does not clash.
    static func distillExternal(_ name: String, rootPackages: [String]) -> String? {
        if rootPackages.contains(where: { $0.hasPrefix(name + ".") }) { return nil }
        let external = name.split(separator: ".").map(String.init)
        guard let top = external.first, !top.isEmpty else { return nil }
        var best: [String]?
        for root in rootPackages.sorted(by: >) where root.hasPrefix(top + ".") {
            let inner = root.split(separator: ".").map(String.init)
            var k = 0
            while k < external.count - 1 && k < inner.count && external[k] == inner[k] { k += 1 }
            let candidate = Array(external[0...k])
            if best == nil || candidate.count > best!.count { best = candidate }
        }
        return (best ?? [top]).joined(separator: ".")
    }
}
