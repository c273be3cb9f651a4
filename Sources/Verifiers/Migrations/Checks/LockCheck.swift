import GateCore

/// Which tables a pending migration locks, from the dry run on PostgreSQL: the relation locks each
/// statement took that its transaction did not hold before (`pg_locks`). An ACCESS EXCLUSIVE lock on a
/// table whose row estimate (`pg_class.reltuples` on the target) reaches `large-table` is a warning:
/// every read and write of that table waits until the migration commits, and on a large table a rewrite
/// (`ALTER COLUMN … TYPE`, `ADD COLUMN … DEFAULT volatile()`) or a validation can take minutes.
struct LockCheck: Sendable {
    struct Taken: Sendable {
        var path: String
        var line: Int
        /// `schema.table`.
        var table: String
        /// As pg_locks names it: `AccessExclusiveLock`, `ShareLock`...
        var mode: String
        var preview: String
    }

    /// `schema.table` → `reltuples` on the target; -1 when never analyzed.
    var estimates: [String: Int64]
    var largeTable: Int64

    /// `AccessExclusiveLock` → `ACCESS EXCLUSIVE`, as the manual and `LOCK TABLE` write it.
    static func modeName(_ mode: String) -> String {
        var words: [String] = [], current = ""
        for c in mode.replacingOccurrences(of: "Lock", with: "") {
            if c.isUppercase, !current.isEmpty { words.append(current); current = "" }
            current.append(c)
        }
        if !current.isEmpty { words.append(current) }
        return words.joined(separator: " ").uppercased()
    }

    func findings(_ taken: [Taken]) -> [Finding] {
        var out: [Finding] = []
        var seen = Set<String>()
        for t in taken where t.mode == "AccessExclusiveLock" {
            guard let rows = estimates[t.table], rows >= largeTable, seen.insert("\(t.path) \(t.table)").inserted else { continue }
            out.append(Finding(
                rule: "migrations/lock", severity: .warning,
                message: "'\(t.path)' line \(t.line) takes an ACCESS EXCLUSIVE lock on '\(t.table)' (about \(rows.formatted()) rows, "
                    + "pg_class.reltuples on the target): every read and write of the table waits until the migration commits. "
                    + "Statement: \(t.preview)",
                path: t.path, line: t.line, identity: "lock \(t.path) \(t.table)",
                evidence: ["table": t.table, "lock": "ACCESS EXCLUSIVE", "rowEstimate": String(rows)],
                help: "run it when traffic allows, set a short lock_timeout in the migration, or use a form that locks less "
                    + "(CREATE INDEX CONCURRENTLY, ADD CONSTRAINT … NOT VALID then VALIDATE, a new column filled in batches)"))
        }
        return out
    }

    /// One line per lock, for the check's log.
    func logLines(_ taken: [Taken]) -> [String] {
        taken.map { t in
            let rows = estimates[t.table].map { $0 < 0 ? "rows unknown (never analyzed)" : "about \($0) rows" } ?? "a new table"
            return "dry run: '\(t.path)' line \(t.line) locks '\(t.table)' \(Self.modeName(t.mode)) (\(rows))"
        }
    }
}
