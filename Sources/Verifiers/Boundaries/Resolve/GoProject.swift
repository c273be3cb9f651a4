import Foundation
import GateCore

/// Go packages: every directory with `.go` files is a package named by its import path, the `module`
/// path of the nearest `go.mod` plus the directory below it. Imports of a local package are internal;
/// the rest (the standard library, other modules) are external modules named by their import path.
/// `vendor/` and `testdata/` are not packages of the module.
struct GoProject {
    struct GoModule { var dir: String; var path: String }
    var modules: [GoModule] = []

    init(root: String, goMods: [String]) {
        for mod in goMods {
            guard let text = try? String(contentsOfFile: root + "/" + mod, encoding: .utf8) else { continue }
            for raw in text.split(separator: "\n") {
                let line = raw.trimmingCharacters(in: .whitespaces)
                guard line.hasPrefix("module ") || line.hasPrefix("module\t") else { continue }
                var path = line.dropFirst(6).trimmingCharacters(in: .whitespaces)
                if let comment = path.range(of: "//") { path = path[..<comment.lowerBound].trimmingCharacters(in: .whitespaces) }
                path = path.trimmingCharacters(in: CharacterSet(charactersIn: "\"`"))
                let dir = PathUtil.dirname(mod)
                modules.append(GoModule(dir: dir == "." ? "" : dir, path: path))
                break
            }
        }
        modules.sort { $0.dir.count > $1.dir.count }
    }

    /// The import path of the package in directory `dir`.
    func importPath(ofDirectory dir: String) -> String {
        guard let m = modules.first(where: { $0.dir.isEmpty || dir == $0.dir || dir.hasPrefix($0.dir + "/") }) else { return dir }
        let rest = m.dir.isEmpty ? dir : String(dir.dropFirst(m.dir.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
        return rest.isEmpty || rest == "." ? m.path : m.path + "/" + rest
    }

    /// The directory of a local package's import path, if the path is inside a local module.
    func directory(ofImport path: String) -> String? {
        for m in modules.sorted(by: { $0.path.count > $1.path.count }) where path == m.path || path.hasPrefix(m.path + "/") {
            let rest = String(path.dropFirst(m.path.count)).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            return SwiftManifest.join(m.dir, rest.isEmpty ? "." : rest)
        }
        return nil
    }

    func build(files: [ScannedFile], into graph: inout ModuleGraph) {
        var packages: [String: Int32] = [:]
        let sources = files.filter { f in
            !f.path.split(separator: "/").contains(where: { $0 == "vendor" || $0 == "testdata" })
        }
        for f in sources {
            let dir = PathUtil.dirname(f.path)
            let name = importPath(ofDirectory: dir == "." ? "" : dir)
            if packages[name] == nil { packages[name] = graph.add(ModuleNode(language: .go, name: name, path: dir == "." ? "." : dir)) }
        }
        for f in sources {
            let dir = PathUtil.dirname(f.path)
            let from = packages[importPath(ofDirectory: dir == "." ? "" : dir)]!
            let file = graph.fileID(f.path)
            for imp in f.imports {
                let to: Int32
                if let id = packages[imp.target] {
                    to = id
                } else {
                    to = graph.add(ModuleNode(language: .go, name: imp.target, path: directory(ofImport: imp.target)))
                }
                if to == from { continue }
                graph.addImport(from: from, to: to, site: ImportSite(file: file, line: imp.line, typeOnly: false))
            }
        }
    }
}
