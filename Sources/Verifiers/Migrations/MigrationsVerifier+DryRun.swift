import GateCore
import GateDatabase

/// `dry-run`: off, a copy or scratch database (`true`, `scratch`), or PostgreSQL's rolled-back transaction
/// on the target itself (`transaction`, never the default).
enum DryRunMode: String, Sendable {
    case off, scratch, transaction

    static func parse(_ p: Parameters, database: DatabaseLocation?) throws(ConfigError) -> DryRunMode {
        guard let v = p["dry-run"], !v.isNull else { return .off }
        if let b = v.bool { return b ? .scratch : .off }
        guard let word = v.string, let mode = DryRunMode(rawValue: word), mode != .off else {
            throw p.error("dry-run", "give true, false, 'scratch' or 'transaction'")
        }
        if mode == .transaction, case .sqlite = database {
            throw p.error("dry-run", "'transaction' runs on the PostgreSQL target itself; a SQLite dry run always uses a copy "
                + "(dry-run: true)")
        }
        return mode
    }
}

extension MigrationsVerifier {
    /// Where the dry run applies the pending migrations, and the runner set up for it.
    func dryRunTarget(_ opened: HistoryDatabase?, context: CheckContext, settings: ToolSettings) async throws
        -> (any ScratchDatabase, DryRun) {
        let scratchDirectory = context.stateDirectory + "/tmp"
        var runner = DryRun(maxDuration: maxDuration, declaredDialect: settings.dialect)
        switch opened?.location {
        case nil:
            runner.target = "an empty SQLite database"
            return (try SQLiteScratchDatabase.create(in: scratchDirectory), runner)
        case .sqlite(let path):
            guard dryRun != .transaction else {
                throw VerifierError("'dry-run: transaction' runs on a PostgreSQL target; '\(opened!.displayName)' is SQLite, whose dry "
                    + "run always uses a copy (dry-run: true)")
            }
            runner.target = "a SQLite copy of '\(opened!.displayName)'"
            return (try SQLiteScratchDatabase.copy(of: path, display: opened!.displayName, in: scratchDirectory,
                                                   busyTimeout: busyTimeout), runner)
        case .postgres(let url):
            let db = opened!
            runner.engine = .postgres
            try await worker(db) { () throws(VerifierError) in try PostgresDryRun.requirePrimary(db) }
            let estimates = try await worker(db) { () throws(VerifierError) in try PostgresDryRun.estimates(db) }
            runner.locks = LockCheck(estimates: estimates, largeTable: Int64(largeTable))
            let setup = PostgresDryRun.Setup(url: url, context: context, maxDuration: maxDuration, lockTimeout: lockTimeout)
            let scratch: PostgresDryRun
            if dryRun == .transaction {
                scratch = try await worker(db) { () throws(VerifierError) in try PostgresDryRun.transaction(setup) }
                runner.target = "a transaction on '\(db.displayName)', rolled back"
            } else {
                scratch = try await PostgresDryRun.scratch(setup, target: db)
                runner.target = "a scratch PostgreSQL database made with \(scratch.madeBy) from '\(db.displayName)'"
            }
            return (scratch, runner)
        case .environment:
            preconditionFailure("HistoryDatabase.open resolves the environment")
        }
    }
}
