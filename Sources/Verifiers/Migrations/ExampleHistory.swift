import GRDB

/// Builds the small history databases the descriptor's examples need (gate explain shows the examples;
/// a test runs each through the real pipeline).
enum ExampleHistory {
    static let createUsers = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"

    /// `root/history.sqlite` with a native `_migrations` table: each applied migration (`0001_name` → SQL
    /// as it was when applied) is run and recorded with its name and checksum.
    static func native(root: String, applied: [String: String]) throws {
        let queue = try DatabaseQueue(path: root + "/history.sqlite")
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT, checksum TEXT NOT NULL, applied_at TEXT)")
            for (key, sql) in applied.sorted(by: { $0.key < $1.key }) {
                let parts = key.split(separator: "_", maxSplits: 1).map(String.init)
                try db.execute(sql: sql)
                try db.execute(
                    sql: "INSERT INTO _migrations VALUES (?, ?, ?, '2026-01-01T00:00:00Z')",
                    arguments: [parts[0], parts.count > 1 ? parts[1] : "", Checksums.sha256Hex(Array(sql.utf8))])
            }
        }
        try queue.close()
    }

    /// `root/history.sqlite` with the `_prisma_migrations` table Prisma writes on SQLite: each applied
    /// folder's checksum, with start and finish times as integer milliseconds.
    static func prisma(root: String, applied: [String: String]) throws {
        let queue = try DatabaseQueue(path: root + "/history.sqlite")
        try queue.write { db in
            try db.execute(sql: """
                CREATE TABLE "_prisma_migrations" ("id" TEXT PRIMARY KEY NOT NULL, "checksum" TEXT NOT NULL,
                  "finished_at" DATETIME, "migration_name" TEXT NOT NULL, "logs" TEXT, "rolled_back_at" DATETIME,
                  "started_at" DATETIME NOT NULL DEFAULT current_timestamp, "applied_steps_count" INTEGER UNSIGNED NOT NULL DEFAULT 0)
                """)
            for (i, (name, sql)) in applied.sorted(by: { $0.key < $1.key }).enumerated() {
                try db.execute(
                    sql: "INSERT INTO _prisma_migrations VALUES (?, ?, ?, ?, NULL, NULL, ?, 1)",
                    arguments: ["example-\(i)", Checksums.sha256Hex(Array(sql.utf8)), 1_767_225_600_040 + i * 1000, name,
                                1_767_225_600_000 + i * 1000])
            }
        }
        try queue.close()
    }
}
