import Foundation
import GateCore

/// Reads an import-linter configuration (`.importlinter` or `setup.cfg` with `[importlinter]` and
/// `[importlinter:contract:ID]` sections, or `pyproject.toml` with `[tool.importlinter]` and
/// `[[tool.importlinter.contracts]]`) into rules that run with import-linter's semantics.
///
/// Supported contract types: `forbidden` (with `allow_indirect_imports` and `as_packages`), `layers`
/// (with `containers`, optional `(layers)`, `|` and `:` siblings, `exhaustive`), `independence`,
/// `acyclic_siblings` and `protected`, each with `ignore_imports` (`*` and `**` wildcards) and
/// `unmatched_ignore_imports_alerting`.
struct ImportLinterConfig {
    var session: ImportLinterSession
    var rules: [RuleSpec]
    /// Contract ids written in the file: what `contract` (like `lint-imports --contract`) can select.
    /// TOML contracts without an `id` cannot be selected, as in import-linter.
    var selectableIDs: [String] = []

    /// One option's raw value: a string, or a list of lines.
    struct Option {
        var items: [String]
        var isList: Bool
        var line: Int
        /// Inherited from the INI `[DEFAULT]` section (an interpolation helper, not a contract option).
        var inherited = false
        var single: String { items.first ?? "" }
    }

    static func load(path: String, display: String) throws(ConfigError) -> ImportLinterConfig {
        let text: String
        do { text = try String(contentsOfFile: path, encoding: .utf8) } catch {
            throw .unreadable(path: display, reason: FileManager.default.fileExists(atPath: path) ? "not valid UTF-8 text" : "no such file")
        }
        let (sessionOptions, contracts, sectionLine) = path.hasSuffix(".toml")
            ? try fromTOML(text, file: display) : try fromINI(text, file: display)
        func loc(_ line: Int) -> SourceLocation { SourceLocation(file: display, line: line, column: 1) }
        var roots: [String] = []
        if let r = sessionOptions["root_packages"] { roots = r.items.filter { !$0.isEmpty } }
        if let r = sessionOptions["root_package"] {
            guard roots.isEmpty else { throw .invalidParameter(loc(r.line), key: "root_package", message: "set either 'root_package' or 'root_packages', not both") }
            roots = [r.single]
        }
        guard !roots.isEmpty else { throw .missingKey(loc(sectionLine), key: "root_packages", context: "the import-linter configuration") }
        if let t = sessionOptions["contract_types"] {
            throw .invalidParameter(loc(t.line), key: "contract_types", message: "custom contract types are Python code and cannot run in gate; remove them or run lint-imports through the 'command' verifier")
        }
        var session = ImportLinterSession(file: display, rootPackages: roots)
        session.includeExternal = try bool(sessionOptions["include_external_packages"], key: "include_external_packages", file: display) ?? false
        session.excludeTypeChecking = try bool(sessionOptions["exclude_type_checking_imports"], key: "exclude_type_checking_imports", file: display) ?? false
        guard !contracts.isEmpty else {
            throw .invalidParameter(loc(sectionLine), key: "contracts", message: "the configuration defines no contracts")
        }
        var rules: [RuleSpec] = []
        var ids: [String] = []
        for (id, options, line) in contracts {
            rules.append(try ImportLinterContract.rule(id: id, options: options, line: line, session: session))
            if options["id"] != nil || !path.hasSuffix(".toml") { ids.append(id) }
        }
        return ImportLinterConfig(session: session, rules: rules, selectableIDs: ids)
    }

    static func bool(_ o: Option?, key: String, file: String) throws(ConfigError) -> Bool? {
        guard let o else { return nil }
        switch o.single.lowercased() {
        case "true": return true
        case "false": return false
        default: throw .invalidValue(SourceLocation(file: file, line: o.line, column: 1), key: key, expected: "True or False", got: "'\(o.single)'")
        }
    }

    typealias Contracts = [(id: String, options: [String: Option], line: Int)]

    private static func fromINI(_ text: String, file: String) throws(ConfigError) -> ([String: Option], Contracts, Int) {
        let ini = try IniFile(text: text, file: file)
        guard let main = ini.section("importlinter") else {
            throw .invalidParameter(SourceLocation(file: file, line: 1, column: 1), key: "config", message: "no [importlinter] section; import-linter reads its options from there")
        }
        func options(_ s: IniFile.Section) throws(ConfigError) -> [String: Option] {
            var out: [String: Option] = [:]
            for k in s.keys {
                let v = s.values[k]!
                let text = try IniFile.interpolate(v.text, in: s, file: file, line: v.line)
                // import-linter: a value with newlines is a list of its lines.
                if text.contains("\n") {
                    let lines = text.trimmingCharacters(in: .whitespacesAndNewlines).components(separatedBy: "\n")
                        .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
                    out[k] = Option(items: lines, isList: true, line: v.line, inherited: s.inherited.contains(k))
                } else {
                    out[k] = Option(items: [text], isList: false, line: v.line, inherited: s.inherited.contains(k))
                }
            }
            return out
        }
        var contracts: Contracts = []
        for s in ini.sections where s.name.hasPrefix("importlinter:") {
            guard let sec = ini.section(s.name) else { continue }
            let id = String(s.name.split(separator: ":", omittingEmptySubsequences: false).last ?? "")
            contracts.append((id, try options(sec), s.line))
        }
        return (try options(main), contracts, main.line)
    }

    private static func fromTOML(_ text: String, file: String) throws(ConfigError) -> ([String: Option], Contracts, Int) {
        let doc = try TOMLReader.parse(text, file: file)
        guard case .table(let tool)? = doc["tool"]?.value, let node = tool["importlinter"], case .table(let main) = node.value else {
            throw .invalidParameter(SourceLocation(file: file, line: 1, column: 1), key: "config", message: "no [tool.importlinter] table; import-linter reads its options from there")
        }
        func options(_ t: TOMLTable) throws(ConfigError) -> [String: Option] {
            var out: [String: Option] = [:]
            for k in t.keys where k != "contracts" {
                let n = t[k]!
                switch n.value {
                case .string(let s): out[k] = Option(items: [s], isList: false, line: n.line)
                case .bool(let b): out[k] = Option(items: [b ? "True" : "False"], isList: false, line: n.line)
                case .integer(let v): out[k] = Option(items: [String(v)], isList: false, line: n.line)
                case .array(let items):
                    var strings: [String] = []
                    for item in items {
                        guard case .string(let s) = item.value else {
                            throw .invalidValue(SourceLocation(file: file, line: item.line, column: 1), key: k, expected: "a list of strings", got: "another value")
                        }
                        strings.append(s)
                    }
                    out[k] = Option(items: strings, isList: true, line: n.line)
                default:
                    throw .invalidValue(SourceLocation(file: file, line: n.line, column: 1), key: k, expected: "a string, a boolean or a list of strings", got: "another value")
                }
            }
            return out
        }
        var contracts: Contracts = []
        if let list = main["contracts"] {
            guard case .array(let items) = list.value else {
                throw .invalidValue(SourceLocation(file: file, line: list.line, column: 1), key: "contracts", expected: "an array of tables ([[tool.importlinter.contracts]])", got: "another value")
            }
            for (n, item) in items.enumerated() {
                guard case .table(let t) = item.value else {
                    throw .invalidValue(SourceLocation(file: file, line: item.line, column: 1), key: "contracts", expected: "tables", got: "another value")
                }
                let opts = try options(t)
                contracts.append((opts["id"]?.single ?? "contract-\(n + 1)", opts, item.line))
            }
        }
        return (try options(main), contracts, node.line)
    }
}
