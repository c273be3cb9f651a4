import Dispatch
import Foundation
import GateCore
import GateDatabase

/// The dry run: applies the pending migrations, in order and each in its own transaction, to a scratch
/// copy of the database (a SQLite copy, a scratch PostgreSQL database, or PostgreSQL's always-rolled-back
/// transaction), and reports the engine's message with the failing statement, each migration's duration
/// against `max-duration`, each statement's time, and on PostgreSQL the table locks statements take
/// (`LockCheck`). A migration still running at `max-duration` is interrupted. The first failure stops
/// the run: later migrations usually depend on it.
struct DryRun: Sendable {
    struct Report: Sendable {
        var findings: [Finding] = []
        /// Applied migrations and their durations, in order.
        var timings: [(path: String, duration: Duration)] = []
        /// Migrations not tried because an earlier one failed.
        var notTried: [String] = []
        /// The migration that failed or was stopped, if any.
        var stopped: String?
        var cancelled = false
        /// Every statement that ran, with its time, in order.
        var statements: [StatementTiming] = []
        /// Relation locks statements took (PostgreSQL, inside a transaction).
        var locks: [LockCheck.Taken] = []
    }

    struct StatementTiming: Sendable {
        var path: String
        var line: Int
        var duration: Duration
        var preview: String
    }

    let maxDuration: Duration
    /// What the migrations run on, for messages: "a SQLite copy of 'db.sqlite'" or "an empty SQLite database".
    var target = "a SQLite copy of the database"
    /// The database the tool's configuration targets, when it says ("PostgreSQL").
    var declaredDialect: String?
    /// The engine the migrations run on: the dialect hint is only for SQLite.
    var engine = DatabaseEngine.sqlite
    /// Lock warnings: the target's row estimates (`schema.table` → `pg_class.reltuples`) and the size from
    /// which an ACCESS EXCLUSIVE lock is a warning.
    var locks = LockCheck(estimates: [:], largeTable: 100_000)

    func run(_ items: [(file: MigrationFile, statements: [SQLStatement])], on scratch: any ScratchDatabase,
             progress: @escaping @Sendable (String) -> Void) async throws -> Report {
        let state = RunState()
        let report = await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<Report, Never>) in
                DispatchQueue.global().async {
                    done.resume(returning: self.applyAll(items, scratch, state, progress))
                }
            }
        } onCancel: {
            state.cancel()
            scratch.interrupt()
        }
        if report.cancelled { throw CancellationError() }
        return report
    }

    private func applyAll(_ items: [(file: MigrationFile, statements: [SQLStatement])], _ scratch: any ScratchDatabase,
                          _ state: RunState, _ progress: @Sendable (String) -> Void) -> Report {
        var report = Report()
        for (index, item) in items.enumerated() {
            if state.isCancelled { report.cancelled = true; return report }
            let file = item.file
            progress("dry run: applying \(index + 1) / \(items.count) '\(file.path)'")
            let transactional = !file.noTransaction && !item.statements.contains { $0.controlsTransaction }
            let generation = state.arm(after: maxDuration) { scratch.interrupt() }
            let outcome = scratch.apply(item.statements, transactional: transactional)
            let timedOut = state.disarm(generation)
            if state.isCancelled { report.cancelled = true; return report }
            record(outcome, file, item.statements, &report)
            let limit = DurationParsing.format(maxDuration)
            if timedOut || outcome.duration > maxDuration {
                report.findings.append(Finding(
                    rule: "migrations/too-slow",
                    message: "'\(file.path)' " + (timedOut
                        ? "did not finish within max-duration \(limit) on \(target) and was stopped"
                        : "took \(DurationParsing.format(outcome.duration)) on \(target), over max-duration \(limit)"),
                    path: file.path, identity: "too-slow \(file.name)",
                    evidence: ["maxDuration": limit, "duration": DurationParsing.format(outcome.duration)],
                    help: "split the migration, batch its data changes, or raise 'max-duration' if the lock time is acceptable"))
                if timedOut {
                    report.stopped = file.path
                    report.notTried = items[(index + 1)...].map(\.file.path)
                    return report
                }
            }
            if let failure = outcome.failure {
                let statement = failure.statement.map { item.statements[$0] } ?? item.statements.last
                let line = statement?.line
                let dialect = engine == .sqlite ? SQLDialect.foreign(in: item.statements, declared: declaredDialect) : nil
                var message = "'\(file.path)' fails on \(target)" + (line.map { " at line \($0)" } ?? "")
                    + ": \(failure.message)" + (statement.map { "; statement: \($0.preview)" } ?? "")
                var help = "fix the migration so it applies to the current schema; nothing was written to the real database"
                if let dialect {
                    message += ". The dry run uses SQLite, and this migration is written for \(dialect.name) (\(dialect.signs)), "
                        + "so the failure may be a dialect difference rather than a bug"
                    help = "run this check without 'dry-run' for \(dialect.name) migrations, or dry-run them on a \(dialect.name) "
                        + "copy of the database with the tool itself"
                }
                var evidence = ["sqlite": failure.message, "statement": statement?.preview ?? ""]
                evidence["dialect"] = dialect?.name
                report.findings.append(Finding(
                    rule: "migrations/dry-run-failed", message: message,
                    path: file.path, line: line, identity: "dry-run-failed \(file.name) \(failure.message)",
                    evidence: evidence, help: help))
                report.stopped = file.path
                report.notTried = items[(index + 1)...].map(\.file.path)
                return report
            }
            report.timings.append((file.path, outcome.duration))
        }
        return report
    }

    /// Statement times, locks, and the statements transaction mode did not run (a note each).
    private func record(_ outcome: ApplyOutcome, _ file: MigrationFile, _ statements: [SQLStatement], _ report: inout Report) {
        for run in outcome.statements {
            let statement = statements[run.index]
            report.statements.append(StatementTiming(path: file.path, line: statement.line, duration: run.duration,
                                                     preview: statement.preview))
            for lock in run.locks {
                report.locks.append(LockCheck.Taken(path: file.path, line: statement.line, table: lock.table, mode: lock.mode,
                                                    preview: statement.preview))
            }
        }
        for (index, reason) in outcome.skipped {
            let statement = statements[index]
            report.findings.append(Finding(
                rule: "migrations/not-dry-run", severity: .note,
                message: "'\(file.path)' line \(statement.line) was not run by the dry run: \(reason); it will run for real at "
                    + "deploy. Statement: \(statement.preview)",
                path: file.path, line: statement.line, identity: "not-dry-run \(file.name) \(statement.preview)",
                help: "use the default scratch dry run ('dry-run: true') to run it, or check it by hand"))
        }
    }
}

/// Cancellation and the per-migration watchdog, shared between the task and the worker thread.
private final class RunState: @unchecked Sendable {
    private let lock = NSLock()
    private var cancelled = false
    private var generation = 0
    private var fired = false

    var isCancelled: Bool { lock.withLock { cancelled } }

    func cancel() { lock.withLock { cancelled = true } }

    /// Runs `action` after `delay` unless `disarm` is called first; returns the generation to disarm.
    func arm(after delay: Duration, _ action: @escaping @Sendable () -> Void) -> Int {
        let g = lock.withLock { generation += 1; fired = false; return generation }
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(delay.milliseconds)) { [self] in
            // Under the lock, so that a late timer can never interrupt the next migration.
            lock.withLock {
                guard generation == g else { return }
                fired = true
                action()
            }
        }
        return g
    }

    /// Stops the timer; true when it had already fired.
    func disarm(_ g: Int) -> Bool {
        lock.withLock {
            let didFire = generation == g && fired
            generation += 1
            return didFire
        }
    }
}
