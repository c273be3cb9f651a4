import Foundation
import GateCore

/// Builds the native graph: every language's modules and imports in one graph.
struct ProjectGraph: Sendable {
    var graph = ModuleGraph()
    var swift: SwiftProject?
    var python: PythonProject?

    static func build(root: String, files: [ScannedFile], walk: SourceWalker.Result,
                      options: BoundariesOptions) async throws -> ProjectGraph {
        var result = ProjectGraph()
        var byLanguage: [Language: [ScannedFile]] = [:]
        for f in files { byLanguage[f.language, default: []].append(f) }
        var g = ModuleGraph()
        if let py = byLanguage[.python] {
            let project = PythonProject(files: py, roots: pythonRoots(root: root, options: options))
            project.build(into: &g, dropTypeOnly: false)
            result.python = project
        }
        if options.languages.contains(.swift) {
            let manifests = walk.projectFiles["Package.swift"] ?? []
            var swift = try await SwiftProject.load(root: root, manifests: manifests, source: options.swiftManifest)
            swift.build(files: byLanguage[.swift] ?? [], into: &g)
            result.swift = swift
        }
        if let ts = byLanguage[.typescript] {
            let configs = (walk.projectFiles["tsconfig.json"] ?? []) + (walk.projectFiles["jsconfig.json"] ?? [])
            JavaScriptProject(root: root, files: ts, tsconfigs: configs, explicit: options.tsconfig).build(files: ts, into: &g)
        }
        if let go = byLanguage[.go] {
            GoProject(root: root, goMods: walk.projectFiles["go.mod"] ?? []).build(files: go, into: &g)
        }
        if let rust = byLanguage[.rust] {
            RustProject(root: root, cargoTomls: walk.projectFiles["Cargo.toml"] ?? []).build(files: rust, into: &g)
        }
        if let java = byLanguage[.java] {
            JavaProject().build(files: java, into: &g)
        }
        if let c = byLanguage[.c] {
            CProject(includeDirs: options.includeDirs).build(files: c, into: &g)
        }
        g.finish()
        result.graph = g
        return result
    }

    /// `python-roots`, or the root plus `src/` when it exists.
    static func pythonRoots(root: String, options: BoundariesOptions) -> [String] {
        if !options.pythonRoots.isEmpty { return options.pythonRoots }
        var isDir: ObjCBool = false
        if FileManager.default.fileExists(atPath: root + "/src", isDirectory: &isDir), isDir.boolValue { return [".", "src"] }
        return ["."]
    }
}
