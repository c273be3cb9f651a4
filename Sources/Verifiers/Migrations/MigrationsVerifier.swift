import Foundation
import GateCore

/// Verifies database migrations against the history their tool recorded.
///
/// - **Fails** on an applied migration whose file changed (`migrations/modified`), a history row without
///   a file (`missing-file`), a failed or dirty entry (`failed`), an unapplied file sorting before the
///   latest applied one (`out-of-order`), two files with one version (`duplicate-version`), an
///   `atlas.sum` that does not match (`sum-mismatch`), and in the dry run a migration that fails or runs
///   past `max-duration`. Pending migrations are notes unless `allow-pending: false`; destructive changes
///   in them are warnings unless `destructive: deny`; a newer-than-every-file row is a warning.
/// - **Parameters**: `directory`, `database` (SQLite, opened read-only), `format` (native, prisma,
///   flyway, sqlx, golang-migrate, atlas or auto), `table`, `allow-pending`, `dry-run`, `max-duration`,
///   `destructive`, `busy-timeout`.
/// - **Never writes** to the user's database: the dry run works on a temporary copy.
public struct MigrationsVerifier: Verifier {
    let directory: String
    let database: String?
    let format: FormatName
    let table: String?
    let allowPending: Bool
    let dryRun: Bool
    let maxDuration: Duration
    let destructive: DestructivePolicy
    let busyTimeout: Duration

    public init(parameters p: Parameters) throws(ConfigError) {
        directory = try p.path("directory") ?? p.resolve("migrations")
        database = try p.path("database")
        format = try p.oneOf("format", default: FormatName.auto)
        table = try p.string("table")
        if let table, table.trimmingCharacters(in: .whitespaces).isEmpty { throw p.error("table", "the table name is empty") }
        allowPending = try p.bool("allow-pending", default: true)
        dryRun = try p.bool("dry-run", default: false)
        maxDuration = try p.duration("max-duration") ?? .seconds(30)
        guard maxDuration > .zero else { throw p.error("max-duration", "must be longer than zero, such as 30s") }
        destructive = try p.oneOf("destructive", default: DestructivePolicy.warn)
        busyTimeout = try p.duration("busy-timeout") ?? .seconds(5)
    }

    public var evaluatedRules: [String] { rules(for: format.format) }

    /// The rules this configuration evaluates; with `auto`, those every format could report.
    func rules(for format: (any MigrationFormat)?) -> [String] {
        var r = ["migrations/duplicate-version"]
        if database != nil {
            if format?.hasChecksums ?? true { r.append("migrations/modified") }
            r += ["migrations/missing-file", "migrations/unknown-applied", "migrations/failed", "migrations/pending"]
            if format?.recordsEachMigration ?? true { r.append("migrations/out-of-order") }
            if destructive != .off { r.append("migrations/destructive") }
        }
        r += format?.extraRules ?? ["migrations/sum-mismatch"]
        if dryRun { r += ["migrations/dry-run-failed", "migrations/too-slow"] }
        return Self.descriptor.rules.map(\.id).filter(r.contains)
    }

    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        let dir = MigrationDirectory(path: directory, root: context.root)
        let db: (any HistoryDatabase)? = try database.map { path throws(VerifierError) in
            try SQLiteHistoryDatabase.open(path: path, displayName: context.relative(path), busyTimeout: busyTimeout)
        }
        let (format, how) = try FormatDetection.resolve(self.format, directory: dir, database: db, table: table)
        try dir.requireExists()
        context.progress("reading \(format.name.rawValue) migrations in '\(dir.shown)'")
        let scanned = try format.scan(dir)
        try context.checkCancellation()

        var findings = try format.directoryFindings(dir, files: scanned)
        let (files, duplicates) = HistoryComparison.duplicates(scanned)
        findings += duplicates

        var comparison: Comparison?
        var history: History?
        if let db {
            context.progress("reading the history in \(db.displayName)")
            let h = try format.readHistory(db, table: table ?? format.defaultTable)
            let c = HistoryComparison.compare(
                files, h, format: format, allowPending: allowPending, databaseShown: db.displayName, directoryShown: dir.shown)
            findings += c.findings
            history = h
            comparison = c
        }
        try context.checkCancellation()

        // Pending migrations: scanned for destructive changes, then dry-run. Without a history the dry
        // run starts from an empty database and applies every file.
        let pending = comparison?.pending ?? (dryRun ? files : [])
        let scripts = pending.map { (file: $0, statements: SQLScript.split(String(decoding: $0.bytes, as: UTF8.self))) }
        if comparison != nil {
            for s in scripts { findings += DestructiveCheck.findings(s.file, s.statements, policy: destructive) }
        }
        var dry: DryRun.Report?
        if dryRun {
            let scratchDirectory = context.stateDirectory + "/tmp"
            let scratch = try db?.scratchCopy(in: scratchDirectory) ?? SQLiteScratchDatabase.create(in: scratchDirectory)
            defer { scratch.discard() }
            let report = try await DryRun(maxDuration: maxDuration).run(scripts, on: scratch, progress: context.progress)
            findings += report.findings
            dry = report
        }

        findings.sort(by: Finding.reportOrder)
        let facts = OutcomeFacts(format: format, how: how, files: files.count, history: history, comparison: comparison,
                                 dryRun: dry, maxDuration: maxDuration, hasDatabase: db != nil)
        return CheckOutcome(findings: findings, summary: facts.summary(findings), stats: facts.stats,
                            rules: rules(for: format), log: facts.log)
    }
}
