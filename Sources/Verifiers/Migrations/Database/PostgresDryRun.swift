import Foundation
import GateCore
import GateDatabase

/// The dry run's database on PostgreSQL, in one of two modes:
///
/// - **scratch** (the default): a database of its own, `gate_dry_run_<time>_<id>`, made with
///   `CREATE DATABASE … TEMPLATE <target>` when PostgreSQL allows it (nobody else connected to the target,
///   the CREATEDB privilege), else from `pg_dump --schema-only` of the target restored with psql. Each
///   migration runs as its tool would run it (in a transaction unless it opts out), and the database is
///   dropped afterwards (`discard`), on failure and on Ctrl-C too.
/// - **transaction** (`dry-run: transaction`, asked for explicitly): one transaction on the target itself,
///   always rolled back. Each migration runs inside a savepoint. Statements that cannot run in a
///   transaction (`CREATE INDEX CONCURRENTLY`, `VACUUM`, `ALTER TYPE … ADD VALUE` before PostgreSQL 12)
///   and statements that would end it (`COMMIT`, `BEGIN`) are not run, and are reported. A `lock_timeout`
///   keeps the dry run from queueing behind the application's transactions while it holds locks.
///
/// Either way each statement is timed, and inside a transaction the relation locks it took are read
/// from `pg_locks`, so that the dry run can say which tables a deploy would lock and how.
final class PostgresDryRun: ScratchDatabase, @unchecked Sendable {
    enum Mode: Sendable { case scratch, transaction }

    let mode: Mode
    /// Where migrations run: the scratch database, or the target inside the open transaction.
    let connection: any DatabaseConnection
    /// Scratch mode: the connection that created the scratch database and drops it.
    private let admin: (any DatabaseConnection)?
    let scratchName: String?
    /// How the scratch database was made, for the summary: "CREATE DATABASE … TEMPLATE" or "pg_dump --schema-only".
    let madeBy: String
    private let serverVersion: Int
    private let discarded = Locked(false)

    init(mode: Mode, connection: any DatabaseConnection, admin: (any DatabaseConnection)?, scratchName: String?, madeBy: String) {
        self.mode = mode
        self.connection = connection
        self.admin = admin
        self.scratchName = scratchName
        self.madeBy = madeBy
        serverVersion = connection.serverVersion
    }

    func interrupt() { connection.cancel() }

    func discard() {
        guard discarded.withLock({ let was = $0; $0 = true; return !was }) else { return }
        if mode == .transaction { try? connection.execute("ROLLBACK") }
        connection.close()
        if let admin, let scratchName {
            try? admin.execute("DROP DATABASE IF EXISTS \(TableName.quote(scratchName)) WITH (FORCE)")
            admin.close()
        }
    }

    func apply(_ statements: [SQLStatement], transactional: Bool) -> ApplyOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var outcome = ApplyOutcome(duration: .zero)
        // In transaction mode every migration is inside the one transaction, so locks are always visible.
        let inTransaction = mode == .transaction || transactional
        do throws(DatabaseFailure) {
            switch mode {
            case .transaction: try connection.execute("SAVEPOINT gate_dry_run")
            case .scratch: if transactional { try connection.execute("BEGIN") }
            }
            var held = inTransaction ? try locks() : []
            for (i, statement) in statements.enumerated() {
                if let reason = PostgresStatements.notRun(statement, mode: mode, serverVersion: serverVersion) {
                    outcome.skipped.append((i, reason))
                    continue
                }
                let began = clock.now
                do throws(DatabaseFailure) {
                    try connection.execute(statement.text)
                } catch {
                    outcome.failure = (i, error.message)
                    outcome.interrupted = error.kind == .cancelled || error.kind == .timeout
                    break
                }
                var run = StatementRun(index: i, duration: clock.now - began)
                if inTransaction {
                    let now = try locks()
                    run.locks = now.filter { !held.contains($0) }.map { ($0.table, $0.mode) }.sorted { $0.table < $1.table }
                    held = now
                }
                outcome.statements.append(run)
            }
            switch mode {
            case .transaction:
                try connection.execute(outcome.failure == nil ? "RELEASE SAVEPOINT gate_dry_run" : "ROLLBACK TO SAVEPOINT gate_dry_run")
            case .scratch:
                if transactional { try connection.execute(outcome.failure == nil ? "COMMIT" : "ROLLBACK") }
            }
        } catch {
            if outcome.failure == nil { outcome.failure = (nil, error.message) }
        }
        outcome.duration = clock.now - start
        return outcome
    }

    struct HeldLock: Hashable {
        var table: String
        var mode: String
    }

    /// The relation locks this session holds on ordinary tables (not the catalogs it reads itself).
    private func locks() throws(DatabaseFailure) -> Set<HeldLock> {
        var out = Set<HeldLock>()
        try connection.query("""
            SELECT n.nspname || '.' || c.relname, l.mode FROM pg_catalog.pg_locks l
            JOIN pg_catalog.pg_class c ON c.oid = l.relation JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace
            WHERE l.pid = pg_catalog.pg_backend_pid() AND l.locktype = 'relation' AND l.granted AND c.relkind IN ('r', 'p', 'm')
              AND n.nspname NOT IN ('pg_catalog', 'information_schema')
            """, []) { row in
            out.insert(HeldLock(table: row[0].text ?? "?", mode: row[1].text ?? "?"))
            return true
        }
        return out
    }
}

/// What transaction mode may not run, with the reason users read in the report.
enum PostgresStatements {
    static func notRun(_ s: SQLStatement, mode: PostgresDryRun.Mode, serverVersion: Int) -> String? {
        let words = s.tokens.filter { $0.kind == .word }.map(\.text)
        guard let first = words.first, mode == .transaction else { return nil }
        if ["BEGIN", "START", "COMMIT", "END", "ROLLBACK", "ABORT", "SAVEPOINT", "RELEASE"].contains(first)
            || (first == "PREPARE" && words.dropFirst().first == "TRANSACTION") {
            return "\(first) controls the transaction, and the dry run's transaction must never be committed"
        }
        let head = words.prefix(6)
        if head.contains("CONCURRENTLY") && ["CREATE", "DROP", "REINDEX"].contains(first) {
            return "\(head.prefix(while: { $0 != "CONCURRENTLY" }).joined(separator: " ")) CONCURRENTLY cannot run inside a transaction block"
        }
        if ["VACUUM", "CLUSTER"].contains(first) && (first == "VACUUM" || words.count == 1) {
            return "\(first) cannot run inside a transaction block"
        }
        if first == "ALTER", words.dropFirst().first == "SYSTEM" { return "ALTER SYSTEM cannot run inside a transaction block" }
        if ["CREATE", "DROP", "ALTER"].contains(first), let object = words.dropFirst().first, ["DATABASE", "TABLESPACE", "SUBSCRIPTION"].contains(object),
           !(first == "ALTER" && object == "DATABASE") {
            return "\(first) \(object) cannot run inside a transaction block"
        }
        if first == "ALTER", words.dropFirst().first == "TYPE", words.contains("ADD"), words.contains("VALUE"), serverVersion < 120000 {
            return "ALTER TYPE … ADD VALUE cannot run inside a transaction block before PostgreSQL 12"
        }
        return nil
    }
}
