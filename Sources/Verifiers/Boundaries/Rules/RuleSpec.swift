import GateCore

/// Whether a rule looks at imports written in the code (`direct`) or at chains of imports (`transitive`).
enum RuleMode: String, Sendable, CaseIterable {
    case direct
    case transitive
}

/// The five kinds of architectural rule; each is one `boundaries/<kind>` finding rule.
enum RuleKind: String, Sendable, CaseIterable {
    case layers
    case forbidden
    case independence
    case acyclic
    case only
}

/// One layer: modules at the same level. Independent siblings must not import each other.
struct LayerSpec: Sendable {
    var modules: [ModuleSelector]
    var independent: Bool
}

/// Where a rule came from, which decides how strictly it follows import-linter.
enum RuleFlavor: Sendable {
    /// Written for gate, in a suite or a YAML rules file.
    case native
    /// A contract from an import-linter configuration, evaluated with import-linter's semantics on the
    /// graph import-linter would build.
    case importLinter(ImportLinterSession)

    var isImportLinter: Bool { if case .importLinter = self { true } else { false } }
    var session: ImportLinterSession? { if case .importLinter(let s) = self { s } else { nil } }
}

/// The top-level options of an import-linter configuration.
struct ImportLinterSession: Sendable, Hashable {
    var file: String
    var rootPackages: [String]
    var includeExternal = false
    var excludeTypeChecking = false

    func isInternal(_ name: String) -> Bool {
        rootPackages.contains { name == $0 || name.hasPrefix($0 + ".") }
    }
}

/// A configured rule. Fields not used by its kind stay empty.
struct RuleSpec: Sendable {
    var name: String
    var kind: RuleKind
    var mode: RuleMode = .direct
    var flavor: RuleFlavor = .native
    /// The import-linter contract id, for contracts read from an import-linter configuration.
    var contractID: String?
    var location: SourceLocation?
    var ignoreImports: [ImportPattern] = []
    var ignoreTypeChecking = false
    /// How an `ignore-imports` entry that matches nothing is reported (nil: not at all).
    var unmatchedIgnore: Severity? = .warning
    /// Treat selectors as packages (with everything below them).
    var asPackages = true
    /// import-linter's `broken_contract_guidance`: shown with every finding of the broken contract.
    var guidance: String?

    // layers
    var layers: [LayerSpec] = []
    var containers: [ModuleSelector] = []
    var exhaustive = false
    var exhaustiveIgnores: [String] = []
    // forbidden: `from` must not import `to`; only: only `from` may import `to`
    var from: [ModuleSelector] = []
    var to: [ModuleSelector] = []
    var allow: [ImportPattern] = []
    var allowModules: [ModuleSelector] = []
    // independence / acyclic
    var modules: [ModuleSelector] = []
    var ancestors: [ModuleSelector] = []
    var depth = 10
    var skipDescendants: [ModuleSelector] = []

    init(name: String, kind: RuleKind) {
        self.name = name
        self.kind = kind
    }

    var ruleID: String { "boundaries/\(kind.rawValue)" }
}
