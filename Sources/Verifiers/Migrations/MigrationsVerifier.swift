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
/// - **Agrees with each tool**: what Flyway, sqlx, Prisma, golang-migrate and Atlas refuse at migrate
///   time is an error; what gate finds but the tool lets through (a Prisma migration deleted from the
///   middle, an out-of-order sqlx file, an Atlas edit hidden by re-hashing) is a `strict-*` rule whose
///   message says what the tool does: an error with `strict: true` (the default), a warning without.
/// - **Parameters**: `directory`, `database` (SQLite, opened read-only), `format` (native, prisma,
///   flyway, sqlx, golang-migrate, atlas or auto), `table`, `strict`, `tool-config`, `environment`,
///   `allow-pending`, `dry-run`, `max-duration`, `destructive`, `busy-timeout`.
/// - **Never writes** to the user's database: the dry run works on a temporary copy.
public struct MigrationsVerifier: Verifier {
    let directory: String
    /// False when `directory` was not given: the tool's configuration may name the folder.
    let directoryGiven: Bool
    let database: String?
    let strict: Bool
    /// The tool's configuration file; nil to look for one, "none" to read none.
    let toolConfig: String?
    let environment: String?
    let format: FormatName
    let table: String?
    let allowPending: Bool
    let dryRun: Bool
    let maxDuration: Duration
    let destructive: DestructivePolicy
    let busyTimeout: Duration

    public init(parameters p: Parameters) throws(ConfigError) {
        directory = try p.path("directory") ?? p.resolve("migrations")
        directoryGiven = p.has("directory")
        database = try p.path("database")
        strict = try p.bool("strict", default: true)
        let config = try p.string("tool-config")
        toolConfig = config == "none" ? "none" : try p.path("tool-config")
        environment = try p.string("environment")
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
        if dryRun { r += ["migrations/dry-run-failed", "migrations/too-slow"] }
        return Self.descriptor.rules.map(\.id).filter(r.contains)
    }

    /// Versions that more than one file claims.
    static func sharedVersions(_ files: [MigrationFile]) -> Set<MigrationVersion> {
        var count: [MigrationVersion: Int] = [:]
        for f in files { if let v = f.version { count[v, default: 0] += 1 } }
        return Set(count.filter { $0.value > 1 }.keys)
    }

    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        let db: (any HistoryDatabase)? = try database.map { path throws(VerifierError) in
            try SQLiteHistoryDatabase.open(path: path, displayName: context.relative(path), busyTimeout: busyTimeout)
        }
        let project = toolConfig == "none" ? ProjectFiles(root: context.root)
            : try ProjectFiles.discover(root: context.root, explicit: toolConfig)
        let requestedDir = MigrationDirectory(path: directory, root: context.root)
        var (format, how) = try FormatDetection.resolve(self.format, directory: requestedDir, database: db, table: table,
                                                        project: project)
        let settings = ToolConfigLoader.settings(for: format.name, files: project, environment: environment)
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
        if let db {
            context.progress("reading the history in \(db.displayName)")
            let h = try format.readHistory(db, table: table ?? settings.table ?? format.defaultTable)
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
            let target = db.map { "a SQLite copy of '\($0.displayName)'" } ?? "an empty SQLite database"
            let runner = DryRun(maxDuration: maxDuration, target: target, declaredDialect: settings.dialect)
            let report = try await runner.run(scripts, on: scratch, progress: context.progress)
            findings += report.findings
            dry = report
        }

        findings.sort(by: Finding.reportOrder)
        if let file = settings.file { how = (how.map { $0 + "; " } ?? "") + "settings from \(file)" }
        let facts = OutcomeFacts(format: format, how: how, files: files.count, history: history, comparison: comparison,
                                 dryRun: dry, dryRunPending: scripts.count, maxDuration: maxDuration, hasDatabase: db != nil)
        return CheckOutcome(findings: findings, summary: facts.summary(findings), stats: facts.stats,
                            rules: rules(for: format), log: facts.log)
    }
}
