import Foundation
import GateCore

/// How a rule names modules: a module name (`service.api`, `GateCore`, `example.com/app/db`,
/// `my_crate::db`) whose components may be wildcards, or, when it contains a `/`, also a path glob
/// (`Sources/Verifiers/*`, `src/api/`). `*` stands for one name component, `**` for one or more, and a
/// component such as `Verifier*` matches by glob. A name selects the module and everything below it.
struct ModuleSelector: Sendable, Hashable, CustomStringConvertible {
    let text: String
    /// A layer written `(name)` may be missing.
    let optional: Bool
    let location: SourceLocation?

    init(_ raw: String, location: SourceLocation? = nil, allowOptional: Bool = false) {
        var t = raw.trimmingCharacters(in: .whitespaces)
        var opt = false
        if allowOptional, t.hasPrefix("("), t.hasSuffix(")"), t.count > 2 {
            t = String(t.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
            opt = true
        }
        text = t
        optional = opt
        self.location = location
    }

    var description: String { text }
    var hasWildcard: Bool { text.contains("*") || text.contains("?") || text.contains("[") }
    var isPath: Bool { text.contains("/") }

    /// `text` split into name components for a language, each compiled once.
    func components(separator: String) -> [Component] {
        text.components(separatedBy: separator).map(Component.init)
    }

    struct Component: Sendable {
        let text: String
        let glob: Glob?
        var isRecursive: Bool { text == "**" }

        init(_ text: String) {
            self.text = text
            glob = (text.contains("*") || text.contains("?") || text.contains("[")) && text != "**" ? Glob(text) : nil
        }

        func matches(_ name: Substring) -> Bool {
            if let glob { return glob.matches(String(name)) }
            return name == text
        }
    }

    /// Whether `pattern` matches all of `name`'s components; `**` takes one or more components.
    static func match(_ pattern: ArraySlice<Component>, _ name: ArraySlice<Substring>) -> Bool {
        guard let first = pattern.first else { return name.isEmpty }
        if first.isRecursive {
            var k = name.startIndex + 1
            while k <= name.endIndex {
                if match(pattern.dropFirst(), name[k...]) { return true }
                k += 1
            }
            return false
        }
        guard let head = name.first, first.matches(head) else { return false }
        return match(pattern.dropFirst(), name.dropFirst())
    }
}

/// `importer -> imported`, as in import-linter's `ignore_imports`: each side is a selector matched
/// against a module's exact name (use `**` to include submodules) or, with a `/`, its path.
struct ImportPattern: Sendable, Hashable, CustomStringConvertible {
    let importer: ModuleSelector
    let imported: ModuleSelector
    let text: String
    let location: SourceLocation?

    init?(_ text: String, location: SourceLocation? = nil) {
        guard let arrow = text.range(of: "->") else { return nil }
        let a = text[..<arrow.lowerBound].trimmingCharacters(in: .whitespaces)
        let b = text[arrow.upperBound...].trimmingCharacters(in: .whitespaces)
        guard !a.isEmpty, !b.isEmpty, !b.contains("->") else { return nil }
        importer = ModuleSelector(a, location: location)
        imported = ModuleSelector(b, location: location)
        self.text = "\(a) -> \(b)"
        self.location = location
    }

    var description: String { text }
}
