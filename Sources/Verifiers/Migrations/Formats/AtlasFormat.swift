import Foundation
import GateCore
import GateDatabase

/// Atlas: `*.sql` files in name order, guarded by `atlas.sum`, and (when a database is given) the
/// `atlas_schema_revisions` table.
///
/// A tampered file or an edited `atlas.sum` is `migrations/sum-mismatch`. Each revision row stores the
/// file's `atlas.sum` hash, so an applied file edited and re-hashed is still `migrations/modified`.
struct AtlasFormat: MigrationFormat {
    static let sumFile = "atlas.sum"

    var name: FormatName { .atlas }
    var defaultTable: String { "atlas_schema_revisions" }
    var historyColumns: [String] { ["version", "description", "type", "applied", "total", "error", "hash"] }
    var repairHint: String {
        "restore the file from git; Atlas refuses to apply a directory whose applied files changed"
    }
    var failedHint: String {
        "fix the database by hand, then run 'atlas migrate set' to record the version it is really at"
    }
    var settings = ToolSettings.none
    var extraRules: [String] { ["migrations/sum-mismatch", "migrations/unverifiable"] }
    // sql/migrate/dir.go LocalFile.Version: `1_initial.up.sql` and `1_initial.down.sql` are both version 1,
    // and Atlas's own testdata/migrate directory holds exactly that pair.
    var allowsSharedVersions: Bool { true }

    // sql/migrate/migrate.go Executor.Pending reads revisions by version and never asks for the file of
    // an applied one; only dir.go Validate (atlas.sum) can notice that a file is gone.
    func reactionToMissing(_ entry: HistoryEntry, newest: Bool, _ context: ComparisonContext) -> ToolReaction {
        if !context.integrityFileVerifies {
            return .refuses("'atlas migrate apply' fails: atlas.sum does not match the folder (checksum mismatch)")
        }
        return newest
            ? .warns("Atlas accepts it: 'migrate apply' finds nothing pending below it")
            : .tolerates("Atlas will not notice: atlas.sum was re-hashed without it, and 'migrate apply' never reads an applied file again")
    }

    func reactionToEdit(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        context.integrityFileVerifies
            ? .tolerates("Atlas will not notice: atlas.sum was re-hashed after the edit, and 'migrate apply' does not compare "
                + "applied files with their revision hash; the database was built from the old file")
            : .refuses("'atlas migrate apply' fails: atlas.sum does not match the folder (checksum mismatch)")
    }

    // Executor.Pending: with ExecOrderLinear a file between the first and last revision that was never
    // applied is HistoryNonLinearError; LINEAR_SKIP drops it, NON_LINEAR applies it.
    func reactionToOutOfOrder(_ file: MigrationFile, latest: MigrationVersion, _ context: ComparisonContext) -> ToolReaction {
        switch settings.atlasExecOrder {
        case .linear:
            .refuses("'atlas migrate apply' fails: migration files were added out of order (exec_order LINEAR, the default)")
        case .linearSkip:
            .tolerates("Atlas skips it without applying it (exec_order LINEAR_SKIP)")
        case .nonLinear:
            .tolerates("'atlas migrate apply' applies it out of order (exec_order NON_LINEAR)")
        }
    }

    // Revisions are matched by version; the description is informational.
    func reactionToRename(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        context.integrityFileVerifies
            ? .notes("Atlas matches revisions by version, so this is harmless")
            : .refuses("'atlas migrate apply' fails: atlas.sum does not match the folder (checksum mismatch)")
    }

    func historyFindings(_ files: [MigrationFile], _ history: History, _ context: ComparisonContext,
                         databaseShown: String) -> [Finding] {
        AtlasRevisionChain(files: files, history: history).findings(format: self, context: context, databaseShown: databaseShown)
    }

    /// `20220318104614_initial.sql` → `20220318104614`.
    static func version(of fileName: String) -> String {
        String(fileName.dropLast(4).split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
    }

    /// `20220318104614_initial.sql` → `initial`; "" without an underscore (dir.go LocalFile.Desc).
    static func description(of fileName: String) -> String {
        let parts = fileName.split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false)
        return parts.count == 2 ? String(parts[1].hasSuffix(".sql") ? parts[1].dropLast(4) : parts[1]) : ""
    }

    /// The file name a revision was applied from: `<version>_<description>.sql`, or `<version>.sql`.
    static func fileName(version: String, description: String) -> String {
        description.isEmpty ? version + ".sql" : version + "_" + description + ".sql"
    }

    func scan(_ directory: MigrationDirectory) throws(VerifierError) -> [MigrationFile] {
        let names = try directory.names().filter { $0.hasSuffix(".sql") && !directory.isDirectory($0) }
        // Reading runs in parallel; the running hash is sequential by nature.
        let read = try ParallelScan.map(names) { (name) throws(VerifierError) -> (name: String, bytes: [UInt8]) in
            (name, try directory.read(name))
        }
        let sum = AtlasSum.compute(read)
        var hashes: [String: String] = [:]
        for line in sum.lines { hashes[line.name] = line.hash }
        return read.map { f in
            var file = MigrationFile(
                version: .name(Self.version(of: f.name)), name: f.name, path: directory.display(f.name), bytes: f.bytes,
                checksum: hashes[f.name] ?? "", description: Self.description(of: f.name))
            file.noTransaction = Self.txModeNone(f.bytes)
            return file
        }
    }

    /// `-- atlas:txmode none` among the file's leading comment lines: Atlas runs it without a transaction.
    static func txModeNone(_ bytes: [UInt8]) -> Bool {
        for line in String(decoding: bytes.prefix(4096), as: UTF8.self).split(separator: "\n") {
            let l = line.trimmingCharacters(in: .whitespaces)
            guard l.hasPrefix("--") else { return false }
            if l.replacingOccurrences(of: " ", with: "") == "--atlas:txmodenone" { return true }
        }
        return false
    }

    // cmd/atlas/internal/cmdapi/migrate.go revisionSchemaName: the revisions_schema setting, else the schema
    // the URL is bound to (search_path), else the schema "atlas_schema_revisions".
    func historyTable(on db: HistoryDatabase) -> TableName {
        guard db.engine == .postgres else { return TableName(settings.table ?? defaultTable) }
        let bound = db.toolParameters["search_path"].flatMap { $0.contains(",") || $0.isEmpty ? nil : $0 }
        return TableName(settings.table ?? defaultTable, schema: settings.revisionsSchema ?? bound ?? "atlas_schema_revisions")
    }

    func readHistory(_ db: HistoryDatabase, table: TableName) throws(VerifierError) -> History {
        // executed_at orders the revisions; tables written by hand may lack it.
        let timed = try db.columns(of: table).contains { $0.lowercased() == "executed_at" }
        let rows = try rows(db, table: table, columns: historyColumns + (timed ? ["executed_at"] : []), orderBy: ["version"])
        var entries: [HistoryEntry] = []
        var baseline: MigrationVersion?
        for row in rows {
            let version = MigrationVersion.name(row["version"].text ?? "")
            // Revision types are bit flags: 1 baseline, 2 executed, 4 resolved by hand.
            if let type = row["type"].int, type & 1 != 0 {
                baseline = version
                continue
            }
            let applied = row["applied"].int ?? 0, total = row["total"].int ?? 0
            let error = row["error"].text ?? ""
            let state: HistoryEntry.State = !error.isEmpty || applied < total
                ? .failed("\(applied) of \(total) statements applied" + (error.isEmpty ? "" : ": " + String(error.prefix(200))))
                : .applied
            let hash = row["hash"].text ?? ""
            let description = row["description"].text ?? ""
            var entry = HistoryEntry(
                version: version, name: Self.fileName(version: version.text, description: description), checksum: nil, state: state)
            entry.description = description
            entry.chainHash = hash.isEmpty ? nil : hash
            entries.append(entry)
        }
        // Applied order: by execution time, ties (and times gate cannot read) in version order.
        let times = rows.filter { !(($0["type"].int ?? 2) & 1 != 0) }.map { HistoryTime.seconds($0["executed_at"]) }
        let order = entries.indices.sorted { a, b in
            switch (times[a], times[b]) {
            case let (x?, y?) where x != y: x < y
            default: a < b
            }
        }
        for (rank, index) in order.enumerated() { entries[index].appliedOrder = rank }
        return History(table: table.description, tableExists: true, entries: entries, coveredThrough: baseline, rowCount: rows.count)
    }

    func directoryFindings(_ directory: MigrationDirectory, files: [MigrationFile]) throws(VerifierError) -> [Finding] {
        let sumPath = directory.display(Self.sumFile)
        let help = "restore the files from git, or run 'atlas migrate hash' if the change is deliberate"
        guard directory.exists(Self.sumFile) else {
            return [Finding(
                rule: "migrations/sum-mismatch", message: "'\(sumPath)' is missing, so nothing guards the directory's integrity",
                path: sumPath, identity: "missing", help: "run 'atlas migrate hash' and commit atlas.sum")]
        }
        let text = String(decoding: try directory.read(Self.sumFile), as: UTF8.self)
        let stored: (header: String, sum: AtlasSum)
        switch AtlasSum.parse(text) {
        case .success(let s): stored = s
        case .failure(.missingHeader):
            return [Finding(rule: "migrations/sum-mismatch", message: "'\(sumPath)' does not start with an 'h1:' total line",
                            path: sumPath, line: 1, identity: "malformed", help: help)]
        case .failure(.malformed(let line)):
            return [Finding(rule: "migrations/sum-mismatch", message: "'\(sumPath)' line \(line) has no 'h1:' hash",
                            path: sumPath, line: line, identity: "malformed", help: help)]
        }
        // scan() already ran the hash: each file's checksum is its running hash ("" when ignored).
        let computed = AtlasSum(lines: files.filter { !$0.checksum.isEmpty }.map {
            AtlasSum.Line(name: PathUtil.basename($0.path), hash: $0.checksum)
        })
        return AtlasSumComparison.findings(stored: stored, computed: computed, sumPath: sumPath, files: files, help: help)
    }
}

/// Tells how `atlas.sum` and the files disagree, the way `atlas migrate validate` reports it.
enum AtlasSumComparison {
    static func findings(stored: (header: String, sum: AtlasSum), computed: AtlasSum, sumPath: String,
                         files: [MigrationFile], help: String) -> [Finding] {
        var out: [Finding] = []
        if stored.header != stored.sum.total {
            out.append(Finding(
                rule: "migrations/sum-mismatch",
                message: "'\(sumPath)' was edited: its h1 total does not match its own lines",
                path: sumPath, line: 1, identity: "header \(stored.header)",
                evidence: ["stored": "h1:" + stored.header, "computed": "h1:" + stored.sum.total], help: help))
        }
        let pathOf = Dictionary(files.map { (PathUtil.basename($0.path), $0.path) }, uniquingKeysWith: { a, _ in a })
        let storedNames = Set(stored.sum.lines.map(\.name)), computedNames = Set(computed.lines.map(\.name))
        for line in computed.lines where !storedNames.contains(line.name) {
            out.append(Finding(
                rule: "migrations/sum-mismatch", message: "'\(line.name)' is not in '\(sumPath)': added without re-hashing",
                path: pathOf[line.name] ?? sumPath, identity: "added \(line.name)", help: help))
        }
        for (i, line) in stored.sum.lines.enumerated() where !computedNames.contains(line.name) {
            out.append(Finding(
                rule: "migrations/sum-mismatch", message: "'\(sumPath)' lists '\(line.name)', but the file is gone",
                path: sumPath, line: i + 2, identity: "removed \(line.name)", help: help))
        }
        // Hashes chain, so only the first edited file can be named; later lines follow from it.
        for (i, (s, c)) in zip(stored.sum.lines, computed.lines).enumerated() {
            guard s.name == c.name else { break }
            if s.hash != c.hash {
                out.append(Finding(
                    rule: "migrations/sum-mismatch",
                    message: "'\(c.name)' does not match line \(i + 2) of '\(sumPath)': it was edited after hashing",
                    path: pathOf[c.name] ?? sumPath, identity: "edited \(c.name) \(c.hash)",
                    evidence: ["stored": "h1:" + s.hash, "computed": "h1:" + c.hash], help: help))
                break
            }
        }
        return out
    }
}
