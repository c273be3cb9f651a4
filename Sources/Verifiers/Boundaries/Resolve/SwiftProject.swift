import Foundation
import GateCore

/// Swift modules from SwiftPM: every target of every Package.swift found is a module, whose files are
/// those under its directory (the default `Sources/<name>`, `Tests/<name>`, or its custom `path:`).
/// An import of a target is internal; anything else is an external module (a product or the toolchain).
struct SwiftProject: Sendable {
    var targets: [SwiftTarget] = []
    /// How the targets were read, for the summary.
    var manifestSource: SwiftManifestSource = .text
    /// Per target: the imports its files make (file, line, module, flags).
    var imports: [String: [(file: String, line: Int32, module: String, flags: RawImport.Flags)]] = [:]
    var unassignedFiles = 0
    /// Manifests `swift package dump-package` could not read, which were read as text instead.
    var fallbacks: [String] = []

    static func load(root: String, manifests: [String], source: SwiftManifestSource) async throws -> SwiftProject {
        var project = SwiftProject()
        project.manifestSource = source
        for manifest in manifests {
            let dir = PathUtil.dirname(manifest)
            let packageDir = dir == "." ? "" : dir
            if source == .dumpPackage {
                do {
                    project.targets += try await SwiftPackageDump.targets(root: root, manifest: manifest, packageDir: packageDir)
                    continue
                } catch is VerifierError {
                    // A nested package whose manifest SwiftPM cannot load (missing dependencies, say)
                    // should not stop the check: read that one as text.
                    project.fallbacks.append(manifest)
                }
            }
            guard let text = try? String(contentsOfFile: root + "/" + manifest, encoding: .utf8) else { continue }
            project.targets += SwiftManifest.parse(text: text, manifest: manifest, packageDir: packageDir) { rel in
                var isDir: ObjCBool = false
                return FileManager.default.fileExists(atPath: root + "/" + rel, isDirectory: &isDir) && isDir.boolValue
            }
        }
        return project
    }

    /// Adds targets, external modules and imports to the graph; records imports per target.
    mutating func build(files: [ScannedFile], into graph: inout ModuleGraph) {
        // Deepest target directory first, so nested custom paths win.
        let byDepth = targets.enumerated().sorted { $0.element.path.count > $1.element.path.count }
        var ids: [String: Int32] = [:]
        for t in targets { ids[t.name] = graph.add(ModuleNode(language: .swift, name: t.name, path: t.path)) }
        for t in targets { for d in t.dependencies ?? [] where ids[d] == nil { graph.add(ModuleNode(language: .swift, name: d, path: nil)) } }
        for f in files {
            guard let owner = byDepth.first(where: { PathUtil.isInside(f.path, $0.element.path) })?.element else {
                if PathUtil.basename(f.path) != "Package.swift" { unassignedFiles += 1 }
                continue
            }
            let file = graph.fileID(f.path)
            for imp in f.imports {
                imports[owner.name, default: []].append((f.path, imp.line, imp.target, imp.flags))
                if imp.target == owner.name { continue }
                let to = ids[imp.target] ?? graph.add(ModuleNode(language: .swift, name: imp.target, path: nil))
                graph.addImport(from: ids[owner.name]!, to: to, site: ImportSite(file: file, line: imp.line, typeOnly: false))
            }
        }
    }
}

/// Targets from `swift package dump-package`, SwiftPM's own reading of the manifest.
enum SwiftPackageDump {
    static func targets(root: String, manifest: String, packageDir: String) async throws -> [SwiftTarget] {
        let dir = packageDir.isEmpty ? root : root + "/" + packageDir
        let spec = ProcessSpec(.argv(["swift", "package", "dump-package"]), environment: ProcessInfo.processInfo.environment,
                               cwd: dir, captureLimit: 16 << 20, timeout: .seconds(300))
        let result = try await ProcessRunner.run(spec)
        if result.cancelled || result.timedOut { throw CancellationError() }
        guard result.exitCode == 0, let json = try? JSONSerialization.jsonObject(with: Data(result.stdout.bytes)) as? [String: Any],
              let list = json["targets"] as? [[String: Any]] else {
            let why = result.stderr.text.split(separator: "\n").last.map(String.init) ?? "exit code \(result.exitCode ?? -1)"
            throw VerifierError("'swift package dump-package' failed for '\(manifest)': \(why). Fix the manifest, or set 'swift-manifest: text'.")
        }
        let kinds: [String: SwiftTarget.Kind] = ["regular": .regular, "executable": .executable, "test": .test, "system": .system,
                                                 "macro": .macro, "plugin": .plugin, "binary": .binary]
        return list.compactMap { t -> SwiftTarget? in
            guard let name = t["name"] as? String else { return nil }
            let kind = kinds[t["type"] as? String ?? "regular"] ?? .regular
            let path = (t["path"] as? String) ?? ((kind == .test ? "Tests/" : (kind == .plugin ? "Plugins/" : "Sources/")) + name)
            var deps: [String] = []
            for d in t["dependencies"] as? [[String: Any]] ?? [] {
                for key in ["byName", "target", "product"] {
                    if let values = d[key] as? [Any], let first = values.first as? String { deps.append(first) }
                }
            }
            return SwiftTarget(name: name, kind: kind, path: SwiftManifest.join(packageDir, path), dependencies: deps,
                               line: 1, manifest: manifest)
        }
    }
}
