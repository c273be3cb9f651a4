import Foundation
import GateCore
import GateTestSupport
import GRDB
import Testing
@testable import VerifierMigrations

@Suite struct BadInputTests {
    let files = ["migrations/0001_users.sql": "CREATE TABLE users (id INTEGER PRIMARY KEY);\n"]

    @Test func missingDatabase() async throws {
        let w = try Workspace(files: files)
        defer { w.remove() }
        let message = try #require(try await Check.error("database: nope.sqlite", root: w.path))
        #expect(message.contains("'nope.sqlite' does not exist"))
    }

    @Test func aFileThatIsNotSQLite() async throws {
        let w = try Workspace(files: files.merging(["history.sqlite": String(repeating: "not a database\n", count: 200)]) { a, _ in a })
        defer { w.remove() }
        let message = try #require(try await Check.error("database: history.sqlite", root: w.path))
        #expect(message.contains("'history.sqlite' is not a SQLite database"))
    }

    @Test func aLockedDatabase() async throws {
        let w = try Workspace(files: files)
        defer { w.remove() }
        try w.database("CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT, checksum TEXT, applied_at TEXT);")
        // Another connection holds an exclusive lock, as a running migration in rollback-journal mode does.
        var config = Configuration()
        config.allowsUnsafeTransactions = true
        let holder = try DatabaseQueue(path: w.file("history.sqlite"), configuration: config)
        try holder.inDatabase { try $0.execute(sql: "BEGIN EXCLUSIVE; INSERT INTO _migrations VALUES ('9', 'x', 'y', NULL);") }
        let message = try #require(try await Check.error("database: history.sqlite\nbusy-timeout: 200ms", root: w.path))
        #expect(message.contains("is locked by another connection (waited 200ms)"))
        try holder.inDatabase { try $0.execute(sql: "ROLLBACK") }
        #expect(try await Check.error("database: history.sqlite", root: w.path) == nil)
    }

    @Test func aMigrationThatIsNotUTF8() async throws {
        let w = try Workspace(files: files)
        defer { w.remove() }
        try w.writeBytes("migrations/0002_latin1.sql", Array("-- caf".utf8) + [0xE9] + Array("\nSELECT 1;\n".utf8))
        let message = try #require(try await Check.error("format: native", root: w.path))
        #expect(message.contains("'migrations/0002_latin1.sql' is not valid UTF-8 (byte 0xE9 at offset 6, line 1)"))
    }

    @Test func utf8CheckRejectsWhatStrictDecodersReject() {
        #expect(UTF8Validation.firstInvalidOffset(Array("héllo ✓ 😀".utf8)) == nil)
        #expect(UTF8Validation.firstInvalidOffset([0x61, 0xC0, 0x80]) == 1, "overlong")
        #expect(UTF8Validation.firstInvalidOffset([0xED, 0xA0, 0x80]) == 0, "surrogate")
        #expect(UTF8Validation.firstInvalidOffset([0xF4, 0x90, 0x80, 0x80]) == 0, "above U+10FFFF")
        #expect(UTF8Validation.firstInvalidOffset([0x61, 0x62, 0xE2, 0x9C]) == 2, "truncated")
    }

    @Test func anUnreadableMigration() async throws {
        let w = try Workspace(files: files)
        defer { w.remove() }
        // A directory where a file should be: read(2) fails, as it would for a file without permission.
        try FileManager.default.createDirectory(atPath: w.file("migrations/0002_oops.sql"), withIntermediateDirectories: true)
        let message = try #require(try await Check.error("format: native", root: w.path))
        #expect(message.contains("cannot read the migration 'migrations/0002_oops.sql'"))
    }

    @Test func aMissingDirectory() async throws {
        let w = try Workspace()
        defer { w.remove() }
        let message = try #require(try await Check.error("format: native\ndirectory: db/migrate", root: w.path))
        #expect(message.contains("the migrations directory 'db/migrate' does not exist"))
    }

    @Test func badParametersAreConfigErrorsNamingTheKey() throws {
        func configError(_ yaml: String) -> String? {
            do { _ = try Check.make(yaml, root: "/tmp"); return nil } catch { return error.description }
        }
        #expect(configError("format: liquibase")?.contains("format") == true)
        #expect(configError("format: liquibase")?.contains("'golang-migrate'") == true)
        #expect(configError("max-duration: soon")?.contains("max-duration") == true)
        #expect(configError("max-duration: 0s")?.contains("longer than zero") == true)
        #expect(configError("destructive: maybe")?.contains("destructive") == true)
        #expect(configError("dry-run: perhaps")?.contains("dry-run") == true)
        #expect(configError("databse: x.sqlite")?.contains("did you mean 'database'") == true)
        #expect(configError("table: ' '")?.contains("table") == true)
        #expect(configError("format: flyway\ndatabase: x.sqlite") == nil)
    }

    @Test func aHistoryTableWithoutTheColumnsTheFormatNeeds() async throws {
        let w = try Workspace(files: files)
        defer { w.remove() }
        try w.database("CREATE TABLE _migrations (id TEXT PRIMARY KEY, applied_at TEXT);")
        let message = try #require(try await Check.error("format: native\ndatabase: history.sqlite", root: w.path))
        #expect(message.contains("has no column 'name', 'checksum'"))
    }
}
