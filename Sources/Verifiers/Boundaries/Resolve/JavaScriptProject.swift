import Foundation
import GateCore

/// TypeScript and JavaScript modules: each file is a module named by its path. A specifier resolves
/// like TypeScript's bundler resolution: relative paths, then tsconfig `paths` aliases (longest prefix
/// first, `*` substituted), then `baseUrl`; each candidate tries the exact file, the source extensions
/// (`.ts`, `.tsx`, `.d.ts`, `.js`, ... and `.js` written for a `.ts` file) and `index` files. Anything else
/// is an external package, named `pkg` or `@scope/pkg`.
struct JavaScriptProject {
    let root: String
    let present: Set<String>
    private var configs: [String: TSConfig] = [:]
    private let explicit: String?
    private let configDirs: [String]

    struct TSConfig {
        var baseUrl: String?
        /// Pattern → targets, targets already relative to the root.
        var paths: [(pattern: String, targets: [String])] = []
    }

    init(root: String, files: [ScannedFile], tsconfigs: [String], explicit: String?) {
        self.root = root
        present = Set(files.map(\.path))
        self.explicit = explicit
        configDirs = tsconfigs.map { PathUtil.dirname($0) }.map { $0 == "." ? "" : $0 }.sorted { $0.count > $1.count }
        var loaded: [String: TSConfig] = [:]
        for c in tsconfigs + (explicit.map { [$0] } ?? []) { loaded[c] = Self.load(root: root, path: c, depth: 0) }
        configs = loaded
    }

    static let extensions = [".ts", ".tsx", ".d.ts", ".mts", ".cts", ".js", ".jsx", ".mjs", ".cjs"]

    /// Reads a tsconfig (comments and trailing commas allowed), following a relative `extends`.
    static func load(root: String, path: String, depth: Int) -> TSConfig {
        var config = TSConfig()
        guard depth < 8, let data = FileManager.default.contents(atPath: root + "/" + path),
              let json = try? JSONSerialization.jsonObject(with: Data(JSONC.strip(Array(data)))) as? [String: Any] else { return config }
        let dir = PathUtil.dirname(path) == "." ? "" : PathUtil.dirname(path)
        if let parent = json["extends"] as? String, parent.hasPrefix(".") {
            var p = SwiftManifest.join(dir, parent)
            if !p.hasSuffix(".json") { p += ".json" }
            config = load(root: root, path: p, depth: depth + 1)
        }
        let options = json["compilerOptions"] as? [String: Any] ?? [:]
        if let base = options["baseUrl"] as? String { config.baseUrl = SwiftManifest.join(dir, base) }
        if let paths = options["paths"] as? [String: Any] {
            let base = config.baseUrl ?? dir
            config.paths = paths.compactMap { key, value in
                guard let targets = value as? [String] else { return nil }
                return (key, targets.map { SwiftManifest.join(base, $0) })
            }.sorted { $0.pattern.count > $1.pattern.count }
        }
        return config
    }

    func config(for file: String) -> TSConfig? {
        if let explicit { return configs[explicit] }
        guard let dir = configDirs.first(where: { $0.isEmpty || file.hasPrefix($0 + "/") }) else { return nil }
        return configs[SwiftManifest.join(dir, "tsconfig.json")] ?? configs[SwiftManifest.join(dir, "jsconfig.json")]
    }

    func resolveFile(_ p: String) -> String? {
        let path = PathUtil.normalize(p)
        if present.contains(path) { return path }
        for ext in Self.extensions where present.contains(path + ext) { return path + ext }
        for (js, tsList) in [(".js", [".ts", ".tsx"]), (".jsx", [".tsx"]), (".mjs", [".mts"]), (".cjs", [".cts"])] where path.hasSuffix(js) {
            let stem = String(path.dropLast(js.count))
            for ts in tsList where present.contains(stem + ts) { return stem + ts }
        }
        for ext in Self.extensions where present.contains(path + "/index" + ext) { return path + "/index" + ext }
        return nil
    }

    /// The file a specifier names, or nil for an external package.
    func resolve(_ spec: String, from file: String) -> String? {
        let dir = PathUtil.dirname(file) == "." ? "" : PathUtil.dirname(file)
        if spec.hasPrefix("./") || spec.hasPrefix("../") || spec == "." || spec == ".." {
            return resolveFile(SwiftManifest.join(dir, spec)) ?? PathUtil.normalize(SwiftManifest.join(dir, spec))
        }
        guard let config = config(for: file) else { return nil }
        for (pattern, targets) in config.paths {
            let substitution: String
            if let star = pattern.firstIndex(of: "*") {
                let prefix = pattern[..<star], suffix = pattern[pattern.index(after: star)...]
                guard spec.hasPrefix(prefix), spec.hasSuffix(suffix), spec.count >= prefix.count + suffix.count else { continue }
                substitution = String(spec.dropFirst(prefix.count).dropLast(suffix.count))
            } else {
                guard spec == pattern else { continue }
                substitution = ""
            }
            for t in targets {
                if let hit = resolveFile(t.replacingOccurrences(of: "*", with: substitution)) { return hit }
            }
        }
        if let base = config.baseUrl, let hit = resolveFile(SwiftManifest.join(base, spec)) { return hit }
        return nil
    }

    static func packageName(_ spec: String) -> String {
        if spec.hasPrefix("node:") { return spec }
        let parts = spec.split(separator: "/")
        if spec.hasPrefix("@"), parts.count >= 2 { return parts[0] + "/" + parts[1] }
        return parts.first.map(String.init) ?? spec
    }

    func build(files: [ScannedFile], into graph: inout ModuleGraph) {
        var ids: [String: Int32] = [:]
        for f in files { ids[f.path] = graph.add(ModuleNode(language: .typescript, name: f.path, path: f.path)) }
        for f in files {
            let from = ids[f.path]!
            let file = graph.fileID(f.path)
            for imp in f.imports {
                let to: Int32
                if let local = resolve(imp.target, from: f.path) {
                    to = ids[local] ?? graph.add(ModuleNode(language: .typescript, name: local, path: local))
                } else {
                    to = graph.add(ModuleNode(language: .typescript, name: Self.packageName(imp.target), path: nil))
                }
                if to == from { continue }
                graph.addImport(from: from, to: to, site: ImportSite(file: file, line: imp.line, typeOnly: imp.flags.contains(.typeOnly)))
            }
        }
    }
}

/// JSON with comments and trailing commas (tsconfig's dialect) turned into plain JSON.
enum JSONC {
    static func strip(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count)
        var i = 0
        var lastSignificant = 0
        while i < b.count {
            let c = b[i]
            if c == Bytes.quote {
                var j = i + 1
                while j < b.count && b[j] != Bytes.quote { j += b[j] == Bytes.backslash ? 2 : 1 }
                out.append(contentsOf: b[i..<min(j + 1, b.count)])
                lastSignificant = out.count - 1
                i = j + 1
                continue
            }
            if c == Bytes.slash && i + 1 < b.count && b[i + 1] == Bytes.slash {
                while i < b.count && b[i] != Bytes.newline { i += 1 }
                continue
            }
            if c == Bytes.slash && i + 1 < b.count && b[i + 1] == Bytes.star {
                i += 2
                while i + 1 < b.count && !(b[i] == Bytes.star && b[i + 1] == Bytes.slash) { i += 1 }
                i += 2
                continue
            }
            if (c == Bytes.rbrace || c == Bytes.rbracket), !out.isEmpty, out[lastSignificant] == Bytes.comma {
                out[lastSignificant] = Bytes.space
            }
            out.append(c)
            if !Bytes.isBlank(c) && c != Bytes.newline { lastSignificant = out.count - 1 }
            i += 1
        }
        return out
    }
}
