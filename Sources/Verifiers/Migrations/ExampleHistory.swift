import GRDB

/// Builds the small history databases the descriptor's examples need (gate explain shows the examples;
/// a test runs each through the real pipeline).
enum ExampleHistory {
    static let createUsers = "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);\n"

    /// `root/history.sqlite` with a native `_migrations` table: each applied migration (version → SQL as
    /// it was when applied) is run and recorded with its checksum.
    static func native(root: String, applied: [String: String]) throws {
        let queue = try DatabaseQueue(path: root + "/history.sqlite")
        try queue.write { db in
            try db.execute(sql: "CREATE TABLE _migrations (id TEXT PRIMARY KEY, name TEXT, checksum TEXT NOT NULL, applied_at TEXT)")
            for (version, sql) in applied.sorted(by: { $0.key < $1.key }) {
                try db.execute(sql: sql)
                try db.execute(
                    sql: "INSERT INTO _migrations VALUES (?, ?, ?, '2026-01-01T00:00:00Z')",
                    arguments: [version, "example", Checksums.sha256Hex(Array(sql.utf8))])
            }
        }
        try queue.close()
    }
}
