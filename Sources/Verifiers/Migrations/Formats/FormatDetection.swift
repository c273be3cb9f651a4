import GateCore
import GateDatabase

/// `format: auto`: the history table decides when the database has exactly one a known tool wrote
/// (its name and columns must match); then the project's own files (`Cargo.toml` depending on sqlx,
/// `schema.prisma`, `flyway.conf`, `atlas.hcl`, `go.mod` requiring golang-migrate); then the folder
/// layout. The summary says which.
enum FormatDetection {
    /// The format to use and, for `auto`, how it was chosen (shown in the summary).
    static func resolve(_ requested: FormatName, directory: MigrationDirectory, database: HistoryDatabase?,
                        table: String?, project: ProjectFiles) throws(VerifierError) -> (format: any MigrationFormat, how: String?) {
        if let format = requested.format { return (format, nil) }
        if let database, let found = try fromHistory(database, table: table) { return found }
        if let found = try fromProject(project, directory: directory) { return found }
        return try fromLayout(directory)
    }

    /// One tool named by the project's files; when they name several, the folder layout picks among them.
    static func fromProject(_ project: ProjectFiles, directory: MigrationDirectory) throws(VerifierError) -> (any MigrationFormat, String?)? {
        let evidence = project.evidence
        let formats = Set(evidence.map(\.0))
        guard let first = evidence.first else { return nil }
        if formats.count == 1 {
            return (first.0.format!, "detected from " + evidence.map(\.1).joined(separator: " and "))
        }
        let layout = try? fromLayout(directory)
        if let layout, let pick = evidence.first(where: { $0.0 == layout.0.name }) {
            return (layout.0, "detected from \(pick.1) and the folder layout")
        }
        throw VerifierError("the project has files of several migration tools ("
            + evidence.map { "\($0.1): \($0.0.rawValue)" }.joined(separator: "; ")
            + ") and the folder layout does not settle it; set 'format'")
    }

    static func fromHistory(_ db: HistoryDatabase, table: String?) throws(VerifierError) -> (any MigrationFormat, String?)? {
        var found: [(any MigrationFormat, String)] = []
        for name in FormatName.concrete {
            let format = name.format!
            let wanted = MigrationsVerifier.tableName(table, format: format, db)
            guard let t = try db.resolve(wanted) else { continue }
            let columns = Set(try db.columns(of: t).map { $0.lowercased() })
            if format.historyColumns.allSatisfy({ columns.contains($0) }) { found.append((format, t.description)) }
        }
        guard found.count <= 1 else {
            throw VerifierError("'\(db.displayName)' has history tables of several tools ("
                + found.map { "'\($0.1)' (\($0.0.name.rawValue))" }.joined(separator: ", ")
                + "); set 'format' to the one this directory belongs to")
        }
        return found.first.map { ($0.0, "detected from the '\($0.1)' table") }
    }

    static func fromLayout(_ dir: MigrationDirectory) throws(VerifierError) -> (any MigrationFormat, String?) {
        try dir.requireExists()
        if dir.exists(AtlasFormat.sumFile) { return (AtlasFormat(), "detected from atlas.sum") }
        let names = try dir.names()
        if names.contains(where: { dir.isDirectory($0) && dir.exists($0 + "/migration.sql") }) {
            return (PrismaFormat(), "detected from <name>/migration.sql folders")
        }
        if names.contains(where: { FlywayFormat.parse($0) != nil }) {
            return (FlywayFormat(), "detected from V<version>__<name>.sql files")
        }
        let ups = names.filter { $0.hasSuffix(".up.sql") }
        if !ups.isEmpty, ups.allSatisfy({ names.contains(String($0.dropLast(7)) + ".down.sql") }) {
            return (GolangMigrateFormat(), "detected from .up.sql/.down.sql pairs, with no Cargo.toml depending on sqlx")
        }
        if !ups.isEmpty {
            throw VerifierError("'\(dir.shown)' holds .up.sql files, which both sqlx and golang-migrate use, and no history "
                + "table tells them apart; set 'format' to 'sqlx' or 'golang-migrate'")
        }
        if names.contains(where: { NativeFormat.parse($0) != nil }) {
            return (NativeFormat(), "detected from NNNN_name.sql files; set 'format: sqlx' if these are sqlx migrations")
        }
        throw VerifierError("cannot tell the migration format of '\(dir.shown)': no known history table and no known file "
            + "layout; set 'format' to one of " + FormatName.concrete.map { "'\($0.rawValue)'" }.joined(separator: ", "))
    }
}
