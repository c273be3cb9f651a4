import Foundation
import GateCore

/// The resolved import graph as JSON, for tools and for checking gate's graph against another tool's.
enum GraphOutput {
    static func json(_ graphs: [(name: String, graph: ModuleGraph)]) throws -> Data {
        var out: [[String: Any]] = []
        for (name, g) in graphs {
            let modules: [[String: Any]] = g.nodes.sorted { ($0.language.rawValue, $0.name) < ($1.language.rawValue, $1.name) }.map { n in
                var m: [String: Any] = ["name": n.name, "language": n.language.rawValue, "external": n.isExternal]
                if let p = n.path { m["path"] = p }
                return m
            }
            let imports: [[String: Any]] = g.allImports.map { a, b, sites in
                ["importer": g.name(a), "imported": g.name(b), "language": g.nodes[Int(a)].language.rawValue,
                 "lines": sites.map { "\(g.files[Int($0.file)]):\($0.line)" }]
            }
            out.append(["name": name, "modules": modules, "imports": imports])
        }
        let doc: [String: Any] = ["schema": "gate-boundaries-graph/1", "graphs": out]
        return try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
    }
}
