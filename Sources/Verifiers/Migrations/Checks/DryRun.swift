import Dispatch
import Foundation
import GateCore

/// The dry run: applies the pending migrations, in order and each in its own transaction, to a scratch
/// copy of the database, and reports SQLite's message with the failing statement, and each migration's
/// duration against `max-duration`. A migration still running at `max-duration` is interrupted. The
/// first failure stops the run: later migrations usually depend on it.
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
    }

    let maxDuration: Duration
    /// What the migrations run on, for messages: "a SQLite copy of 'db.sqlite'" or "an empty SQLite database".
    var target = "a SQLite copy of the database"
    /// The database the tool's configuration targets, when it says ("PostgreSQL").
    var declaredDialect: String?

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
                let dialect = SQLDialect.foreign(in: item.statements, declared: declaredDialect)
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
