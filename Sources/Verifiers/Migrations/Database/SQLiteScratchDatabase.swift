import Foundation
import GateCore
import GRDB

/// A temporary SQLite file the dry run writes to: a copy of the user's database (through SQLite's backup
/// API, which also picks up pages still in a WAL file), or an empty database when none was given.
/// It lives under gate's state directory (`.gate/tmp/`, on disk rather than a RAM-backed /tmp, since
/// production-sized copies can be large) and is removed by `discard()`.
final class SQLiteScratchDatabase: ScratchDatabase {
    let path: String
    let queue: DatabaseQueue

    private init(path: String, queue: DatabaseQueue) {
        self.path = path
        self.queue = queue
    }

    static func create(in directory: String) throws(VerifierError) -> SQLiteScratchDatabase {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw VerifierError("cannot create '\(directory)' for the dry run's scratch database: \(error.localizedDescription)")
        }
        let path = directory + "/gate-migrations-dry-run-\(UUID().uuidString).sqlite"
        var config = Configuration()
        config.label = "gate.migrations.dry-run"
        // Migration tools differ here; enforcing foreign keys is the stricter choice for a dry run.
        config.foreignKeysEnabled = true
        // apply() closes every transaction it or the script opens; this only keeps GRDB from trapping
        // should a ROLLBACK itself fail.
        config.allowsUnsafeTransactions = true
        do {
            return SQLiteScratchDatabase(path: path, queue: try DatabaseQueue(path: path, configuration: config))
        } catch {
            throw VerifierError("cannot create a scratch database for the dry run at '\(path)': \(error)")
        }
    }

    /// A copy of the SQLite file at `path`, through SQLite's backup API on a read-only connection of its own.
    static func copy(of path: String, display: String, in directory: String, busyTimeout: Duration) throws(VerifierError)
        -> SQLiteScratchDatabase {
        let scratch = try create(in: directory)
        do {
            var config = Configuration()
            config.readonly = true
            config.busyMode = .timeout(busyTimeout.timeInterval)
            let source = try DatabaseQueue(path: path, configuration: config)
            try source.backup(to: scratch.queue)
            try source.close()
        } catch {
            scratch.discard()
            let detail = (error as? DatabaseError)?.message ?? "\(error)"
            throw VerifierError("cannot copy '\(display)' for the dry run: \(detail)")
        }
        return scratch
    }

    func apply(_ statements: [SQLStatement], transactional: Bool) -> ApplyOutcome {
        let clock = ContinuousClock()
        let start = clock.now
        var failure: (statement: Int?, message: String)?
        var interrupted = false
        var runs: [StatementRun] = []
        do {
            try queue.inDatabase { db in
                if transactional { try db.execute(sql: "BEGIN") }
                for (i, statement) in statements.enumerated() {
                    if let reason = Self.refusal(statement) {
                        failure = (i, reason)
                        break
                    }
                    do {
                        let began = clock.now
                        try db.execute(sql: statement.text)
                        runs.append(StatementRun(index: i, duration: clock.now - began))
                    } catch let e as DatabaseError {
                        failure = (i, e.message ?? "\(e.resultCode)")
                        interrupted = e.resultCode == .SQLITE_INTERRUPT
                        break
                    }
                }
                if failure != nil {
                    if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                } else if db.isInsideTransaction {
                    do {
                        try db.execute(sql: "COMMIT")
                    } catch let e as DatabaseError {
                        // Deferred constraints (foreign keys) are checked here.
                        failure = (nil, "COMMIT failed: " + (e.message ?? "\(e.resultCode)"))
                        interrupted = e.resultCode == .SQLITE_INTERRUPT
                        if db.isInsideTransaction { try? db.execute(sql: "ROLLBACK") }
                    }
                }
            }
        } catch {
            failure = (nil, "\(error)")
        }
        return ApplyOutcome(failure: failure, interrupted: interrupted, duration: clock.now - start, statements: runs)
    }

    /// Statements that could write outside the scratch copy are not run.
    static func refusal(_ statement: SQLStatement) -> String? {
        let words = statement.tokens.filter { $0.kind == .word }.map(\.text)
        if words.first == "ATTACH" || (words.first == "VACUUM" && words.contains("INTO")) {
            return "gate does not run \(words.first!) in the dry run: it would write to a file outside the scratch copy"
        }
        return nil
    }

    func interrupt() { queue.interrupt() }

    func discard() {
        try? queue.close()
        for suffix in ["", "-journal", "-wal", "-shm"] { unlink(path + suffix) }
    }
}
