import Foundation
import GateCore

/// Rust modules: each file is a module named by its crate (the `[package] name` of the nearest
/// Cargo.toml, with `-` as `_`) and its path below `src/` (`src/db/mod.rs` and `src/db.rs` are
/// `my_crate::db`; `lib.rs` and `main.rs` are the crate root). `crate::`, `self::` and `super::` paths and
/// paths through a local crate resolve to the longest module prefix; other crates are external.
struct RustProject {
    struct Crate { var dir: String; var name: String }
    var crates: [Crate] = []

    init(root: String, cargoTomls: [String]) {
        for manifest in cargoTomls {
            guard let text = try? String(contentsOfFile: root + "/" + manifest, encoding: .utf8),
                  let doc = try? TOMLReader.parse(text, file: manifest),
                  case .table(let package)? = doc["package"]?.value, case .string(let name)? = package["name"]?.value else { continue }
            let dir = PathUtil.dirname(manifest)
            crates.append(Crate(dir: dir == "." ? "" : dir, name: name.replacingOccurrences(of: "-", with: "_")))
        }
        crates.sort { $0.dir.count > $1.dir.count }
    }

    /// The module path of a file, as components (the first is the crate name).
    func modulePath(of file: String) -> [String] {
        let owner = crates.first { $0.dir.isEmpty || file.hasPrefix($0.dir + "/") }
        let crateName = owner?.name ?? "crate"
        var rest = owner.map { $0.dir.isEmpty ? file : String(file.dropFirst($0.dir.count + 1)) } ?? file
        if rest.hasPrefix("src/") { rest = String(rest.dropFirst(4)) }
        var parts = rest.split(separator: "/").map(String.init)
        guard var last = parts.popLast() else { return [crateName] }
        last = String(last.dropLast(3))
        if !(["lib", "main", "mod"].contains(last) && (last == "mod" || parts.isEmpty)) { parts.append(last) }
        return [crateName] + parts
    }

    func build(files: [ScannedFile], into graph: inout ModuleGraph) {
        var ids: [String: Int32] = [:]
        var paths: [[String]] = []
        for f in files {
            let p = modulePath(of: f.path)
            paths.append(p)
            let name = p.joined(separator: "::")
            if ids[name] == nil { ids[name] = graph.add(ModuleNode(language: .rust, name: name, path: f.path)) }
        }
        let crateNames = Set(crates.map(\.name))
        for (k, f) in files.enumerated() {
            let current = paths[k]
            let from = ids[current.joined(separator: "::")]!
            let file = graph.fileID(f.path)
            for imp in f.imports {
                var segs = imp.target.components(separatedBy: "::").filter { !$0.isEmpty && $0 != "*" }
                guard let first = segs.first else { continue }
                var absolute: [String]
                switch first {
                case "crate": absolute = [current[0]] + segs.dropFirst()
                case "self": absolute = current + segs.dropFirst()
                case "super":
                    var base = current
                    while segs.first == "super" { if base.count > 1 { base.removeLast() }; segs.removeFirst() }
                    absolute = base + segs
                default:
                    if crateNames.contains(first) {
                        absolute = segs
                    } else if ids[(current + [first]).joined(separator: "::")] != nil {
                        absolute = current + segs
                    } else if ids[[current[0], first].joined(separator: "::")] != nil && !imp.flags.contains(.inlinePath) {
                        absolute = [current[0]] + segs
                    } else {
                        let to = graph.add(ModuleNode(language: .rust, name: first, path: nil))
                        graph.addImport(from: from, to: to, site: ImportSite(file: file, line: imp.line, typeOnly: false))
                        continue
                    }
                }
                while absolute.count > 1 && ids[absolute.joined(separator: "::")] == nil { absolute.removeLast() }
                guard let to = ids[absolute.joined(separator: "::")], to != from else { continue }
                graph.addImport(from: from, to: to, site: ImportSite(file: file, line: imp.line, typeOnly: false))
            }
        }
    }
}
