import GateCore
import GRDB

/// Builds the small history databases the descriptor's examples need (gate explain shows the examples;
/// a test runs each through the real pipeline).
enum ExampleHistory {
    static let createUsers = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"

    /// `root/history.sqlite` with a native `_migrations` table: each applied migration (`0001_name` → SQL
    /// as it was when applied) is run and recorded with its name and checksum.
    static func native(root: String, applied: [String: String]) throws {
        try create(root, nativeSQL(applied))
    }

    /// The SQL behind `native`, which `gate explain` prints as a sqlite3 here-document.
    static func nativeSQL(_ applied: [String: String]) -> String {
        var sql = "CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT, checksum TEXT NOT NULL, applied_at TEXT);\n"
        for (key, body) in applied.sorted(by: { $0.key < $1.key }) {
            let parts = key.split(separator: "_", maxSplits: 1).map(String.init)
            sql += body + (body.hasSuffix("\n") ? "" : "\n")
            sql += "INSERT INTO _migrations VALUES ('\(parts[0])', '\(parts.count > 1 ? parts[1] : "")', "
                + "'\(Checksums.sha256Hex(Array(body.utf8)))', '2026-01-01T00:00:00Z');\n"
        }
        return sql
    }

    /// `root/history.sqlite` with the `_prisma_migrations` table Prisma writes on SQLite: each applied
    /// folder's checksum, with start and finish times as integer milliseconds.
    static func prisma(root: String, applied: [String: String]) throws {
        try create(root, prismaSQL(applied))
    }

    /// The SQL behind `prisma`, which `gate explain` prints as a sqlite3 here-document.
    static func prismaSQL(_ applied: [String: String]) -> String {
        var sql = """
            CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL,
              "finished_at" DATETIME, "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
              "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0);

            """
        for (i, (name, body)) in applied.sorted(by: { $0.key < $1.key }).enumerated() {
            sql += "INSERT INTO _prisma_migrations VALUES ('example-\(i)', '\(Checksums.sha256Hex(Array(body.utf8)))', "
                + "\(1_767_225_600_040 + i * 1000), '\(name)', NULL, NULL, \(1_767_225_600_000 + i * 1000), 1);\n"
        }
        return sql
    }

    /// The shell form of `native` or `prisma`: the same SQL fed to the sqlite3 command-line shell.
    static func shell(_ sql: String) -> String { ExampleShell.sqlite("history.sqlite", sql) }

    private static func create(_ root: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: root + "/history.sqlite")
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }
}
