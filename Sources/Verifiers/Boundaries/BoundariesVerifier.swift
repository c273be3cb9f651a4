import Foundation
import GateCore

/// Checks architectural import rules across languages, natively and compatibly with import-linter.
///
/// - **Rules** (`rules:` or a YAML `config:` file): `layers` (ordered, highest first; independent
///   siblings), `forbidden` (with `allow`), `independence`, `acyclic` (cycle paths reported) and `only`.
///   Each rule has `mode: direct | transitive` (default direct); transitive findings show the whole chain.
///   `ignore-imports` takes `a -> b` patterns; `ignore-type-checking` skips Python `TYPE_CHECKING` imports.
/// - **import-linter**: `config:` may name `.importlinter`, `setup.cfg` or `pyproject.toml`; its contracts
///   run natively with import-linter's semantics on the graph import-linter would build.
/// - **Languages**: imports are extracted from bytes for Python, Swift (SwiftPM targets, with
///   `boundaries/undeclared-dependency`), TypeScript/JavaScript (tsconfig `baseUrl`/`paths`), Go
///   (`go.mod`), Rust, Java/Kotlin and C/C++ (include directories).
/// - **Fails** on any error-severity finding; `baseline:` keeps known violations from failing.
public struct BoundariesVerifier: Verifier {
    public static let descriptor = VerifierDescriptor(
        id: "boundaries",
        summary: "Architectural import rules (layers, forbidden, independence, acyclic, only) across languages; import-linter compatible.",
        discussion: """
            A module is a language-level name (Python 'service.api', Swift target 'GateCore', Go 'example.com/app/db',
            Rust 'my_crate::db', Java 'com.acme.core') or, in a selector containing '/', a path glob below the root
            ('Sources/Verifiers/*', 'src/api/'). A name selects the module and everything below it; '*' stands for one
            name component, '**' for one or more, and 'Verifier*' matches a component by glob. A wildcard in
            'independence', 'acyclic' or a layer makes each match a member of its own.

            Rules: 'layers' (a list, highest first; a layer may be 'a | b' or a list of independent siblings, or
            {modules, independent: false}; 'containers' repeat the layers inside each container), 'forbidden'
            ({from, to, allow}), 'independence' (a list), 'acyclic' (a list, or {ancestors, depth}) and 'only'
            ({to, from}: only 'from' may import 'to'). Every rule takes 'mode: direct | transitive' (default direct):
            direct looks at the imports written in the code; transitive follows chains, reports each chain with
            file:line for every hop, and (like import-linter) does not count chains through another layer or member.

            'config:' may point to an import-linter configuration (.importlinter, setup.cfg, pyproject.toml). Its
            contracts (forbidden, layers with containers, independence, acyclic_siblings, protected, ignore_imports with
            '*' and '**') run natively with import-linter's semantics on the graph import-linter builds, so the verdicts
            are the same as 'lint-imports' - and 'graph-output' writes that graph as JSON.

            Swift targets come from Package.swift (read as text, or with 'swift package dump-package'), including
            custom 'path:' values; a target that imports a module it does not declare is reported as
            'boundaries/undeclared-dependency'. Python files are decoded as Python reads them (a byte-order mark, a
            PEP 263 coding line); a Python file that does not parse errors the check, naming file:line, unless
            'skip-unparseable' is set. Files that cannot be read or decoded and binary files are skipped and counted in
            one warning; symbolic link loops are not followed. 'contract' runs only the named contracts or rules.
            """,
        parameters: [
            ParameterSpec("rules", .mapList, "The rules: each a map with one of 'layers', 'forbidden', 'independence', 'acyclic', 'only', plus optional 'name', 'mode', 'ignore-imports', 'ignore-type-checking' (and 'containers', 'exhaustive', 'exhaustive-ignores' for layers)."),
            ParameterSpec("config", .path, "A YAML rules file (.yaml: 'rules:' and optional 'ignore-imports:', 'mode:'), or an import-linter configuration (.importlinter, setup.cfg, pyproject.toml; any other file is read as INI) whose contracts run natively."),
            ParameterSpec("mode", .oneOf(RuleMode.allCases.map(\.rawValue)), default: "direct", "The default mode for rules that do not set one."),
            ParameterSpec("ignore-imports", .stringList, "'importer -> imported' patterns ignored by every gate rule ('*' is one name component, '**' one or more); import-linter contracts keep their own 'ignore_imports'."),
            ParameterSpec("ignore-type-checking", .bool, default: "false", "Skip Python imports under 'if TYPE_CHECKING:' and TypeScript 'import type' in every rule."),
            ParameterSpec("languages", .stringList, default: "auto", "Languages to read: python, swift, typescript (javascript), go, rust, java (kotlin), c (c++); 'auto' reads all."),
            ParameterSpec("exclude", .stringList, "Globs of files and directories not to read (hidden directories, node_modules and __pycache__ are never read)."),
            ParameterSpec("include", .stringList, "Globs of source files to read; default all."),
            ParameterSpec("python-roots", .pathList, default: "[., src]", "Directories that hold top-level Python packages (sys.path entries)."),
            ParameterSpec("include-dirs", .pathList, default: "[., every include/]", "C and C++ include directories for resolving '#include' (after the including file's own directory)."),
            ParameterSpec("tsconfig", .path, "The tsconfig.json whose 'baseUrl' and 'paths' resolve aliases; default the nearest tsconfig.json or jsconfig.json above each file."),
            ParameterSpec("swift-manifest", .oneOf(SwiftManifestSource.allCases.map(\.rawValue)), default: "text", "How to read Package.swift: as text, or with 'swift package dump-package' (exact for computed manifests, slower)."),
            ParameterSpec("undeclared-dependencies", .bool, default: "true", "Report Swift targets that import modules they do not declare as dependencies."),
            ParameterSpec("baseline", .path, "A file of known violations: findings recorded there do not fail the check; only new ones do."),
            ParameterSpec("write-baseline", .pathOrBool, default: "false", "Write every current violation to this file and pass: true for the 'baseline' file (.gate/boundaries-baseline.json when there is none), or a path. Same form as in secrets."),
            ParameterSpec("skip-unparseable", .bool, default: "false", "Read past Python files that do not parse, each reported as a warning, instead of erroring the check (import-linter stops on them)."),
            ParameterSpec("contract", .stringList, "Run only these import-linter contracts (by id, like 'lint-imports --contract') and gate rules (by name)."),
            ParameterSpec("graph-output", .path, "Write the resolved import graph (modules and imports with file:line) as JSON to this file."),
        ],
        rules: [
            RuleDescriptor("boundaries/layers", "A lower layer imports a higher one, or independent siblings import each other.",
                           help: "Move the code down a layer, invert the dependency, or add an exception to 'ignore-imports'."),
            RuleDescriptor("boundaries/forbidden", "A module imports a module its rule forbids.",
                           help: "Move the code, invert the dependency, or add the import to 'allow'."),
            RuleDescriptor("boundaries/independence", "Modules that must be independent import each other.",
                           help: "Move what both need into a module below them."),
            RuleDescriptor("boundaries/acyclic", "Modules import each other in a cycle.",
                           help: "Invert one dependency of the cycle, or move what they share below all of them."),
            RuleDescriptor("boundaries/only", "A module that is not allowed to imports a protected module.",
                           help: "Go through the allowed modules, or add the importer to the rule's 'from'."),
            RuleDescriptor("boundaries/undeclared-dependency", "A Swift target imports a module it does not declare as a dependency in Package.swift.",
                           help: "Add the module (a target or a product) to the target's 'dependencies'."),
            RuleDescriptor("boundaries/unmatched-ignore", "An 'ignore-imports' pattern matches no import.", severity: .warning,
                           help: "Remove the stale pattern or correct its module names."),
            RuleDescriptor("boundaries/unparseable-file", "A Python file that does not parse, read as empty because 'skip-unparseable' is set.", severity: .warning,
                           help: "Fix the syntax error, or exclude the file with 'exclude'."),
            RuleDescriptor("boundaries/skipped-file", "Source files that could not be read (unreadable, binary or not UTF-8).", severity: .warning,
                           help: "Fix the file's encoding, or exclude it with 'exclude'."),
        ],
        examples: BoundariesExamples.all)

    let options: BoundariesOptions

    public init(parameters: Parameters) throws(ConfigError) {
        options = try BoundariesOptions(parameters)
    }

    public var evaluatedRules: [String] {
        var ids = Set((options.rules + (options.importLinter?.rules ?? [])).map(\.ruleID))
        if options.languages.contains(.swift) && options.undeclaredDependencies { ids.insert("boundaries/undeclared-dependency") }
        if !options.sharedIgnores.isEmpty || (options.rules + (options.importLinter?.rules ?? [])).contains(where: { !$0.ignoreImports.isEmpty }) {
            ids.insert("boundaries/unmatched-ignore")
        }
        ids.insert("boundaries/skipped-file")
        if options.skipUnparseable { ids.insert("boundaries/unparseable-file") }
        return Self.descriptor.rules.map(\.id).filter(ids.contains)
    }

    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        try await BoundariesRun(options: options, context: context).execute()
    }
}
