import Foundation
import GateCore

/// Where Swift targets come from.
enum SwiftManifestSource: String, Sendable, CaseIterable {
    /// Package.swift read as text (fast, no toolchain needed).
    case text
    /// `swift package dump-package` (exact for computed manifests; compiles the manifest).
    case dumpPackage = "dump-package"
}

/// Everything a boundaries check was configured with, validated at load time.
struct BoundariesOptions: Sendable {
    var rules: [RuleSpec] = []
    /// `ignore-imports` of the suite and of a rules file: applied by every native rule, reported once
    /// when they match nothing.
    var sharedIgnores: [ImportPattern] = []
    var importLinter: ImportLinterConfig?
    var languages: Set<Language> = Set(Language.allCases)
    var exclude: [Glob] = []
    var include: [Glob] = []
    var pythonRoots: [String] = []
    var includeDirs: [String] = []
    var tsconfig: String?
    var swiftManifest: SwiftManifestSource = .text
    var undeclaredDependencies = true
    var baseline: String?
    /// `write-baseline`: where to write the current violations (`true`: the `baseline` file, or
    /// `.gate/boundaries-baseline.json` without one), as a path and as written.
    var writeBaseline: (path: String, display: String)?
    var graphOutput: String?
    /// Read past Python files that do not parse (a warning each) instead of erroring the check.
    var skipUnparseable = false
    /// `contract`: only these import-linter contracts (by id) and gate rules (by name) run.
    var onlyContracts: [String] = []

    /// Where `write-baseline: true` writes when the check names no `baseline`.
    static let defaultBaseline = ".gate/boundaries-baseline.json"

    init() {}

    init(_ p: Parameters) throws(ConfigError) {
        if let langs = p["languages"], !langs.isNull {
            let names = try p.stringList("languages")
            if names != ["auto"] {
                var set = Set<Language>()
                for n in names {
                    guard let l = Language.aliases[n.lowercased()] else {
                        throw p.error("languages", "'\(n)' is not a supported language; use \(Language.allCases.map(\.rawValue).joined(separator: ", ")) (or auto)")
                    }
                    set.insert(l)
                }
                languages = set
            }
        }
        var defaults = RuleParser.Defaults()
        defaults.mode = try p.oneOf("mode", default: RuleMode.direct)
        defaults.ignoreTypeChecking = try p.bool("ignore-type-checking", default: false)
        sharedIgnores = try RuleParser.patterns(p["ignore-imports"], key: "ignore-imports")
        if let r = p["rules"], !r.isNull {
            rules = try RuleParser.parse(r, key: "rules", defaults: defaults)
        }
        if let config = try p.path("config") {
            let shown = PathUtil.relative(config, to: p.root)
            if config.hasSuffix(".yaml") || config.hasSuffix(".yml") {
                let (fileRules, fileIgnores) = try Self.rulesFile(config, display: shown, defaults: defaults, existing: rules)
                rules += fileRules
                sharedIgnores += fileIgnores
            } else {
                // Like `lint-imports --config`: TOML for .toml files, INI (configparser) for anything else.
                importLinter = try ImportLinterConfig.load(path: config, display: shown)
                // import-linter reads Python only; reading other languages would be wasted work.
                if p["languages"] == nil && rules.isEmpty { languages = [.python, .swift] }
                languages.insert(.python)
            }
        }
        exclude = try p.stringList("exclude").map(Glob.init)
        include = try p.stringList("include").map(Glob.init)
        pythonRoots = try p.stringList("python-roots").map { PathUtil.relative(p.resolve($0), to: p.root) }
        includeDirs = try p.stringList("include-dirs").map { PathUtil.relative(p.resolve($0), to: p.root) }
        tsconfig = try p.path("tsconfig").map { PathUtil.relative($0, to: p.root) }
        swiftManifest = try p.oneOf("swift-manifest", default: SwiftManifestSource.text)
        undeclaredDependencies = try p.bool("undeclared-dependencies", default: true)
        baseline = try p.path("baseline")
        writeBaseline = try p.pathOrSwitch("write-baseline", whenTrue: try p.string("baseline") ?? Self.defaultBaseline)
        graphOutput = try p.path("graph-output")
        skipUnparseable = try p.bool("skip-unparseable", default: false)
        try selectContracts(p)
    }

    /// `contract`: keeps only the named import-linter contracts (by id, as `lint-imports --contract`
    /// matches them; use_cases.py `_filter_contract_options`) and gate rules (by name).
    private mutating func selectContracts(_ p: Parameters) throws(ConfigError) {
        onlyContracts = try p.stringList("contract")
        guard !onlyContracts.isEmpty else { return }
        let ids = importLinter?.selectableIDs ?? []
        let names = rules.map(\.name)
        let missing = onlyContracts.filter { !ids.contains($0) && !names.contains($0) }
        if let first = missing.first {
            var message = missing.count == 1 ? "could not find contract '\(first)'" : "could not find contracts \(missing.map { "'\($0)'" }.joined(separator: ", "))"
            if importLinter == nil && rules.isEmpty {
                message += ": no import-linter 'config' and no 'rules' are set"
            } else {
                message += "; known: " + (ids + names).map { "'\($0)'" }.joined(separator: ", ")
                if let s = DidYouMean.suggest(first, among: ids + names) { message += "; did you mean '\(s)'?" }
            }
            throw p.error("contract", message)
        }
        rules = rules.filter { onlyContracts.contains($0.name) }
        importLinter?.rules.removeAll { r in !(r.contractID.map { ids.contains($0) && onlyContracts.contains($0) } ?? false) }
    }

    /// A YAML rules file: `rules:` plus optional `ignore-imports:`, `mode:` and `ignore-type-checking:`.
    static func rulesFile(_ path: String, display: String, defaults: RuleParser.Defaults,
                          existing: [RuleSpec]) throws(ConfigError) -> ([RuleSpec], [ImportPattern]) {
        guard let doc = try YAMLLoader.load(path: path, displayPath: display) else {
            throw .invalidParameter(SourceLocation(file: display, line: 1, column: 1), key: "rules", message: "the rules file is empty")
        }
        let valid = ["rules", "ignore-imports", "mode", "ignore-type-checking"]
        guard let entries = doc.mapping else {
            throw .invalidValue(doc.location, key: "(document)", expected: "a map with 'rules'", got: doc.typeDescription)
        }
        for e in entries where !valid.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: "a boundaries rules file", valid: valid)
        }
        var d = defaults
        if let m = doc["mode"] {
            guard let s = m.string, let mode = RuleMode(rawValue: s) else {
                throw .invalidValue(m.location, key: "mode", expected: "'direct' or 'transitive'", got: m.typeDescription)
            }
            d.mode = mode
        }
        if let t = doc["ignore-type-checking"] {
            guard let b = t.bool else { throw .invalidValue(t.location, key: "ignore-type-checking", expected: "true or false", got: t.typeDescription) }
            d.ignoreTypeChecking = b
        }
        let ignores = try RuleParser.patterns(doc["ignore-imports"], key: "ignore-imports")
        guard let list = doc["rules"] else { throw .missingKey(doc.location, key: "rules", context: "the rules file") }
        let parsed = try RuleParser.parse(list, key: "rules", defaults: d)
        for r in parsed {
            if let clash = existing.first(where: { $0.name == r.name }) {
                throw .invalidValue(r.location ?? doc.location, key: "name", expected: "unique among the rules",
                                    got: "'\(r.name)', also defined at \(clash.location.map(String.init(describing:)) ?? "the suite")")
            }
        }
        return (parsed, ignores)
    }
}
