import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierMigrations

/// Where each tool keeps its history on PostgreSQL: schemas from the URL, the tool's configuration and
/// `search_path`, each as the tool's own code decides (the file named beside each case).
@Suite struct PostgresHistoryTests {
    /// Three migrations applied by `format`, the history written by `sql` into a new database.
    func run(_ format: String, sql: String, with: String = "", url: (String) -> String = { $0 }, files: [String: String] = [:])
        async throws -> (CheckOutcome?, String?) {
        let pg = try await PostgresCluster.require()
        var setup = MatrixSetup(format)
        setup.withDatabase = false
        setup.rootFiles = files
        let w = try setup.build()
        defer { w.remove() }
        let db = try await pg.createDatabase("hist_\(format)")
        defer { pg.dropDatabase(db) }
        try await pg.psql(sql, database: db)
        let yaml = "format: \(format)\ndatabase: '\(url(pg.socketURL(database: db)))'" + (with.isEmpty ? "" : "\n" + with)
        do {
            return (try await Check.run(yaml, root: w.path), nil)
        } catch let e as VerifierError {
            return (nil, e.message)
        }
    }

    /// Read from the right table: no findings, and every migration applied (golang-migrate keeps one row).
    func clean(_ outcome: CheckOutcome?, _ error: String?, _ comment: Comment, applied: Int = 3) {
        #expect(error == nil, "\(comment): \(error ?? "")")
        #expect(outcome?.findings.isEmpty == true, "\(comment): \(outcome?.findings.map(\.message) ?? [])")
        #expect(outcome?.stats["applied"] == .int(applied), "\(comment): \(outcome?.summary ?? "")")
        #expect(outcome?.stats["pending"] == .int(0), "\(comment): \(outcome?.summary ?? "")")
    }

    @Test func prismaReadsTheSchemaOfTheURL() async throws {
        // psl PostgresUrl schema(): the datasource URL's ?schema=, "public" by default.
        let sql = PostgresHistories.prisma(ToolHistories.base, failLast: false, schema: "tenant_a")
        let (o, e) = try await run("prisma", sql: sql, url: { $0 + "&schema=tenant_a" })
        clean(o, e, "?schema=tenant_a")
        // Without it Prisma would look in public, where there is none: a clear error, not "nothing applied".
        let (_, error) = try await run("prisma", sql: sql)
        #expect(error?.contains("not in schema 'public'") == true, "\(error ?? "no error")")
        #expect(error?.contains("'tenant_a' has one") == true, "\(error ?? "")")
    }

    @Test func flywayReadsDefaultSchemaOrTheFirstOfSchemas() async throws {
        // SchemaHistoryFactory.prepareSchemas: defaultSchema, else schemas[0]; Flyway quotes the names.
        let inApp = "CREATE SCHEMA \"App\";\n" + PostgresHistories.flyway(ToolHistories.base, failLast: false, table: "flyway_schema_history")
            .replacingOccurrences(of: "\"public\".", with: "\"App\".")
            .replacingOccurrences(of: "INSERT INTO \"flyway_schema_history\"", with: "INSERT INTO \"App\".\"flyway_schema_history\"")
        let (o, e) = try await run("flyway", sql: inApp, files: ["flyway.conf": "flyway.defaultSchema=App\n"])
        clean(o, e, "defaultSchema=App")
        let (p, f) = try await run("flyway", sql: inApp, files: ["flyway.toml": "[environments.default]\nschemas = [\"App\", \"public\"]\n"])
        clean(p, f, "schemas = [App, public]")
    }

    @Test func atlasReadsItsRevisionsSchema() async throws {
        // cmdapi/migrate.go revisionSchemaName: the revisions_schema flag, the URL's schema, else atlas_schema_revisions.
        let (o, e) = try await run("atlas", sql: PostgresHistories.atlas(ToolHistories.base, failLast: false))
        clean(o, e, "default schema")
        let bound = PostgresHistories.atlas(ToolHistories.base, failLast: false, schema: "app")
        let (p, f) = try await run("atlas", sql: bound, url: { $0 + "&search_path=app" })
        clean(p, f, "?search_path=app")
        let (q, g) = try await run("atlas", sql: PostgresHistories.atlas(ToolHistories.base, failLast: false, schema: "revs"),
                                   files: ["atlas.hcl": "env \"prod\" {\n  migration {\n    dir = \"file://migrations\"\n    revisions_schema = \"revs\"\n  }\n}\n"])
        clean(q, g, "revisions_schema = revs")
        #expect(q?.findings("migrations/tool-config").isEmpty == true)
    }

    @Test func golangMigrateReadsXMigrationsTable() async throws {
        // database/postgres/postgres.go: x-migrations-table is one identifier in CURRENT_SCHEMA(); quoted, it may
        // name a schema.
        let custom = PostgresHistories.golangMigrate(ToolHistories.base, failLast: false, table: "\"my_versions\"")
        let (o, e) = try await run("golang-migrate", sql: custom, url: { $0 + "&x-migrations-table=my_versions" })
        clean(o, e, "x-migrations-table=my_versions", applied: 1)
        let quoted = "CREATE SCHEMA migs;\n" + PostgresHistories.golangMigrate(ToolHistories.base, failLast: true, table: "\"migs\".\"versions\"")
        let (p, f) = try await run("golang-migrate", sql: quoted,
                                   url: { $0 + "&x-migrations-table-quoted=1&x-migrations-table=%22migs%22.%22versions%22" })
        #expect(f == nil, "\(f ?? "")")
        #expect(p?.rulesFound == ["migrations/failed"], "\(p?.findings.map(\.message) ?? [])")
    }

    @Test func sqlxTableNameMayNameASchema() async throws {
        // sqlx-postgres migrate.rs ensure_migrations_table puts table-name into the SQL as written.
        let sql = "CREATE SCHEMA app;\n" + PostgresHistories.sqlx(ToolHistories.base, failLast: false, ignoredChars: [])
            .replacingOccurrences(of: "_sqlx_migrations", with: "app._sqlx_migrations")
        let (o, e) = try await run("sqlx", sql: sql, files: ["sqlx.toml": "[migrate]\ntable-name = \"app._sqlx_migrations\"\n"])
        clean(o, e, "table-name = app._sqlx_migrations")
        #expect(o?.findings("migrations/tool-config").isEmpty == true, "no SQLite note on PostgreSQL")
    }

    @Test func searchPathAndQualifiedTableParameter() async throws {
        let sql = "CREATE SCHEMA app; SET search_path = app;\n" + PostgresHistories.native(ToolHistories.base, failLast: false)
        let (o, e) = try await run("native", sql: sql, url: { $0 + "&options=-csearch_path%3Dapp" })
        clean(o, e, "search_path=app from the URL's options")
        let (p, f) = try await run("native", sql: sql, with: "table: app._migrations")
        clean(p, f, "table: app._migrations")
    }

    @Test func autoDetectsTheToolFromItsTable() async throws {
        let (o, e) = try await run("auto", sql: PostgresHistories.sqlx(ToolHistories.base, failLast: false, ignoredChars: []),
                                   files: ["migrations/10_a.sql": ToolHistories.base[0].sql])
        #expect(e == nil, "\(e ?? "")")
        #expect(o?.stats["format"] == .string("sqlx"), "\(o?.summary ?? "")")
    }
}
