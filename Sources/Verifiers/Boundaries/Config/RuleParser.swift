import Foundation
import GateCore

/// Reads gate's own rule syntax (a suite's `rules:` or a YAML rules file) into `RuleSpec`s. Every error
/// names the file, line and key.
///
/// ```yaml
/// rules:
///   - name: layered
///     layers: [service.app, service.invoices, service.config]   # highest first
///   - name: no-tests-in-service
///     forbidden: {from: service, to: [tests, scripts], allow: ["service.app -> tests.fakes"]}
///   - independence: ["Sources/Verifiers/*"]
///   - acyclic: {ancestors: [service], depth: 2}
///   - only: {to: ArgumentParser, from: [gate]}
///     mode: transitive
/// ```
enum RuleParser {
    struct Defaults {
        var mode: RuleMode = .direct
        var ignoreTypeChecking = false
    }

    static let commonKeys = ["name", "description", "mode", "ignore-imports", "ignore-type-checking"]
    static let kindKeys = RuleKind.allCases.map(\.rawValue)
    static let layerKeys = ["containers", "exhaustive", "exhaustive-ignores"]

    static func parse(_ list: ConfigValue, key: String, defaults: Defaults) throws(ConfigError) -> [RuleSpec] {
        guard let items = list.sequence else {
            throw .invalidValue(list.location, key: key, expected: "a list of rules", got: list.typeDescription)
        }
        var rules: [RuleSpec] = []
        var names: [String: SourceLocation] = [:]
        for (n, item) in items.enumerated() {
            let rule = try parseRule(item, number: n + 1, key: key, defaults: defaults)
            if let first = names[rule.name] {
                throw .invalidValue(item["name"]?.location ?? item.location, key: "name", expected: "unique among the rules",
                                    got: "'\(rule.name)' again (first at \(first))")
            }
            names[rule.name] = item.location
            rules.append(rule)
        }
        return rules
    }

    static func parseRule(_ item: ConfigValue, number: Int, key: String, defaults: Defaults) throws(ConfigError) -> RuleSpec {
        guard let entries = item.mapping else {
            throw .invalidValue(item.location, key: "\(key)[\(number)]", expected: "a map with one of \(kindKeys.joined(separator: ", "))", got: item.typeDescription)
        }
        let kinds = entries.filter { kindKeys.contains($0.key) }
        guard kinds.count == 1, let kindEntry = kinds.first, let kind = RuleKind(rawValue: kindEntry.key) else {
            if kinds.count > 1 {
                throw .invalidValue(kinds[1].keyLocation, key: kinds[1].key, expected: "one rule kind per rule",
                                    got: "both '\(kinds[0].key)' and '\(kinds[1].key)'; split them into two rules")
            }
            // `- layer: [x, y]`: name the near miss rather than only the missing kind.
            for e in entries where !commonKeys.contains(e.key) && !layerKeys.contains(e.key) {
                if DidYouMean.suggest(e.key, among: kindKeys) != nil {
                    throw .unknownKey(e.keyLocation, key: e.key, context: "rule \(number) of '\(key)'", valid: kindKeys + commonKeys)
                }
            }
            throw .missingKey(item.location, key: kindKeys.joined(separator: "|"), context: "rule \(number) of '\(key)'")
        }
        let allowed = commonKeys + [kind.rawValue] + (kind == .layers ? layerKeys : [])
        for e in entries where !allowed.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "a '\(kind.rawValue)' rule", valid: allowed)
        }
        var rule = RuleSpec(name: item["name"]?.string ?? "\(kind.rawValue)-\(number)", kind: kind)
        rule.location = item.location
        rule.mode = defaults.mode
        if let m = item["mode"] {
            guard let s = m.string, let mode = RuleMode(rawValue: s) else {
                throw .invalidValue(m.location, key: "mode", expected: "'direct' or 'transitive'", got: m.typeDescription)
            }
            rule.mode = mode
        }
        rule.ignoreTypeChecking = defaults.ignoreTypeChecking
        if let t = item["ignore-type-checking"] {
            guard let b = t.bool else { throw .invalidValue(t.location, key: "ignore-type-checking", expected: "true or false", got: t.typeDescription) }
            rule.ignoreTypeChecking = b
        }
        rule.ignoreImports = try patterns(item["ignore-imports"], key: "ignore-imports")
        let body = kindEntry.value
        switch kind {
        case .layers:
            rule.layers = try layers(body)
            rule.containers = try selectors(item["containers"], key: "containers")
            if let e = item["exhaustive"] {
                guard let b = e.bool else { throw .invalidValue(e.location, key: "exhaustive", expected: "true or false", got: e.typeDescription) }
                rule.exhaustive = b
                if b && rule.containers.isEmpty {
                    throw .invalidParameter(e.location, key: "exhaustive", message: "needs 'containers': exhaustiveness is checked among each container's children")
                }
            }
            rule.exhaustiveIgnores = try strings(item["exhaustive-ignores"], key: "exhaustive-ignores")
        case .forbidden, .only:
            let fields = kind == .forbidden ? ["from", "to", "allow"] : ["from", "to"]
            guard let map = body.mapping else {
                throw .invalidValue(body.location, key: kind.rawValue, expected: "a map with \(fields.map { "'\($0)'" }.joined(separator: ", "))", got: body.typeDescription)
            }
            for e in map where !fields.contains(e.key) { throw .unknownKey(e.keyLocation, key: e.key, context: "'\(kind.rawValue)'", valid: fields) }
            guard body["to"] != nil else { throw .missingKey(body.location, key: "to", context: "'\(kind.rawValue)'") }
            if kind == .forbidden && body["from"] == nil { throw .missingKey(body.location, key: "from", context: "'forbidden'") }
            rule.from = try selectors(body["from"], key: "from")
            rule.to = try selectors(body["to"], key: "to")
            for a in try strings(body["allow"], key: "allow") {
                if a.contains("->") {
                    guard let p = ImportPattern(a, location: body["allow"]?.location) else {
                        throw .invalidValue(body["allow"]!.location, key: "allow", expected: "'importer -> imported' or a module", got: "'\(a)'")
                    }
                    rule.ignoreImports.append(p)
                } else {
                    rule.allowModules.append(ModuleSelector(a, location: body["allow"]?.location))
                }
            }
        case .independence:
            rule.modules = try selectors(body, key: "independence")
            if rule.modules.count < 2 && !rule.modules.contains(where: \.hasWildcard) {
                throw .invalidParameter(body.location, key: "independence", message: "list at least two modules (or a wildcard such as 'service.*')")
            }
        case .acyclic:
            if let map = body.mapping {
                let fields = ["modules", "ancestors", "depth", "skip-descendants"]
                for e in map where !fields.contains(e.key) { throw .unknownKey(e.keyLocation, key: e.key, context: "'acyclic'", valid: fields) }
                rule.modules = try selectors(body["modules"], key: "modules")
                rule.ancestors = try selectors(body["ancestors"], key: "ancestors")
                rule.skipDescendants = try selectors(body["skip-descendants"], key: "skip-descendants")
                if let d = body["depth"] {
                    guard let v = d.int, v >= 0 else { throw .invalidValue(d.location, key: "depth", expected: "an integer of 0 or more", got: d.typeDescription) }
                    rule.depth = v
                }
                if rule.modules.isEmpty && rule.ancestors.isEmpty { throw .missingKey(body.location, key: "modules|ancestors", context: "'acyclic'") }
            } else {
                rule.modules = try selectors(body, key: "acyclic")
            }
        }
        return rule
    }

    static func strings(_ value: ConfigValue?, key: String) throws(ConfigError) -> [String] {
        guard let value, !value.isNull else { return [] }
        guard let list = value.stringList else { throw .invalidValue(value.location, key: key, expected: "a string or a list of strings", got: value.typeDescription) }
        return list
    }

    static func selectors(_ value: ConfigValue?, key: String, optional: Bool = false) throws(ConfigError) -> [ModuleSelector] {
        let items = value?.sequence ?? (value.map { [$0] } ?? [])
        var out: [ModuleSelector] = []
        for item in items where !item.isNull {
            guard let s = item.string, !s.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw .invalidValue(item.location, key: key, expected: "a module name or path glob", got: item.typeDescription)
            }
            out.append(ModuleSelector(s, location: item.location, allowOptional: optional))
        }
        return out
    }

    static func patterns(_ value: ConfigValue?, key: String) throws(ConfigError) -> [ImportPattern] {
        let items = value?.sequence ?? (value.map { [$0] } ?? [])
        var out: [ImportPattern] = []
        for item in items where !item.isNull {
            guard let s = item.string, let p = ImportPattern(s, location: item.location) else {
                throw .invalidValue(item.location, key: key, expected: "'importer -> imported'", got: item.typeDescription)
            }
            out.append(p)
        }
        return out
    }

    /// A layer is a module, `a | b` (independent siblings), a list (independent siblings), or
    /// `{modules: [...], independent: false}`.
    static func layers(_ body: ConfigValue) throws(ConfigError) -> [LayerSpec] {
        guard let items = body.sequence, !items.isEmpty else {
            throw .invalidValue(body.location, key: "layers", expected: "a list of layers, highest first", got: body.typeDescription)
        }
        var out: [LayerSpec] = []
        for item in items {
            if let s = item.string {
                let parts = s.split(separator: "|").map { ModuleSelector(String($0), location: item.location, allowOptional: true) }
                out.append(LayerSpec(modules: parts, independent: true))
            } else if item.sequence != nil {
                out.append(LayerSpec(modules: try selectors(item, key: "layers", optional: true), independent: true))
            } else if let map = item.mapping {
                for e in map where !["modules", "independent"].contains(e.key) {
                    throw .unknownKey(e.keyLocation, key: e.key, context: "a layer", valid: ["modules", "independent"])
                }
                var independent = true
                if let i = item["independent"] {
                    guard let b = i.bool else { throw .invalidValue(i.location, key: "independent", expected: "true or false", got: i.typeDescription) }
                    independent = b
                }
                out.append(LayerSpec(modules: try selectors(item["modules"], key: "modules", optional: true), independent: independent))
            } else {
                throw .invalidValue(item.location, key: "layers", expected: "a module, a list of sibling modules, or {modules, independent}", got: item.typeDescription)
            }
            if out.last!.modules.isEmpty { throw .invalidValue(item.location, key: "layers", expected: "at least one module per layer", got: "none") }
        }
        return out
    }
}
