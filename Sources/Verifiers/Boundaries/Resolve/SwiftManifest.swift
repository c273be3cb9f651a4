import Foundation
import GateCore

/// A SwiftPM target as the manifest declares it.
struct SwiftTarget: Sendable {
    enum Kind: String, Sendable { case regular, executable, test, system, macro, plugin, binary }
    var name: String
    var kind: Kind
    /// Directory of the target's sources, relative to the check root.
    var path: String
    /// Names of declared dependencies (targets, products, by-name); nil when the manifest computes them.
    var dependencies: [String]?
    /// Line of the target's declaration in Package.swift.
    var line: Int
    var manifest: String
}

/// Reads Package.swift as text: `.target(...)`, `.executableTarget`, `.testTarget`, `.systemLibrary`,
/// `.macro`, `.plugin` and `.binaryTarget` calls with their `name:`, `path:` and `dependencies:` (string
/// literals, `.target(name:)`, `.product(name:package:)`, `.byName(name:)`). A dependency list the text
/// cannot see through (a variable, a computed list) is marked unknown, and such targets are not checked
/// for undeclared dependencies. `swift-manifest: dump-package` asks SwiftPM instead.
enum SwiftManifest {
    static let callKinds: [String: SwiftTarget.Kind] = [
        "target": .regular, "executableTarget": .executable, "testTarget": .test, "systemLibrary": .system,
        "macro": .macro, "plugin": .plugin, "binaryTarget": .binary,
    ]

    enum Token: Equatable {
        case ident(String)
        case string(String)
        case punct(UInt8)
    }

    static func parse(text: String, manifest: String, packageDir: String, exists: (String) -> Bool) -> [SwiftTarget] {
        let tokens = tokenize(Array(text.utf8))
        var targets: [SwiftTarget] = []
        var k = 0
        while k + 2 < tokens.count {
            guard tokens[k].0 == .punct(Bytes.dot), case .ident(let call) = tokens[k + 1].0, let kind = callKinds[call],
                  tokens[k + 2].0 == .punct(Bytes.lparen) else { k += 1; continue }
            let line = tokens[k + 1].1
            var name: String?, path: String?
            var deps: [String]? = []
            var j = k + 3
            var depth = 1
            while j < tokens.count && depth > 0 {
                let (t, _) = tokens[j]
                if t == .punct(Bytes.lparen) || t == .punct(Bytes.lbracket) { depth += 1 }
                if t == .punct(Bytes.rparen) || t == .punct(Bytes.rbracket) { depth -= 1 }
                if depth == 1, case .ident(let label) = t, j + 2 < tokens.count, tokens[j + 1].0 == .punct(Bytes.colon) {
                    switch label {
                    case "name": if case .string(let s) = tokens[j + 2].0, name == nil { name = s }
                    case "path": if case .string(let s) = tokens[j + 2].0 { path = s }
                    case "dependencies":
                        let (list, end) = dependencies(tokens, from: j + 2)
                        deps = list
                        j = end
                        continue
                    default: break
                    }
                }
                j += 1
            }
            if let name {
                let relative: String
                if let path {
                    relative = path
                } else {
                    let candidates = kind == .test ? ["Tests"] : (kind == .plugin ? ["Plugins"] : ["Sources", "Source", "src", "srcs"])
                    let dir = candidates.first { exists(join(packageDir, $0 + "/" + name)) } ?? candidates[0]
                    relative = dir + "/" + name
                }
                targets.append(SwiftTarget(name: name, kind: kind, path: join(packageDir, relative), dependencies: deps,
                                           line: line, manifest: manifest))
            }
            k = max(j, k + 1)
        }
        return targets
    }

    static func join(_ dir: String, _ path: String) -> String {
        PathUtil.normalize(dir.isEmpty || dir == "." ? path : dir + "/" + path)
    }

    /// `[ "A", .product(name: "B", package: "p"), .target(name: "C") ]` starting at `from` (the `[`).
    static func dependencies(_ tokens: [(Token, Int)], from start: Int) -> ([String]?, Int) {
        guard start < tokens.count, tokens[start].0 == .punct(Bytes.lbracket) else {
            // A variable or an expression: skip to the next label at this depth.
            var j = start
            while j < tokens.count, tokens[j].0 != .punct(Bytes.comma), tokens[j].0 != .punct(Bytes.rparen) { j += 1 }
            return (nil, j)
        }
        var names: [String] = []
        var known = true
        var j = start + 1
        var depth = 1
        var inner = 0
        while j < tokens.count && depth > 0 {
            let t = tokens[j].0
            switch t {
            case .punct(Bytes.lbracket): depth += 1
            case .punct(Bytes.rbracket): depth -= 1
            case .punct(Bytes.lparen): inner += 1
            case .punct(Bytes.rparen): inner -= 1
            case .string(let s) where inner == 0 && depth == 1: names.append(s)
            case .ident("name") where inner == 1 && j + 2 < tokens.count && tokens[j + 1].0 == .punct(Bytes.colon):
                if case .string(let s) = tokens[j + 2].0 { names.append(s) }
            case .ident(let word) where inner == 0 && depth == 1:
                if !["target", "product", "byName"].contains(word) { known = false }
            default: break
            }
            j += 1
        }
        // `["A"] + shared` continues the expression with something the text cannot see.
        if j < tokens.count, tokens[j].0 == .punct(UInt8(ascii: "+")) { known = false }
        return (known ? names : nil, j)
    }

    /// Identifiers, string literals (content) and punctuation with their lines; comments skipped.
    static func tokenize(_ b: [UInt8]) -> [(Token, Int)] {
        var out: [(Token, Int)] = []
        var i = 0
        var line: Int32 = 1
        b.withUnsafeBufferPointer { p in
            while i < p.count {
                let c = p[i]
                if c == Bytes.newline { line += 1; i += 1; continue }
                if Bytes.isBlank(c) { i += 1; continue }
                if c == Bytes.slash && i + 1 < p.count && p[i + 1] == Bytes.slash { i = Bytes.skipLineComment(p, i); continue }
                if c == Bytes.slash && i + 1 < p.count && p[i + 1] == Bytes.star { i = Bytes.skipBlockComment(p, i, line: &line, nested: true); continue }
                if c == Bytes.quote {
                    let startLine = Int(line)
                    let end = SwiftImports.skipString(p, i, hashes: 0, line: &line)
                    let multiline = i + 2 < p.count && p[i + 1] == Bytes.quote && p[i + 2] == Bytes.quote
                    let q = multiline ? 3 : 1
                    let text = end - q > i + q ? Bytes.string(p, i + q, end - q) : ""
                    out.append((.string(text), startLine))
                    i = end
                    continue
                }
                if Bytes.isIdentStart(c) {
                    let j = Bytes.identifier(p, i)
                    out.append((.ident(Bytes.string(p, i, j)), Int(line)))
                    i = j
                    continue
                }
                out.append((.punct(c), Int(line)))
                i += 1
            }
        }
        return out
    }
}
