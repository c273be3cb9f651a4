import Foundation
import GateCore

/// Turns one import-linter contract into a rule, validating its options the way import-linter does
/// (required fields, module expression syntax, layer syntax), with file:line errors.
enum ImportLinterContract {
    static let supported = ["forbidden", "layers", "independence", "acyclic_siblings", "protected"]

    static func rule(id: String, options o: [String: ImportLinterConfig.Option], line: Int,
                     session: ImportLinterSession) throws(ConfigError) -> RuleSpec {
        let file = session.file
        func loc(_ l: Int) -> SourceLocation { SourceLocation(file: file, line: l, column: 1) }
        func required(_ key: String) throws(ConfigError) -> ImportLinterConfig.Option {
            guard let v = o[key], !v.items.isEmpty, !(v.items.count == 1 && v.single.isEmpty) else {
                throw .missingKey(loc(line), key: key, context: "import-linter contract '\(id)'")
            }
            return v
        }
        func expressions(_ key: String, required isRequired: Bool = true) throws(ConfigError) -> [ModuleSelector] {
            guard let v = isRequired ? try required(key) : o[key] else { return [] }
            var out: [ModuleSelector] = []
            for item in v.items where !item.isEmpty {
                try validateExpression(item, key: key, at: loc(v.line))
                out.append(ModuleSelector(item, location: loc(v.line)))
            }
            return out
        }
        let typeOption = try required("type")
        let type = typeOption.single
        guard supported.contains(type) else {
            throw .invalidValue(loc(typeOption.line), key: "type", expected: "one of " + supported.map { "'\($0)'" }.joined(separator: ", "),
                                got: "'\(type)'")
        }
        try refuseUnknownOptions(o, type: type, id: id, file: file)
        let name = try required("name").single
        let kind: RuleKind = switch type {
        case "forbidden": .forbidden
        case "layers": .layers
        case "independence": .independence
        case "acyclic_siblings": .acyclic
        default: .only
        }
        var rule = RuleSpec(name: name, kind: kind)
        rule.flavor = .importLinter(session)
        rule.contractID = id
        rule.location = loc(line)
        rule.mode = .transitive
        if let ignores = o["ignore_imports"] {
            for item in ignores.items where !item.isEmpty {
                guard let p = ImportPattern(item, location: loc(ignores.line)) else {
                    throw .invalidValue(loc(ignores.line), key: "ignore_imports", expected: "'package.importer -> package.imported'", got: "'\(item)'")
                }
                try validateExpression(p.importer.text, key: "ignore_imports", at: loc(ignores.line))
                try validateExpression(p.imported.text, key: "ignore_imports", at: loc(ignores.line))
                rule.ignoreImports.append(p)
            }
        }
        if let alert = o["unmatched_ignore_imports_alerting"] {
            switch alert.single {
            case "error", "": rule.unmatchedIgnore = .error
            case "warn": rule.unmatchedIgnore = .warning
            case "none": rule.unmatchedIgnore = nil
            default: throw .invalidValue(loc(alert.line), key: "unmatched_ignore_imports_alerting", expected: "'error', 'warn' or 'none'", got: "'\(alert.single)'")
            }
        } else {
            rule.unmatchedIgnore = .error
        }
        rule.ignoreTypeChecking = session.excludeTypeChecking
        if let g = o["broken_contract_guidance"], !g.items.isEmpty {
            // import-linter's TextField: a multi-line value is its lines joined with newlines.
            rule.guidance = g.items.joined(separator: "\n")
        }
        rule.asPackages = try ImportLinterConfig.bool(o["as_packages"], key: "as_packages", file: file) ?? true
        switch kind {
        case .forbidden:
            rule.from = try expressions("source_modules")
            rule.to = try expressions("forbidden_modules")
            if try ImportLinterConfig.bool(o["allow_indirect_imports"], key: "allow_indirect_imports", file: file) == true { rule.mode = .direct }
        case .layers:
            let layers = try required("layers")
            for item in layers.items where !item.isEmpty {
                rule.layers.append(try layer(item, at: loc(layers.line)))
            }
            rule.containers = try expressions("containers", required: false)
            rule.exhaustive = try ImportLinterConfig.bool(o["exhaustive"], key: "exhaustive", file: file) ?? false
            if rule.exhaustive && rule.containers.isEmpty {
                throw .invalidParameter(loc(o["exhaustive"]!.line), key: "exhaustive", message: "the exhaustive option is not supported for contracts without containers")
            }
            rule.exhaustiveIgnores = o["exhaustive_ignores"]?.items.filter { !$0.isEmpty } ?? []
        case .independence:
            rule.modules = try expressions("modules")
        case .acyclic:
            rule.mode = .direct
            rule.ancestors = try expressions("ancestors")
            rule.skipDescendants = try expressions("skip_descendants", required: false)
            if let d = o["depth"] {
                guard let v = Int(d.single), v >= 0 else { throw .invalidValue(loc(d.line), key: "depth", expected: "an integer of 0 or more", got: "'\(d.single)'") }
                rule.depth = v
            }
            let overlap = Set(rule.ancestors.map(\.text)).intersection(rule.skipDescendants.map(\.text))
            if let first = overlap.sorted().first {
                throw .invalidParameter(loc(line), key: "skip_descendants", message: "cannot skip '\(first)' as it is also an ancestor")
            }
        case .only:
            rule.mode = .direct
            rule.to = try expressions("protected_modules")
            rule.from = try expressions("allowed_importers")
        }
        return rule
    }

    /// The options each contract type reads (import-linter 2.16, the `fields.*` of each contract class).
    static let fields: [String: [String]] = {
        let common = ["ignore_imports", "unmatched_ignore_imports_alerting", "broken_contract_guidance"]
        return [
            "forbidden": ["source_modules", "forbidden_modules", "allow_indirect_imports", "as_packages"] + common,
            "layers": ["layers", "containers", "exhaustive", "exhaustive_ignores"] + common,
            "independence": ["modules"] + common,
            "protected": ["protected_modules", "allowed_importers", "as_packages"] + common,
            "acyclic_siblings": ["ancestors", "depth", "skip_descendants"] + common,
        ]
    }()

    /// import-linter refuses an option its contract type does not have (domain/contract.py,
    /// `Contract._get_unrecognized_option_errors`), suggesting the closest valid one by difflib.
    /// Keys inherited from INI `[DEFAULT]` are interpolation helpers and pass (lint-imports 2.16 refuses
    /// them too; see docs/boundaries.md).
    static func refuseUnknownOptions(_ o: [String: ImportLinterConfig.Option], type: String, id: String, file: String) throws(ConfigError) {
        let recognized = (["id", "name", "type"] + (fields[type] ?? [])).sorted()
        let unknown = o.filter { !$0.value.inherited && !recognized.contains($0.key) }.sorted { $0.key < $1.key }
        guard let first = unknown.first else { return }
        var message = "import-linter contract '\(id)' (type \(type)) has an unrecognized option '\(first.key)'"
        if let s = CloseMatch.best(first.key, among: recognized) { message += "; did you mean '\(s)'?" } else {
            message += "; a \(type) contract takes \(recognized.filter { !["id", "name", "type"].contains($0) }.joined(separator: ", "))"
        }
        if unknown.count > 1 { message += " (also unrecognized: \(unknown.dropFirst().map { "'\($0.key)'" }.joined(separator: ", ")))" }
        throw .invalidParameter(SourceLocation(file: file, line: first.value.line, column: 1), key: first.key, message: message)
    }

    /// `a | b` (independent) or `a : b` (not independent); `(name)` is optional.
    static func layer(_ text: String, at location: SourceLocation) throws(ConfigError) -> LayerSpec {
        let hasBar = text.contains("|"), hasColon = text.contains(":")
        if hasBar && hasColon {
            throw .invalidValue(location, key: "layers", expected: "either '|' or ':' between siblings", got: "'\(text)', a mixture of independent and non-independent elements")
        }
        let parts = hasBar ? text.components(separatedBy: "|") : (hasColon ? text.components(separatedBy: ":") : [text])
        var seen = Set<String>()
        var modules: [ModuleSelector] = []
        for p in parts {
            let s = ModuleSelector(p, location: location, allowOptional: true)
            guard seen.insert(s.text).inserted else {
                throw .invalidValue(location, key: "layers", expected: "each module once in a layer", got: "'\(s.text)' repeated")
            }
            modules.append(s)
        }
        return LayerSpec(modules: modules, independent: !hasColon)
    }

    /// import-linter's module expression rules: dotted names, `*` or `**` replacing whole components,
    /// never one wildcard right after another recursive one.
    static func validateExpression(_ e: String, key: String, at location: SourceLocation) throws(ConfigError) {
        var last: Substring?
        for part in e.split(separator: ".", omittingEmptySubsequences: false) {
            if part.isEmpty || part.contains(where: { $0.isWhitespace }) {
                throw .invalidValue(location, key: key, expected: "a dotted module name", got: "'\(e)'")
            }
            if last == "**" && (part == "*" || part == "**") {
                throw .invalidValue(location, key: key, expected: "a module expression", got: "'\(e)': a recursive wildcard cannot be followed by a wildcard")
            }
            if last == "*" && part == "**" {
                throw .invalidValue(location, key: key, expected: "a module expression", got: "'\(e)': a wildcard cannot be followed by a recursive wildcard")
            }
            if part.contains("*") && part != "*" && part != "**" {
                throw .invalidValue(location, key: key, expected: "a module expression", got: "'\(e)': a wildcard can only replace a whole module")
            }
            last = part
        }
    }
}
