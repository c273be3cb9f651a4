import Foundation
import GateCore
import GRDB

/// Run history in `.gate/history.sqlite`: every run with its suite, commit, status and duration, and each
/// check's status, duration and finding counts. Bounded: after each run only the newest `retention` runs
/// of that suite are kept.
public final class HistoryStore: Sendable {
    public static let fileName = "history.sqlite"

    public let database: StateDatabase

    public static let migrations: [StateDatabase.Migration] = [
        StateDatabase.Migration("history-v1") { db in
            try db.execute(sql: """
                CREATE TABLE run (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    suite TEXT NOT NULL,
                    started_at REAL NOT NULL,
                    duration_ms INTEGER NOT NULL,
                    status TEXT NOT NULL,
                    exit_code INTEGER NOT NULL,
                    interrupted INTEGER NOT NULL,
                    git_commit TEXT
                );
                CREATE INDEX run_by_suite ON run(suite, started_at);
                CREATE TABLE check_run (
                    run_id INTEGER NOT NULL REFERENCES run(id) ON DELETE CASCADE,
                    check_id TEXT NOT NULL,
                    verifier TEXT NOT NULL,
                    status TEXT NOT NULL,
                    required INTEGER NOT NULL,
                    duration_ms INTEGER NOT NULL,
                    errors INTEGER NOT NULL,
                    warnings INTEGER NOT NULL,
                    notes INTEGER NOT NULL,
                    waived INTEGER NOT NULL,
                    PRIMARY KEY (run_id, check_id)
                );
                CREATE INDEX check_run_by_check ON check_run(check_id);
                """)
        },
        // Shard balancing reads durations from complete runs of really-run checks: a cached result takes
        // milliseconds, and a shard's run holds only its own checks (and would move the plan between the
        // shards of one pipeline if they shared the history).
        StateDatabase.Migration("history-v2-cache-shard") { db in
            try db.execute(sql: """
                ALTER TABLE check_run ADD COLUMN cached INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE run ADD COLUMN shard TEXT;
                """)
        },
        // What `gate history` needs to tell a change from a flake between two runs of one commit: the
        // waivers file, whether the tree had uncommitted changes, whether the run was partial (--only,
        // --tag, --skip: left out of pass rates and charts), and each check's configuration and inputs.
        StateDatabase.Migration("history-v3-explained-flips") { db in
            try db.execute(sql: """
                ALTER TABLE run ADD COLUMN partial INTEGER NOT NULL DEFAULT 0;
                ALTER TABLE run ADD COLUMN waivers_digest TEXT;
                ALTER TABLE run ADD COLUMN dirty INTEGER;
                ALTER TABLE check_run ADD COLUMN config_key TEXT;
                ALTER TABLE check_run ADD COLUMN input_key TEXT;
                """)
        },
    ]

    private init(_ database: StateDatabase) { self.database = database }

    /// Opens (creating) the history in `stateDirectory`.
    public static func open(stateDirectory: String) throws(StateDatabase.Failure) -> HistoryStore {
        // The log is kept on close (a run's last act is its history write) and checkpointed by the next
        // run while its checks run: `GateRun` calls `database.checkpoint()` after reading the trend.
        HistoryStore(try StateDatabase.open(directory: stateDirectory, name: fileName, migrations: migrations,
                                            keepLogOnClose: true))
    }

    /// Opens the history only when the file exists (for read-only commands that must not create state).
    public static func openExisting(stateDirectory: String) throws(StateDatabase.Failure) -> HistoryStore? {
        guard FileManager.default.fileExists(atPath: stateDirectory + "/" + fileName) else { return nil }
        return try open(stateDirectory: stateDirectory)
    }

    /// Records a run, then drops the oldest runs of its suite beyond `retention`. Returns the run's id.
    @discardableResult
    public func record(_ report: RunReport, retention: Int, facts: RunFacts = RunFacts()) throws -> Int64 {
        try database.write { db in
            try db.execute(
                sql: """
                    INSERT INTO run(suite, started_at, duration_ms, status, exit_code, interrupted, git_commit, shard,
                                    partial, waivers_digest, dirty)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [report.suite, report.startedAt.timeIntervalSince1970, report.durationMs,
                            report.status.rawValue, Int(report.exitCode), report.interrupted, report.commit,
                            report.shard.map { "\($0.index)/\($0.count)" }, report.partial != nil,
                            facts.waiversDigest, facts.dirty])
            let id = db.lastInsertedRowID
            // One statement compiled once for every check (execute(sql:) would compile it per row).
            let insert = try db.makeStatement(sql: """
                INSERT INTO check_run(run_id, check_id, verifier, status, required, duration_ms, errors,
                                      warnings, notes, waived, cached, config_key, input_key)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for c in report.checks {
                let counts = c.findingCounts
                try insert.execute(arguments: [id, c.id, c.verifier, c.status.rawValue, c.required, c.durationMs,
                                               counts[.error] ?? 0, counts[.warning] ?? 0, counts[.note] ?? 0,
                                               c.findings.filter(\.waived).count, c.cached == true,
                                               facts.configKeys[c.id], c.cache?.key])
            }
            try db.execute(
                sql: """
                    DELETE FROM run WHERE suite = ? AND id NOT IN
                        (SELECT id FROM run WHERE suite = ? ORDER BY started_at DESC, id DESC LIMIT ?)
                    """,
                arguments: [report.suite, report.suite, max(1, retention)])
            return id
        }
    }

    /// Each check's median duration over the newest `last` unsharded runs of `suite` in which it really
    /// ran (not skipped, not answered by the result cache): what shard balancing weighs.
    public func medianDurations(suite: String, last: Int = 30) throws -> [String: Int] {
        try database.read { db in
            let rows = try Row.fetchAll(
                db, sql: """
                    SELECT check_id, duration_ms FROM check_run
                    WHERE run_id IN (SELECT id FROM run WHERE suite = ? AND shard IS NULL
                                     ORDER BY started_at DESC, id DESC LIMIT ?)
                      AND status != 'skipped' AND cached = 0
                    """,
                arguments: [suite, last])
            var byCheck: [String: [Int]] = [:]
            for r in rows { byCheck[r[0], default: []].append(r[1]) }
            return byCheck.compactMapValues { HistoryStats.percentile($0, 50) }
        }
    }

    /// The suites with recorded runs, sorted.
    public func suites() throws -> [String] {
        try database.read { try String.fetchAll($0, sql: "SELECT DISTINCT suite FROM run ORDER BY suite") }
    }

    /// The newest `last` runs of `suite` (all when nil), oldest first, with their checks in recorded order.
    public func runs(suite: String, last: Int? = nil) throws -> [HistoryRun] {
        try database.read { db in
            var runs = try Self.runRows(db, suite: suite, last: last)
            try Self.forEachCheckRow(
                db, of: runs.map(\.id), suite: suite,
                columns: "verifier, status, required, duration_ms, errors, warnings, notes, waived, config_key, input_key",
                orderBy: "ORDER BY run_id, rowid") { i, r in
                    var c = HistoryCheck(
                        checkID: r[1], verifier: r[2], status: CheckStatus(rawValue: r[3]) ?? .error, required: r[4],
                        durationMs: r[5], errors: r[6], warnings: r[7], notes: r[8], waived: r[9])
                    c.configKey = r[10]
                    c.inputKey = r[11]
                    runs[i].checks.append(c)
                }
            return runs
        }
    }

    /// The last `last` runs of a suite as the HTML charts draw them: `runs(suite:last:).map(\.trend)`,
    /// read for less.
    ///
    /// A run records every check, so the charts of a 200-check suite read thousands of check rows while
    /// the checks run. This read takes only the columns a chart uses and no ORDER BY: a run's checks go
    /// into a dictionary, and sorting the rows by insertion order was most of the cost of `runs`.
    public func trend(suite: String, last: Int) throws -> [TrendRun] {
        try database.read { db in
            // Charts draw full runs: a partial run's pass rate says nothing about the suite.
            let rows = try Self.runRows(db, suite: suite, last: last, fullOnly: true)
            var runs = rows.map(\.trend)
            try Self.forEachCheckRow(db, of: rows.map(\.id), suite: suite, columns: "status, duration_ms",
                                     orderBy: "") { i, r in
                // (run_id, check_id) is the primary key: one row per check.
                runs[i].checks[r[1]] = TrendRun.Check(status: CheckStatus(rawValue: r[2]) ?? .error, durationMs: r[3])
            }
            return runs
        }
    }

    /// The newest `last` runs of `suite` (all when nil), oldest first, without their checks.
    private static func runRows(_ db: Database, suite: String, last: Int?, fullOnly: Bool = false) throws -> [HistoryRun] {
        // Columns by position: decoding by name costs a case-insensitive lookup per cell.
        try Row.fetchAll(
            db, sql: """
                SELECT id, suite, started_at, duration_ms, status, exit_code, interrupted, git_commit, partial,
                       waivers_digest, dirty FROM
                    (SELECT * FROM run WHERE suite = ? \(fullOnly ? "AND partial = 0" : "")
                     ORDER BY started_at DESC, id DESC LIMIT ?)
                ORDER BY started_at, id
                """,
            arguments: [suite, last ?? -1]
        ).map { r in
            var run = HistoryRun(
                id: r[0], suite: r[1], startedAt: Date(timeIntervalSince1970: r[2]), durationMs: r[3],
                status: RunStatus(rawValue: r[4]) ?? .error, exitCode: r[5], interrupted: r[6], commit: r[7],
                checks: [])
            run.partial = r[8]
            run.waiversDigest = r[9]
            run.dirty = r[10]
            return run
        }
    }

    /// Calls `body` with the position in `runIDs` and the row (run_id, check_id, then `columns`) of every
    /// check recorded for those runs of `suite`.
    private static func forEachCheckRow(_ db: Database, of runIDs: [Int64], suite: String, columns: String,
                                        orderBy: String, _ body: (Int, Row) throws -> Void) throws {
        guard let oldest = runIDs.min() else { return }
        let index = Dictionary(uniqueKeysWithValues: runIDs.enumerated().map { ($1, $0) })
        // A cursor decodes each row in place; fetchAll would copy thousands of rows first.
        let rows = try Row.fetchCursor(
            db, sql: """
                SELECT run_id, check_id, \(columns) FROM check_run
                WHERE run_id IN (SELECT id FROM run WHERE suite = ? AND id >= ?) \(orderBy)
                """,
            arguments: [suite, oldest])
        while let r = try rows.next() {
            if let i = index[r[0]] { try body(i, r) }
        }
    }
}

/// One recorded run.
public struct HistoryRun: Sendable, Equatable {
    public var id: Int64
    public var suite: String
    public var startedAt: Date
    public var durationMs: Int
    public var status: RunStatus
    public var exitCode: Int
    public var interrupted: Bool
    public var commit: String?
    public var checks: [HistoryCheck]
    /// The run selected only some checks (--only, --tag, --skip).
    public var partial = false
    /// A digest of `.gate/waivers.yaml` as the run read it (nil: no file, or recorded before gate knew).
    public var waiversDigest: String?
    /// Whether the tree had uncommitted changes (nil: unknown, or outside a repository).
    public var dirty: Bool?

    public init(id: Int64, suite: String, startedAt: Date, durationMs: Int, status: RunStatus, exitCode: Int = 0,
                interrupted: Bool = false, commit: String? = nil, checks: [HistoryCheck]) {
        self.id = id
        self.suite = suite
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.status = status
        self.exitCode = exitCode
        self.interrupted = interrupted
        self.commit = commit
        self.checks = checks
    }

    /// The chart point a run will have once recorded, without reading it back.
    public static func trend(of report: RunReport) -> TrendRun {
        // Through seconds since 1970, as the history stores it, so the point equals the one read back later.
        let started = Date(timeIntervalSince1970: report.startedAt.timeIntervalSince1970)
        return TrendRun(startedAt: started, status: report.status, durationMs: report.durationMs, commit: report.commit,
                        checks: Dictionary(report.checks.map { ($0.id, TrendRun.Check(status: $0.status, durationMs: $0.durationMs)) },
                                           uniquingKeysWith: { a, _ in a }))
    }

    /// The shape the HTML charts take.
    public var trend: TrendRun {
        TrendRun(startedAt: startedAt, status: status, durationMs: durationMs, commit: commit,
                 checks: Dictionary(checks.map { ($0.checkID, TrendRun.Check(status: $0.status, durationMs: $0.durationMs)) },
                                    uniquingKeysWith: { a, _ in a }))
    }
}

/// One check of a recorded run.
public struct HistoryCheck: Sendable, Equatable {
    public var checkID: String
    public var verifier: String
    public var status: CheckStatus
    public var required: Bool
    public var durationMs: Int
    public var errors: Int
    public var warnings: Int
    public var notes: Int
    public var waived: Int
    /// `CheckSpec.configDigest` when the run was recorded.
    public var configKey: String?
    /// The result-cache key (configuration and input files) when the check computed one.
    public var inputKey: String?

    public init(checkID: String, verifier: String = "command", status: CheckStatus, required: Bool = true,
                durationMs: Int, errors: Int = 0, warnings: Int = 0, notes: Int = 0, waived: Int = 0) {
        self.checkID = checkID
        self.verifier = verifier
        self.status = status
        self.required = required
        self.durationMs = durationMs
        self.errors = errors
        self.warnings = warnings
        self.notes = notes
        self.waived = waived
    }
}

/// What a run knew beside its report, for the history to explain later changes.
public struct RunFacts: Sendable, Equatable {
    public var waiversDigest: String?
    public var dirty: Bool?
    /// Check id to `CheckSpec.configDigest`.
    public var configKeys: [String: String]

    public init(waiversDigest: String? = nil, dirty: Bool? = nil, configKeys: [String: String] = [:]) {
        self.waiversDigest = waiversDigest
        self.dirty = dirty
        self.configKeys = configKeys
    }
}
