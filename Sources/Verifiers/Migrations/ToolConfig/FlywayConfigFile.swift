import Foundation
import GateCore
import GateDatabase

/// Flyway's configuration: `flyway.conf` (Java properties, `flyway.<key>=<value>`, lists separated by
/// commas) or `flyway.toml` (`[flyway]` keys, overridden by `[environments.<env>.flyway]`). Key names
/// are those of configuration/ConfigUtils.java; defaults those of FlywayModel.defaults().
enum FlywayConfigFile {
    static func settings(_ files: ProjectFiles, environment: String?) -> ToolSettings {
        var s = ToolSettings()
        guard let config = files[.flywayToml] ?? files[.flywayConf] else { return s }
        s.file = config.path
        let keys = config.path.hasSuffix(".toml") ? tomlKeys(config.text, environment: environment) : properties(config.text)
        func value(_ key: String) -> ConfigText.Value? { keys[key] }

        if let table = value("table")?.string { s.table = table }
        // SchemaHistoryFactory.prepareSchemas: defaultSchema, else the first of schemas.
        s.schema = value("defaultSchema")?.string ?? value("schemas")?.strings.first
        if let url = value("url")?.string { s.dialect = ToolConfigLoader.dialect(in: url) }
        var f = FlywaySettings()
        if let v = value("sqlMigrationPrefix")?.string { f.sqlMigrationPrefix = v }
        if let v = value("repeatableSqlMigrationPrefix")?.string { f.repeatableSqlMigrationPrefix = v }
        if let v = value("sqlMigrationSeparator")?.string { f.sqlMigrationSeparator = v }
        if let v = value("sqlMigrationSuffixes")?.strings, !v.isEmpty { f.sqlMigrationSuffixes = v }
        if let v = value("ignoreMigrationPatterns")?.strings { f.ignoreMigrationPatterns = v }
        // Flyway 7's switches, still read by older setups: they map onto ignore patterns.
        if value("ignoreMissingMigrations")?.bool == true { f.ignoreMigrationPatterns.append("*:missing") }
        if value("ignoreIgnoredMigrations")?.bool == true { f.ignoreMigrationPatterns.append("*:ignored") }
        if value("ignoreFutureMigrations")?.bool == false { f.ignoreMigrationPatterns.removeAll { $0 == "*:future" } }
        if let v = value("validateMigrationNaming")?.bool { f.validateMigrationNaming = v }
        if let v = value("outOfOrder")?.bool { f.outOfOrder = v }
        s.flyway = f

        if let locations = value("locations")?.strings, let first = locations.first {
            let (path, note) = directory(of: first)
            s.directory = PathUtil.resolve(path, against: files.root)
            if let note { s.notes.append("\(config.path): locations '\(first)' \(note)") }
            if locations.count > 1 {
                s.notes.append("\(config.path): locations lists \(locations.count) places; gate reads only '\(first)' "
                    + "(give one check per location)")
            }
        }
        for key in ["target", "cherryPick", "placeholders", "skipExecutingMigrations"] where keys.keys.contains(where: { $0 == key || $0.hasPrefix(key + ".") }) {
            s.notes.append("\(config.path): '\(key)' changes what Flyway runs, and gate does not honour it")
        }
        return s
    }

    /// `filesystem:db/migration` → `db/migration`; `classpath:db/migration` → Maven's
    /// `src/main/resources/db/migration`, with a note that this is a guess.
    static func directory(of location: String) -> (String, String?) {
        if location.hasPrefix("filesystem:") { return (String(location.dropFirst(11)), nil) }
        if location.hasPrefix("classpath:") {
            let rest = location.dropFirst(10).trimmingCharacters(in: CharacterSet(charactersIn: "/"))
            return ("src/main/resources/" + rest, "is on the Java classpath; gate reads 'src/main/resources/\(rest)'")
        }
        return (location, nil)
    }

    /// `flyway.key=value` lines; `#` and `!` comments, a trailing `\` continues the line.
    static func properties(_ text: String) -> [String: ConfigText.Value] {
        var out: [String: ConfigText.Value] = [:]
        var pending = ""
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            var line = pending + raw.trimmingCharacters(in: .whitespaces)
            pending = ""
            if line.hasSuffix("\\") {
                line.removeLast()
                pending = line
                continue
            }
            guard !line.isEmpty, !line.hasPrefix("#"), !line.hasPrefix("!"),
                  let sep = line.firstIndex(where: { $0 == "=" || $0 == ":" }) else { continue }
            let key = line[..<sep].trimmingCharacters(in: .whitespaces)
            let value = line[line.index(after: sep)...].trimmingCharacters(in: .whitespaces)
            guard key.hasPrefix("flyway.") else { continue }
            let items = value.split(separator: ",").map { ConfigText.Value.string($0.trimmingCharacters(in: .whitespaces)) }
            out[String(key.dropFirst(7))] = items.count == 1 ? items[0] : .list(items)
        }
        return out
    }

    /// `[flyway]` keys, then those of `[environments.<env>.flyway]` and the environment's `url`; the
    /// environment is the `environment` parameter, else `[flyway] environment`, else "default".
    static func tomlKeys(_ text: String, environment: String?) -> [String: ConfigText.Value] {
        let all = ConfigText.toml(text)
        var out: [String: ConfigText.Value] = [:]
        for (k, v) in all where k.hasPrefix("flyway.") { out[String(k.dropFirst(7))] = v }
        let env = environment ?? all["flyway.environment"]?.string ?? "default"
        for (k, v) in all where k.hasPrefix("environments.\(env).flyway.") {
            out[String(k.dropFirst("environments.\(env).flyway.".count))] = v
        }
        for key in ["url", "schemas", "defaultSchema"] {
            if let v = all["environments.\(env).\(key)"] { out[key] = v }
        }
        return out
    }
}
