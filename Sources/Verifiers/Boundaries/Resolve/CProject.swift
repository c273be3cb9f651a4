import GateCore

/// C and C++ modules: each file is a module named by its path. `#include "x.h"` resolves against the
/// including file's directory, then the include directories; `#include <x.h>` against the include
/// directories only. Includes found nowhere in the tree (the system's, a library's) are external
/// modules named by the include text.
struct CProject {
    /// Include directories relative to the root; empty means the root and every `include` directory.
    var includeDirs: [String]

    func build(files: [ScannedFile], into graph: inout ModuleGraph) {
        let present = Set(files.map(\.path))
        var dirs = includeDirs
        if dirs.isEmpty {
            var found = Set<String>()
            for f in files {
                let parts = f.path.split(separator: "/")
                for (k, part) in parts.enumerated().dropLast() where part == "include" {
                    found.insert(parts[...k].joined(separator: "/"))
                }
            }
            dirs = [""] + found.sorted()
        }
        var ids: [String: Int32] = [:]
        for f in files { ids[f.path] = graph.add(ModuleNode(language: .c, name: f.path, path: f.path)) }
        for f in files {
            let from = ids[f.path]!
            let file = graph.fileID(f.path)
            let here = PathUtil.dirname(f.path)
            for imp in f.imports {
                var candidates: [String] = []
                if !imp.flags.contains(.angled) { candidates.append(SwiftManifest.join(here == "." ? "" : here, imp.target)) }
                candidates += dirs.map { SwiftManifest.join($0, imp.target) }
                let to: Int32
                if let hit = candidates.first(where: present.contains), let id = ids[hit] {
                    to = id
                } else {
                    to = graph.add(ModuleNode(language: .c, name: imp.target, path: nil))
                }
                if to == from { continue }
                graph.addImport(from: from, to: to, site: ImportSite(file: file, line: imp.line, typeOnly: false))
            }
        }
    }
}
