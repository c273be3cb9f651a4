import Foundation
import GateCore
import GateDatabase

/// Verifies database migrations against the history their tool recorded.
///
/// - **Fails** on an applied migration whose file changed (`migrations/modified`), a history row without
///   a file (`missing-file`), a failed or dirty entry (`failed`), an unapplied file sorting before the
///   latest applied one (`out-of-order`), two files with one version (`duplicate-version`), an
///   `atlas.sum` that does not match (`sum-mismatch`), and in the dry run a migration that fails or runs
///   past `max-duration`. Pending migrations are notes unless `allow-pending: false`; destructive changes
///   in them are warnings unless `destructive: deny`; a newer-than-every-file row is a warning.
/// - **Agrees with each tool**: what Flyway, sqlx, Prisma, golang-migrate and Atlas refuse at migrate
///   time is an error; what gate finds but the tool lets through (a Prisma migration deleted from the
///   middle, an out-of-order sqlx file, an Atlas edit hidden by re-hashing) is a `strict-*` rule whose
///   message says what the tool does: an error with `strict: true` (the default), a warning without.
/// - **Parameters**: `directory`, `database` (a SQLite file, a PostgreSQL URL or `{url-env: NAME}`, opened
///   read-only), `format` (native, prisma, flyway, sqlx, golang-migrate, atlas or auto), `table`, `strict`,
///   `tool-config`, `environment`, `allow-pending`, `dry-run`, `max-duration`, `destructive`,
///   `busy-timeout`, `statement-timeout`.
/// - **Never writes** to the user's database: the dry run works on a temporary copy (SQLite) or a scratch
///   database (PostgreSQL), unless `dry-run: transaction` asks for an always-rolled-back transaction.
public struct MigrationsVerifier: Verifier {
    let directory: String
    /// False when `directory` was not given: the tool's configuration may name the folder.
    let directoryGiven: Bool
    let database: DatabaseLocation?
    let strict: Bool
    /// The tool's configuration file; nil to look for one, "none" to read none.
    let toolConfig: String?
    let environment: String?
    let format: FormatName
    let table: String?
    let allowPending: Bool
    let dryRun: DryRunMode
    /// Dry run on PostgreSQL: how long a statement may wait for a lock (transaction mode), and the row
    /// estimate from which an ACCESS EXCLUSIVE lock is a warning.
    let lockTimeout: Duration
    let largeTable: Int
    let maxDuration: Duration
    let destructive: DestructivePolicy
    let busyTimeout: Duration
    let statementTimeout: Duration

    public init(parameters p: Parameters) throws(ConfigError) {
        directory = try p.path("directory") ?? p.resolve("migrations")
        directoryGiven = p.has("directory")
        database = try p.database()
        strict = try p.bool("strict", default: true)
        let config = try p.string("tool-config")
        toolConfig = config == "none" ? "none" : try p.path("tool-config")
        environment = try p.string("environment")
        format = try p.oneOf("format", default: FormatName.auto)
        table = try p.string("table")
        if let table, table.trimmingCharacters(in: .whitespaces).isEmpty { throw p.error("table", "the table name is empty") }
        allowPending = try p.bool("allow-pending", default: true)
        dryRun = try DryRunMode.parse(p, database: database)
        lockTimeout = try p.duration("lock-timeout") ?? .seconds(5)
        largeTable = try p.int("large-table", default: 100_000, range: 0...Int(Int32.max))
        maxDuration = try p.duration("max-duration") ?? .seconds(30)
        guard maxDuration > .zero else { throw p.error("max-duration", "must be longer than zero, such as 30s") }
        destructive = try p.oneOf("destructive", default: DestructivePolicy.warn)
        busyTimeout = try p.duration("busy-timeout") ?? .seconds(5)
        statementTimeout = try p.duration("statement-timeout") ?? .seconds(30)
        guard statementTimeout > .zero else { throw p.error("statement-timeout", "must be longer than zero, such as 30s") }
    }

    public var evaluatedRules: [String] { rules(for: format.format) }

    /// The rules this configuration evaluates; with `auto`, those every format could report.
    func rules(for format: (any MigrationFormat)?) -> [String] {
        var r = ["migrations/duplicate-version", "migrations/tool-config"]
        if database != nil {
            if format?.hasChecksums ?? true { r += ["migrations/modified", "migrations/strict-modified"] }
            r += ["migrations/missing-file", "migrations/strict-missing-file", "migrations/unknown-applied", "migrations/failed",
                  "migrations/pending", "migrations/renamed"]
            if format?.recordsEachMigration ?? true { r += ["migrations/out-of-order", "migrations/strict-out-of-order"] }
            if destructive != .off { r.append("migrations/destructive") }
        }
        r += (format?.extraRules ?? ["migrations/sum-mismatch", "migrations/unverifiable", "migrations/invalid-name"])
            .filter { database != nil || $0 != "migrations/unverifiable" }
        if dryRun != .off { r += ["migrations/dry-run-failed", "migrations/too-slow"] }
        if dryRun != .off, database?.mayBePostgres ?? false { r += ["migrations/lock", "migrations/not-dry-run"] }
        return Self.descriptor.rules.map(\.id).filter(r.contains)
    }

    /// Versions that more than one file claims.
    static func sharedVersions(_ files: [MigrationFile]) -> Set<MigrationVersion> {
        var count: [MigrationVersion: Int] = [:]
        for f in files { if let v = f.version { count[v, default: 0] += 1 } }
        return Set(count.filter { $0.value > 1 }.keys)
    }

    /// The history table to read: the `table` parameter, else where the tool keeps it. SQLite has no schemas,
    /// so a schema in the name is dropped there (sqlx's configuration says so in a note).
    static func tableName(_ explicit: String?, format: any MigrationFormat, _ db: HistoryDatabase) -> TableName {
        var name = explicit.map(TableName.parse) ?? format.historyTable(on: db)
        if db.engine == .sqlite { name.schema = nil }
        return name
    }

    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        let opened: HistoryDatabase? = try database.map { location throws(VerifierError) in
            try HistoryDatabase.open(location, context: context, busyTimeout: busyTimeout, statementTimeout: statementTimeout)
        }
        defer { opened?.close() }
        let project = toolConfig == "none" ? ProjectFiles(root: context.root)
            : try ProjectFiles.discover(root: context.root, explicit: toolConfig)
        let requestedDir = MigrationDirectory(path: directory, root: context.root)
        let requested = self.format, table = self.table
        var (format, how) = try await worker(opened) { () throws(VerifierError) in
            try FormatDetection.resolve(requested, directory: requestedDir, database: opened, table: table, project: project)
        }
        let settings = ToolConfigLoader.settings(for: format.name, files: project, environment: environment, engine: opened?.engine)
        format.settings = settings
        let dir = directoryGiven ? requestedDir : MigrationDirectory(path: settings.directory ?? directory, root: context.root)
        try dir.requireExists()
        context.progress("reading \(format.name.rawValue) migrations in '\(dir.shown)'")
        let scanned = try format.scan(dir)
        try context.checkCancellation()

        var findings = try format.directoryFindings(dir, files: scanned)
        findings += settings.notes.sorted().map {
            Finding(rule: "migrations/tool-config", severity: .note, message: $0, path: settings.file, identity: $0,
                    help: "set the matching parameter of this check, or accept that gate checks without this setting")
        }
        let (files, duplicates) = HistoryComparison.duplicates(scanned, allowed: format.allowsSharedVersions)
        findings += duplicates
        var compareContext = ComparisonContext(strict: strict)
        compareContext.integrityFileVerifies = !findings.contains { $0.rule == "migrations/sum-mismatch" }

        var comparison: Comparison?
        var history: History?
        if let db = opened {
            context.progress("reading the history in \(db.displayName)")
            let wanted = Self.tableName(table, format: format, db)
            let chosen = format
            let h = try await worker(db) { () throws(VerifierError) in try Self.readHistory(chosen, wanted, db) }
            let c = HistoryComparison.compare(
                files, h, format: format, otherVersions: try format.otherVersions(dir),
                contested: Self.sharedVersions(scanned),
                allowPending: allowPending,
                context: compareContext, databaseShown: db.displayName, directoryShown: dir.shown)
            findings += c.findings
            history = h
            comparison = c
        }
        try context.checkCancellation()

        // Pending migrations: scanned for destructive changes, then dry-run. Without a history the dry
        // run starts from an empty database and applies every file.
        let pending = comparison?.pending ?? (dryRun != .off ? files : [])
        let scripts = pending.map { (file: $0, statements: SQLScript.split(String(decoding: $0.bytes, as: UTF8.self))) }
        if comparison != nil {
            for s in scripts { findings += DestructiveCheck.findings(s.file, s.statements, policy: destructive) }
        }
        var dry: DryRun.Report?
        var dryTarget: String?
        var lockLines: [String] = []
        if dryRun != .off {
            let (scratch, runner) = try await dryRunTarget(opened, context: context, settings: settings)
            defer { scratch.discard() }
            dryTarget = runner.target
            let report = try await runner.run(scripts, on: scratch, progress: context.progress)
            findings += report.findings + runner.locks.findings(report.locks)
            lockLines = runner.locks.logLines(report.locks)
            dry = report
        }

        findings.sort(by: Finding.reportOrder)
        if let file = settings.file { how = (how.map { $0 + "; " } ?? "") + "settings from \(file)" }
        var facts = OutcomeFacts(format: format, how: how, files: files.count, history: history, comparison: comparison,
                                 dryRun: dry, dryRunPending: scripts.count, maxDuration: maxDuration, hasDatabase: opened != nil)
        facts.dryRunTarget = dryTarget
        facts.lockLines = lockLines
        return CheckOutcome(findings: findings, summary: facts.summary(findings), stats: facts.stats,
                            rules: rules(for: format), log: facts.log)
    }

    /// The tool's history, or an empty one when the table does not exist yet (nothing applied). On
    /// PostgreSQL a table of that name in another schema is almost always a wrong schema setting, so that
    /// is an error naming where it is.
    static func readHistory(_ format: any MigrationFormat, _ wanted: TableName, _ db: HistoryDatabase) throws(VerifierError) -> History {
        guard let table = try db.resolve(wanted) else {
            let other = try db.elsewhere(wanted.name).filter { $0 != wanted.schema }
            if !other.isEmpty {
                let searched = wanted.schema.map { "schema '\($0)'" } ?? "the search_path"
                throw VerifierError("the history table '\(wanted.name)' is not in \(searched) of '\(db.displayName)', but schema "
                    + other.map { "'\($0)'" }.joined(separator: ", ") + " has one; set 'table: \(other[0]).\(wanted.name)', or the "
                    + "schema where the tool reads it (Prisma: the URL's ?schema=, Flyway: defaultSchema, Atlas: revisions_schema "
                    + "or ?search_path=)")
            }
            return .empty(wanted.description)
        }
        return try format.readHistory(db, table: table)
    }

    /// Database work off the cooperative pool (the layer's calls block); without a database, in place.
    func worker<T: Sendable>(_ db: HistoryDatabase?, _ body: @escaping @Sendable () throws(VerifierError) -> T) async throws -> T {
        guard let db else { return try body() }
        return try await db.onWorker(body)
    }
}
