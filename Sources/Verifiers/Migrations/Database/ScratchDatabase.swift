import GateCore

/// What applying one migration to a scratch database did.
struct ApplyOutcome: Sendable {
    /// The failing statement's index and the engine's message.
    var failure: (statement: Int?, message: String)?
    var interrupted = false
    var duration: Duration
    /// Each statement that ran, with its time (PostgreSQL also records the locks it took).
    var statements: [StatementRun] = []
    /// Statements not run because they cannot run inside the dry run's transaction, with the reason.
    var skipped: [(statement: Int, reason: String)] = []
}

/// One statement of a migration as the dry run ran it.
struct StatementRun: Sendable {
    var index: Int
    var duration: Duration
    /// Relation locks the statement took that the transaction did not hold before: (table, lock mode).
    var locks: [(table: String, mode: String)] = []
}

/// A throwaway writable database the dry run applies pending migrations to.
protocol ScratchDatabase: AnyObject, Sendable {
    /// Runs `statements` in order, inside one transaction unless `transactional` is false, and stops at
    /// the first error (rolling the transaction back).
    func apply(_ statements: [SQLStatement], transactional: Bool) -> ApplyOutcome
    /// Stops the running statement from another thread (a timeout or Ctrl-C).
    func interrupt()
    /// Removes the copy (or rolls the target's transaction back).
    func discard()
}
