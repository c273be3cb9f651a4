import Foundation
import GateCore
import GateDatabase

/// Atlas's project file `atlas.hcl`: `env "<name>" { url = …  migration { dir, exec_order,
/// revisions_schema, baseline } }` (cmd/atlas cmdapi/project.go Env and Migration). Only literal values
/// are read; an expression (`${local.dir}`, `var.url`, `atlas.env`) becomes a note naming the attribute.
enum AtlasConfigFile {
    /// One `env` block: its label, its attributes and those of its `migration` block.
    struct Env: Equatable {
        var name: String
        var url: String?
        var migration: [String: String] = [:]
    }

    static func settings(_ files: ProjectFiles, environment: String?, engine: DatabaseEngine? = nil) -> ToolSettings {
        var s = ToolSettings()
        guard let config = files[.atlasHCL] else { return s }
        s.file = config.path
        let envs = parse(config.text)
        let chosen: Env?
        if let environment {
            chosen = envs.first { $0.name == environment }
            if chosen == nil {
                s.notes.append("\(config.path) has no env \"\(environment)\" (it has " + envs.map { "\"\($0.name)\"" }.joined(separator: ", ")
                    + "); gate uses Atlas's defaults")
            }
        } else if envs.count == 1 || Set(envs.map(\.migration)).count == 1 {
            chosen = envs.first
        } else {
            chosen = nil
            if !envs.isEmpty {
                s.notes.append("\(config.path) has several envs (" + envs.map { "\"\($0.name)\"" }.joined(separator: ", ")
                    + ") with different migration settings; set 'environment' to the one being deployed")
            }
        }
        guard let env = chosen else { return s }
        if let url = env.url { s.dialect = ToolConfigLoader.dialect(in: url) }
        for (key, value) in env.migration.sorted(by: { $0.key < $1.key }) where !["exclude", "lock_timeout", "repo"].contains(key) {
            guard !value.contains("${") else {
                s.notes.append("\(config.path): env \"\(env.name)\" migration \(key) = \(value) is an expression gate cannot evaluate")
                continue
            }
            switch key {
            case "dir":
                guard value.hasPrefix("file://") else {
                    s.notes.append("\(config.path): env \"\(env.name)\" migration dir '\(value)' is not a local folder (file://); "
                        + "gate reads 'directory'")
                    continue
                }
                s.directory = PathUtil.resolve(String(value.dropFirst(7)).components(separatedBy: "?").first ?? "",
                                               against: PathUtil.dirname(files.root + "/" + config.path))
            case "exec_order":
                if let order = AtlasExecOrder(rawValue: value.uppercased().replacingOccurrences(of: "-", with: "_")) {
                    s.atlasExecOrder = order
                } else {
                    s.notes.append("\(config.path): exec_order '\(value)' is not one Atlas knows (LINEAR, LINEAR_SKIP, NON_LINEAR)")
                }
            case "revisions_schema":
                s.revisionsSchema = value
                // cmd/atlas/internal/migrate NewEntRevisions: with SQLite only "main" is allowed.
                if value != "main", engine != .postgres {
                    s.notes.append("\(config.path): revisions_schema '\(value)' names a schema; Atlas keeps SQLite revisions in "
                        + "'main', where gate reads them")
                }
            case "baseline":
                s.notes.append("\(config.path): baseline '\(value)' only matters on a database without revisions; gate reads "
                    + "the baseline revision Atlas wrote")
            case "format" where value != "atlas":
                s.notes.append("\(config.path): migration format = \(value) makes Atlas read another tool's folder layout; "
                    + "set 'format: \(value)' for gate to do the same")
            default:
                continue
            }
        }
        return s
    }

    /// The `env` blocks of an HCL file, with literal attribute values (strings unquoted, identifiers as
    /// written, other expressions as their text).
    static func parse(_ text: String) -> [Env] {
        var tokens = HCLTokens(Array(text.utf8))
        var envs: [Env] = []
        var path: [String] = []  // open blocks: "env:<name>", "migration", others
        var current: Env?
        var words: [String] = []
        while let t = tokens.next() {
            switch t {
            case .open:
                let type = words.first ?? ""
                if type == "env", path.isEmpty {
                    current = Env(name: words.count > 1 ? words[1] : "(unnamed)")
                    path.append("env")
                } else {
                    path.append(type)
                }
                words = []
            case .close:
                if path.popLast() == "env", path.isEmpty, let env = current {
                    envs.append(env)
                    current = nil
                }
                words = []
            case .assign(let key, let value):
                if path == ["env"], key == "url" { current?.url = value }
                if path == ["env", "migration"] { current?.migration[key] = value }
                words = []
            case .word(let w):
                words.append(w)
            case .newline:
                words = []
            }
        }
        return envs
    }
}
