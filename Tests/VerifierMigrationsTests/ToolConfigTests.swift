import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierMigrations

/// Reading the tools' configuration files: the forms each tool's own examples use, and malformed input
/// that must lose keys, never crash.
@Suite struct ToolConfigTests {
    @Test func tomlSubsetReadsWhatSqlxAndCargoWrite() {
        // sqlx-core config/reference.toml writes ignored-chars with TOML escapes.
        let keys = ConfigText.toml("""
            # sqlx.toml
            [migrate]
            table-name = "foo._sqlx_migrations"
            migrations-dir = 'db/migrations'
            ignored-chars = [" ", "\\t", "\\r", "\\n",
                             "\\uFEFF"]  # BOM
            """)
        #expect(keys["migrate.table-name"]?.string == "foo._sqlx_migrations")
        #expect(keys["migrate.migrations-dir"]?.string == "db/migrations")
        #expect(keys["migrate.ignored-chars"]?.strings == [" ", "\t", "\r", "\n", "\u{FEFF}"])
        #expect(ProjectFiles.cargoDependsOnSqlx("[dependencies]\nsqlx = { version = \"0.8\", features = [\"postgres\"] }\n"))
        #expect(ProjectFiles.cargoDependsOnSqlx("[dependencies.sqlx]\nversion = \"0.8\"\n"))
        #expect(ProjectFiles.cargoDependsOnSqlx("[target.'cfg(unix)'.dev-dependencies]\nsqlx = \"0.8\"\n"))
        #expect(!ProjectFiles.cargoDependsOnSqlx("[dependencies]\nsqlx-core-like = \"1\"\n# sqlx = \"0.8\"\n"))
    }

    @Test func tomlSubsetSurvivesMalformedInput() {
        for text in ["[", "[\u{1B}", "a = \"unterminated", "= 1", "[x]\nk = [1, 2", "k = \"\\u12\"", "\u{0}", "a.b.c = {x = {"] {
            _ = ConfigText.toml(text)
        }
        #expect(ConfigText.toml("a = \"\\uZZZZ\"")["a"] == nil)
    }

    @Test func flywayConfAndToml() {
        let conf = FlywayConfigFile.properties("""
            # flyway.conf
            flyway.url=jdbc:postgresql://db/app\r
            flyway.locations=filesystem:sql,\\
              classpath:db/migration
            ! another comment
            flyway.outOfOrder = true
            """)
        #expect(conf["url"]?.string == "jdbc:postgresql://db/app")
        #expect(conf["locations"]?.strings == ["filesystem:sql", "classpath:db/migration"])
        #expect(conf["outOfOrder"]?.bool == true)
        let toml = FlywayConfigFile.tomlKeys("""
            [flyway]
            locations = ["filesystem:sql"]
            validateMigrationNaming = false

            [environments.prod]
            url = "jdbc:sqlite:prod.db"

            [environments.prod.flyway]
            validateMigrationNaming = true
            """, environment: "prod")
        #expect(toml["validateMigrationNaming"]?.bool == true)
        #expect(toml["url"]?.string == "jdbc:sqlite:prod.db")
        #expect(FlywaySettings().ignores("future"))
        #expect(!FlywaySettings().ignores("missing"))
        #expect(FlywaySettings(ignoreMigrationPatterns: ["versioned:missing"]).ignores("missing"))
        #expect(!FlywaySettings(ignoreMigrationPatterns: ["repeatable:missing"]).ignores("missing"))
    }

    @Test func atlasHCLEnvsAndExpressions() {
        // The shape of cmd/atlas cmdapi/project_test.go's project file, plus comments and expressions.
        let envs = AtlasConfigFile.parse("""
            locals { dir = "file://migrations" }
            /* block comment { not a block } */
            env "local" {
              url = "sqlite://dev.db" // trailing comment
              migration {
                dir = "file://migrations"
                exec_order = LINEAR_SKIP
                revisions_schema = "revisions"
              }
            }
            env "ci" {
              url = var.url
              migration {
                dir = local.dir
              }
            }
            """)
        #expect(envs.map(\.name) == ["local", "ci"])
        #expect(envs[0].migration == ["dir": "file://migrations", "exec_order": "LINEAR_SKIP", "revisions_schema": "revisions"])
        #expect(envs[1].url == "${var.url}")
        #expect(envs[1].migration["dir"] == "${local.dir}")
    }

    @Test func atlasSettingsNoteWhatCannotBeHonoured() throws {
        let dir = try TempDir("atlas-hcl")
        defer { dir.remove() }
        try dir.write(["atlas.hcl": "env \"a\" {\n migration { dir = \"file://m1\" }\n}\nenv \"b\" {\n migration { dir = \"file://m2\" }\n}\n"])
        let files = try ProjectFiles.discover(root: dir.path, explicit: nil)
        let unset = AtlasConfigFile.settings(files, environment: nil)
        #expect(unset.directory == nil)
        #expect(unset.notes.first?.contains("set 'environment'") == true)
        let chosen = AtlasConfigFile.settings(files, environment: "b")
        #expect(chosen.directory == dir.path + "/m2")
    }

    @Test func prismaFolderFromSchemaAndConfig() throws {
        let dir = try TempDir("prisma-config")
        defer { dir.remove() }
        try dir.write(["prisma/schema.prisma": "datasource db {\n  provider = \"postgresql\"\n  url = env(\"DATABASE_URL\")\n}\n"])
        var s = ToolConfigLoader.prisma(try ProjectFiles.discover(root: dir.path, explicit: nil))
        #expect(s.directory == dir.path + "/prisma/migrations")
        #expect(s.dialect == "PostgreSQL")
        try dir.write(["prisma.config.ts": "export default defineConfig({\n  migrations: {\n    path: 'db/migrations',\n  },\n})\n"])
        s = ToolConfigLoader.prisma(try ProjectFiles.discover(root: dir.path, explicit: nil))
        #expect(s.directory == dir.path + "/db/migrations")
    }

    @Test func hclSurvivesMalformedInput() {
        for text in ["{{{", "}}}", "env \"a", "env \"a\" { migration { dir = ", "/* never closed", "a = [1, {2", "\u{0}\u{1B}[", "= = ="] {
            _ = AtlasConfigFile.parse(text)
        }
        #expect(AtlasConfigFile.parse("env \"x\" {\n migration {\n dir = \"file://m\" + var.y\n }\n}").first?.migration["dir"]?
            .hasPrefix("${") == true)
    }

    @Test func flywayNamingFromItsConfiguration() {
        // resource/ResourceNameParser.parse with sqlMigrationPrefix M, separator '-', suffixes .pgsql and .sql.
        var naming = FlywaySettings()
        naming.sqlMigrationPrefix = "M"
        naming.sqlMigrationSeparator = "-"
        naming.sqlMigrationSuffixes = [".pgsql", ".sql"]
        #expect(FlywayFormat.parse("M1_2-add_users.PGSQL", naming)?.version == "1.2")
        #expect(FlywayFormat.parse("M1_2-add_users.PGSQL", naming)?.description == "add users")
        #expect(FlywayFormat.parse("R-views.sql", naming)?.version == nil)
        #expect(FlywayFormat.parse("R-views.sql", naming)?.description == "views")
        #expect(FlywayFormat.parse("V1__a.sql", naming) == nil)
    }

    @Test func sqlxRefusesAFolderWithANonNumericMigration() async throws {
        // sqlx-core migrate/source.rs resolve_blocking_with_config: "error parsing migration filename".
        let w = try Workspace(files: ["migrations/1_a.sql": "SELECT 1;\n", "migrations/notes_about.sql": "-- hi\n"])
        defer { w.remove() }
        let message = try #require(try await Check.error("format: sqlx", root: w.path))
        #expect(message.contains("'migrations/notes_about.sql' does not start with an integer version"))
    }

    @Test func historyTimesAsToolsWriteThem() {
        let base = HistoryTime.parse("2026-01-02 15:04:05+00:00")!
        #expect(HistoryTime.parse("2026-01-02T15:04:05Z") == base)
        #expect(HistoryTime.parse("2026-01-02 17:04:05.5+02:00")! - base == 0.5)
        #expect(HistoryTime.parse("2026-01-02 15:04:05.123456789+00:00")! > base)
        #expect(HistoryTime.seconds(.integer(1_767_366_245_000)) == 1_767_366_245)
        #expect(HistoryTime.parse("yesterday") == nil)
    }

    @Test func aToolConfigThatCannotBeReadIsAnError() async throws {
        let w = try Workspace(files: ["migrations/0001_a.sql": "SELECT 1;\n"])
        defer { w.remove() }
        let message = try #require(try await Check.error("tool-config: nope/flyway.conf", root: w.path))
        #expect(message.contains("cannot read the tool configuration 'nope/flyway.conf'"))
        let unknown = try #require(try await Check.error("tool-config: settings.yaml", root: w.path))
        #expect(unknown.contains("does not know how to read"))
    }
}
