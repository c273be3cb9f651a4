import Foundation
import GateCore
import GateDatabase

/// Turns the tool's configuration file into `ToolSettings` for the format in use. Each tool reads its
/// own file: sqlx `sqlx.toml` (sqlx-core config/migrate.rs), Flyway `flyway.conf`/`flyway.toml`
/// (configuration/models/FlywayModel), Atlas `atlas.hcl` (cmd/atlas cmdapi/project.go Migration),
/// Prisma `schema.prisma` and `prisma.config.ts` (internals cli/directoryConfig.ts inferDirectoryConfig).
enum ToolConfigLoader {
    /// `engine` is the history database's (nil without one): schemas only exist on PostgreSQL.
    static func settings(for format: FormatName, files: ProjectFiles, environment: String?, engine: DatabaseEngine? = nil)
        -> ToolSettings {
        switch format {
        case .sqlx: sqlx(files, engine: engine)
        case .flyway: FlywayConfigFile.settings(files, environment: environment)
        case .atlas: AtlasConfigFile.settings(files, environment: environment, engine: engine)
        case .prisma: prisma(files)
        case .golangMigrate, .native, .auto: .none
        }
    }

    static func sqlx(_ files: ProjectFiles, engine: DatabaseEngine? = nil) -> ToolSettings {
        var s = ToolSettings()
        if let cargo = files[.cargoToml] {
            s.dialect = dialect(in: cargo.text.lowercased())
        }
        guard let config = files[.sqlxToml] else { return s }
        s.file = config.path
        let keys = ConfigText.toml(config.text)
        let base = PathUtil.dirname(files.root + "/" + config.path)
        if let dir = keys["migrate.migrations-dir"]?.string { s.directory = PathUtil.resolve(dir, against: base) }
        if let table = keys["migrate.table-name"]?.string {
            // sqlx-core config/migrate.rs: the name goes into the SQL as written, so 'app.migrations' is
            // schema-qualified on PostgreSQL (sqlx-postgres migrate.rs ensure_migrations_table).
            s.table = table
            let name = TableName.parse(table)
            if name.schema != nil, engine != .postgres {
                s.notes.append("\(config.path): [migrate] table-name '\(table)' names a schema; gate reads '\(name.name)' in the SQLite file")
            }
        }
        for c in keys["migrate.ignored-chars"]?.strings ?? [] {
            // sqlx takes each entry as one char; a longer string is a config error to sqlx.
            if c.unicodeScalars.count == 1 { s.ignoredChars.insert(c.unicodeScalars.first!) } else {
                s.notes.append("\(config.path): [migrate] ignored-chars entry '\(c)' is not one character; sqlx refuses it")
            }
        }
        return s
    }

    static func prisma(_ files: ProjectFiles) -> ToolSettings {
        var s = ToolSettings()
        if let schema = files[.schemaPrisma] {
            s.file = schema.path
            s.directory = PathUtil.resolve("migrations", against: PathUtil.dirname(files.root + "/" + schema.path))
            if let provider = firstMatch(#"datasource\s+\w+\s*\{[^}]*?provider\s*=\s*"([^"]+)""#, in: schema.text) {
                s.dialect = dialect(in: provider)
            }
        }
        if let config = files[.prismaConfig] {
            s.file = s.file.map { $0 + ", " + config.path } ?? config.path
            let base = PathUtil.dirname(files.root + "/" + config.path)
            if let path = firstMatch(#"migrations\s*:\s*\{[^}]*?path\s*:\s*["'`]([^"'`$]+)["'`]"#, in: config.text) {
                s.directory = PathUtil.resolve(path, against: base)
            } else if config.text.contains("migrations") {
                s.notes.append("\(config.path) sets 'migrations' in a way gate cannot evaluate (it does not run TypeScript); "
                    + "set 'directory' to the migrations folder")
            }
        }
        return s
    }

    /// The database a URL, a driver feature or a provider names, for the dry run's dialect hint.
    static func dialect(in text: String) -> String? {
        let t = text.lowercased()
        if t.contains("postgres") || t.contains("cockroach") { return "PostgreSQL" }
        if t.contains("mysql") || t.contains("mariadb") { return "MySQL" }
        if t.contains("sqlserver") || t.contains("mssql") { return "SQL Server" }
        return nil
    }

    static func firstMatch(_ pattern: String, in text: String) -> String? {
        guard let re = try? NSRegularExpression(pattern: pattern, options: [.dotMatchesLineSeparators]),
              let m = re.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)), m.numberOfRanges > 1,
              let r = Range(m.range(at: 1), in: text) else { return nil }
        return String(text[r])
    }
}
