import Foundation
import GateDatabase

/// What the tool's own configuration file says, where it changes gate's verdict: `sqlx.toml`,
/// `flyway.conf`/`flyway.toml`, `atlas.hcl`, `schema.prisma` (and `prisma.config.ts`).
///
/// Settings gate cannot honour become `notes` (each a `migrations/tool-config` note naming the setting),
/// never silently ignored.
struct ToolSettings: Sendable {
    /// The configuration file read, relative to the check's root; nil when none was found.
    var file: String?
    /// The migrations folder the configuration names (absolute); the `directory` parameter wins.
    var directory: String?
    /// The history table the configuration names (sqlx's may name a schema: `app._sqlx_migrations`); the
    /// `table` parameter wins.
    var table: String?
    /// PostgreSQL: the schema Flyway keeps its table in (`defaultSchema`, else the first of `schemas`).
    var schema: String?
    /// PostgreSQL: Atlas's `revisions_schema`.
    var revisionsSchema: String?
    /// Settings gate reads but cannot honour, each said in a sentence naming it.
    var notes: [String] = []
    /// The database the tool targets, when the configuration says ("PostgreSQL", "MySQL"): the dry run
    /// uses SQLite, so its failures may be dialect differences.
    var dialect: String?

    /// sqlx `[migrate] ignored-chars`: dropped before hashing.
    var ignoredChars: Set<Unicode.Scalar> = []
    var flyway = FlywaySettings()
    /// Atlas `migration { exec_order }`.
    var atlasExecOrder = AtlasExecOrder.linear

    static let none = ToolSettings()
}

/// The Flyway settings that change what `flyway validate`/`migrate` accept; defaults as Flyway's
/// configuration model sets them (FlywayModel.defaults()).
struct FlywaySettings: Sendable {
    var sqlMigrationPrefix = "V"
    var repeatableSqlMigrationPrefix = "R"
    var sqlMigrationSeparator = "__"
    var sqlMigrationSuffixes = [".sql"]
    /// `type:state` pairs; Flyway's default ignores applied migrations newer than every file.
    var ignoreMigrationPatterns = ["*:future"]
    var validateMigrationNaming = false
    var outOfOrder = false

    /// Whether Flyway's validate skips migrations in `state` ("future", "missing", "ignored", "pending")
    /// of the given kind, as ValidatePattern.matchesMigration decides.
    func ignores(_ state: String, versioned: Bool = true) -> Bool {
        ignoreMigrationPatterns.contains { pattern in
            let parts = pattern.split(separator: ":", omittingEmptySubsequences: false)
                .map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
            guard parts.count == 2, parts[1] == "*" || parts[1] == state else { return false }
            return parts[0] == "*" || parts[0] == (versioned ? "versioned" : "repeatable")
        }
    }
}

/// Atlas's execution order (`exec_order` in atlas.hcl, `--exec-order`): what `migrate apply` does with
/// a file added below the latest applied version (sql/migrate/migrate.go Executor.Pending).
enum AtlasExecOrder: String, Sendable {
    /// Refuses with HistoryNonLinearError (the default).
    case linear = "LINEAR"
    /// Skips the file without a word.
    case linearSkip = "LINEAR_SKIP"
    /// Applies it.
    case nonLinear = "NON_LINEAR"
}
