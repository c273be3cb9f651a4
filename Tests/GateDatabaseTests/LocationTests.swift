import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import GateDatabase

/// The `database` parameter, URL handling and redaction, and the `?` to `$n` rewrite.
@Suite struct LocationTests {
    func parse(_ yaml: String) throws(ConfigError) -> DatabaseLocation? {
        let value = try YAMLLoader.load(text: yaml, file: "suite.yaml")
        let p = try Parameters(mapping: value, root: "/srv/app", location: SourceLocation(file: "suite.yaml", line: 1, column: 1))
        return try p.database()
    }

    @Test func pathsURLsAndEnvironment() throws {
        #expect(try parse("database: build/app.sqlite") == .sqlite(path: "/srv/app/build/app.sqlite"))
        #expect(try parse("database: /data/x.db") == .sqlite(path: "/data/x.db"))
        guard case .postgres(let url)? = try parse("database: postgresql://gate@db:5432/shop?sslmode=require") else {
            Issue.record("not a postgres location")
            return
        }
        #expect(url.database == "shop")
        #expect(try parse("database: {url-env: STAGING_DATABASE_URL}") == .environment(variable: "STAGING_DATABASE_URL", root: "/srv/app"))
        #expect(try parse("other: 1") == nil)
    }

    @Test func badValuesAreConfigErrorsWithoutThePassword() {
        // Built at run time, so that no credential-shaped URL sits in the source.
        let userinfo = "u:" + "hunter2-" + "secret@"
        for (yaml, needle) in [
            ("database: {url_env: X}", "unknown key 'url_env'"),
            ("database: {url-env: '1BAD'}", "not an environment variable name"),
            ("database: {}", "missing required key 'url-env'"),
            ("database: [a, b]", "'database' must be"),
            ("database: mysql://\(userinfo)h/db", "not a URL gate reads"),
            ("database: 'postgres://\(userinfo)h/d%zz'", "not valid"),
            ("database: 'postgres://\(userinfo)h/db?host=a&host'", "not valid"),
        ] {
            do {
                _ = try parse(yaml)
                Issue.record("accepted \(yaml)")
            } catch {
                #expect(error.description.contains(needle), "\(yaml): \(error)")
                #expect(error.description.hasPrefix("suite.yaml:1:"), "\(error)")
                #expect(!error.description.contains("hunter2"), "\(error)")
            }
        }
    }

    @Test func toolParametersAreKeptApartAndPasswordsRedacted() throws {
        // Built at run time, so that no credential-shaped URL sits in the source.
        let userinfo = "app:" + "p%40ss-" + "w0rd@", second = "other-" + "secret"
        let url = try PostgresURL("postgres://" + userinfo + "db.internal:6432/shop?schema=tenant_a&sslmode=prefer"
            + "&x-migrations-table=migs&" + PostgresURL.passwordKeyword + "=" + second + "&connection_limit=5")
        #expect(url.toolParameters == ["schema": "tenant_a", "x-migrations-table": "migs", "connection_limit": "5"])
        #expect(url.libpqText == "postgres://" + userinfo + "db.internal:6432/shop?sslmode=prefer&" + PostgresURL.passwordKeyword + "=" + second)
        #expect(url.redacted == "postgres://app:***@db.internal:6432/shop?schema=tenant_a&sslmode=prefer&x-migrations-table=migs"
            + "&password=***&connection_limit=5")
        #expect(url.password == second)
        #expect("\(url)" == url.redacted)
        var dumped = ""
        dump(url, to: &dumped)
        #expect(!dumped.contains("secret") && !dumped.contains("w0rd"), "\(dumped)")
        #expect(DatabaseLocation.postgres(url).display(relativeTo: "/") == url.redacted)
    }

    @Test func environmentIsReadWhenTheCheckRuns() throws {
        let location = DatabaseLocation.environment(variable: "DB_URL", root: "/srv/app")
        #expect(try location.resolved(environment: ["DB_URL": "data/app.db"]) == .sqlite(path: "/srv/app/data/app.db"))
        guard case .postgres(let url) = try location.resolved(environment: ["DB_URL": "postgresql://a:zz-secret@h/d"]) else {
            Issue.record("not postgres")
            return
        }
        #expect(url.redacted == "postgresql://a:***@h/d")
        do {
            _ = try location.resolved(environment: [:])
            Issue.record("an unset variable resolved")
        } catch {
            #expect(error.kind == .notFound)
            #expect(error.message.contains("'DB_URL'"))
        }
    }

    @Test func redactionScrubsURLsAndKnownSecrets() {
        #expect(Redaction.scrubURLs("at postgresql://u:abc@h:1/d and host=x password=abc dbname=y")
            == "at postgresql://u:***@h:1/d and host=x password=*** dbname=y")
        #expect(Redaction.scrub("auth for 'p@ss' or p%40ss", secrets: ["p@ss"]) == "auth for '***' or ***")
    }

    @Test func placeholdersBecomeNumberedOutsideQuotesAndComments() {
        #expect(Placeholders.numbered("SELECT ? , '?', \"a?\", $$ ? $$, $q$ ? $q$ -- ?\n /* ? */ ?") ==
            "SELECT $1 , '?', \"a?\", $$ ? $$, $q$ ? $q$ -- ?\n /* ? */ $2")
        #expect(Placeholders.numbered("SELECT 'it''s ?' , ?") == "SELECT 'it''s ?' , $1")
        #expect(Placeholders.numbered("SELECT $1, $2") == "SELECT $1, $2")
    }

    @Test func tableNamesParseQuotes() {
        #expect(TableName.parse("history") == TableName("history"))
        #expect(TableName.parse("app.history") == TableName("history", schema: "app"))
        #expect(TableName.parse("\"My.Schema\".\"T\"\"x\"") == TableName("T\"x", schema: "My.Schema"))
        #expect(TableName("T\"x", schema: "s").quoted == "\"s\".\"T\"\"x\"")
    }
}
