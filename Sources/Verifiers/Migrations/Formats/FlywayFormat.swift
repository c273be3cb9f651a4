import Foundation
import GateCore
import GateDatabase

/// Flyway: `V<version>__<description>.sql` and repeatable `R__<description>.sql` files anywhere under the
/// folder, and the `flyway_schema_history` table.
///
/// The checksum is the CRC-32 of the UTF-8 text with one leading BOM and every CR and LF byte removed
/// (Flyway feeds the CRC line by line), stored as a signed 32-bit integer: line endings and blank lines
/// do not change it, whitespace inside a line does. `success = 0` is a failed migration. Versions
/// compare part by part (`1.10` after `1.9`; `1.0` equals `1`); underscores in a file's version stand
/// for dots. Baseline rows cover every version up to theirs; `DELETE` and undo rows cancel earlier ones.
/// Java (JDBC) migrations have no script to check and are skipped.
struct FlywayFormat: MigrationFormat {
    var name: FormatName { .flyway }
    var defaultTable: String { "flyway_schema_history" }
    var historyColumns: [String] { ["installed_rank", "version", "description", "type", "script", "checksum", "success"] }
    var repairHint: String {
        "restore the file from git, or run 'flyway repair' to accept the new checksum if the edit is deliberate"
    }
    var failedHint: String {
        "fix the database by hand, then run 'flyway repair' to remove the failed entry and migrate again"
    }
    var settings = ToolSettings.none
    var extraRules: [String] { ["migrations/invalid-name"] }

    func checksum(of bytes: [UInt8]) -> String? { String(Self.checksum(bytes)) }

    // flyway-core info/MigrationInfoImpl.validate(): an applied row without a file is
    // APPLIED_VERSIONED_MIGRATION_NOT_RESOLVED, unless its state is ignored: FUTURE (newer than every
    // file) by the default ignoreMigrationPatterns "*:future" (configuration/models/FlywayModel.defaults()),
    // MISSING only when the user adds "*:missing".
    func reactionToMissing(_ entry: HistoryEntry, newest: Bool, _ context: ComparisonContext) -> ToolReaction {
        let failure = "'flyway validate' (and migrate, which validates first) fails: Detected applied migration not resolved locally"
        if newest {
            return settings.flyway.ignores("future")
                ? .warns("Flyway accepts it: ignoreMigrationPatterns has '*:future' (the default)")
                : .refuses(failure + " (ignoreMigrationPatterns does not ignore future migrations)")
        }
        return settings.flyway.ignores("missing")
            ? .tolerates("Flyway will not notice: ignoreMigrationPatterns has '*:missing'")
            : .refuses(failure)
    }

    // MigrationInfoImpl.validate(): CHECKSUM_MISMATCH.
    func reactionToEdit(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        .refuses("'flyway validate' and migrate fail: Migration checksum mismatch for version \(entry.version?.text ?? entry.name)")
    }

    // MigrationInfoImpl.validate(): DESCRIPTION_MISMATCH (descriptions compared after AbbreviationUtils).
    func reactionToRename(_ file: MigrationFile, _ entry: HistoryEntry, _ context: ComparisonContext) -> ToolReaction {
        .refuses("'flyway validate' and migrate fail: Migration description mismatch for version \(entry.version?.text ?? entry.name)")
    }

    // ResolvedMigration.getState(): below the latest applied and outOfOrder off is IGNORED, which
    // validate() refuses (RESOLVED_VERSIONED_MIGRATION_NOT_APPLIED) unless "*:ignored" is set.
    func reactionToOutOfOrder(_ file: MigrationFile, latest: MigrationVersion, _ context: ComparisonContext) -> ToolReaction {
        if settings.flyway.outOfOrder {
            return .tolerates("'flyway migrate' applies it out of order without a word (outOfOrder = true)")
        }
        if settings.flyway.ignores("ignored") {
            return .tolerates("Flyway never applies it and says nothing: ignoreMigrationPatterns has '*:ignored'")
        }
        return .refuses("'flyway validate' and migrate fail: Detected resolved migration not applied to database "
            + "(set outOfOrder = true to apply it)")
    }

    /// Flyway stores at most 200 characters of a description (AbbreviationUtils.abbreviateDescription).
    static func abbreviated(_ description: String) -> String {
        description.count <= 200 ? description : String(description.prefix(197)) + "..."
    }

    static func checksum(_ bytes: [UInt8]) -> Int32 {
        var start = 0
        if bytes.count >= 3, bytes[0] == 0xEF, bytes[1] == 0xBB, bytes[2] == 0xBF { start = 3 }
        var crc = CRC32.State()
        for b in bytes[start...] where b != 0x0A && b != 0x0D { crc.update(b) }
        return Int32(bitPattern: crc.value)
    }

    /// `V1_2__Add_users.sql` → (version "1.2", "Add users"); `R__Views.sql` → (nil, "Views"), with the
    /// prefixes, separator and suffixes of `naming` (resource/ResourceNameParser.parse: suffixes match
    /// without regard to case, underscores in the description become spaces).
    static func parse(_ fileName: String, _ naming: FlywaySettings = FlywaySettings()) -> (version: String?, description: String)? {
        guard let suffix = naming.sqlMigrationSuffixes.first(where: { fileName.lowercased().hasSuffix($0.lowercased()) }),
              !naming.sqlMigrationSeparator.isEmpty else { return nil }
        let stem = String(fileName.dropLast(suffix.count))
        let versioned = stem.hasPrefix(naming.sqlMigrationPrefix)
        let repeatable = stem.hasPrefix(naming.repeatableSqlMigrationPrefix)
        // The longer prefix wins, as Flyway sorts its prefixes longest first.
        let prefix: String
        if versioned && (!repeatable || naming.sqlMigrationPrefix.count >= naming.repeatableSqlMigrationPrefix.count) {
            prefix = naming.sqlMigrationPrefix
        } else if repeatable {
            prefix = naming.repeatableSqlMigrationPrefix
        } else {
            return nil
        }
        let rest = stem.dropFirst(prefix.count)
        guard let sep = rest.range(of: naming.sqlMigrationSeparator) else {
            return prefix == naming.sqlMigrationPrefix ? ("", "") : nil
        }
        let head = String(rest[..<sep.lowerBound])
        let description = rest[sep.upperBound...].replacingOccurrences(of: "_", with: " ")
        if prefix == naming.repeatableSqlMigrationPrefix && prefix != naming.sqlMigrationPrefix {
            return head.isEmpty ? (nil, description) : nil
        }
        return (head.replacingOccurrences(of: "_", with: "."), description)
    }

    func scan(_ directory: MigrationDirectory) throws(VerifierError) -> [MigrationFile] {
        let naming = settings.flyway
        let candidates = try directory.walk().compactMap { rel -> (String, String?, String)? in
            guard let (versionText, description) = Self.parse(String(rel.split(separator: "/").last ?? ""), naming),
                  versionText.map({ MigrationVersion.numeric($0, separators: ["."]) != nil }) ?? true else { return nil }
            return (rel, versionText, description)
        }
        let contents = try ParallelScan.map(candidates) { (c) throws(VerifierError) -> ([UInt8], String) in
            let bytes = try directory.read(c.0)
            return (bytes, String(Self.checksum(bytes)))
        }
        var versioned: [MigrationFile] = [], repeatable: [MigrationFile] = []
        for ((rel, versionText, description), (bytes, checksum)) in zip(candidates, contents) {
            if let versionText {
                let version = MigrationVersion.numeric(versionText, separators: ["."])!
                versioned.append(MigrationFile(
                    version: version, name: "V\(versionText) (\(description))", path: directory.display(rel),
                    bytes: bytes, checksum: checksum, description: Self.abbreviated(description)))
            } else {
                repeatable.append(MigrationFile(
                    version: nil, name: "R__\(description)", repeatableKey: description, path: directory.display(rel),
                    bytes: bytes, checksum: checksum))
            }
        }
        return versioned.sorted { $0.version! < $1.version! } + repeatable.sorted { $0.path < $1.path }
    }

    /// Files that look like versioned migrations but whose version Flyway cannot read: skipped by Flyway
    /// (a note) unless validateMigrationNaming is on, when Flyway refuses the folder (an error).
    /// (resolver/sql/SqlMigrationResolver.addMigrations skips names ResourceNameParser marks invalid.)
    func directoryFindings(_ directory: MigrationDirectory, files: [MigrationFile]) throws(VerifierError) -> [Finding] {
        let naming = settings.flyway
        return try directory.walk().compactMap { rel -> Finding? in
            let name = String(rel.split(separator: "/").last ?? "")
            guard let (versionText, _) = Self.parse(name, naming), let versionText,
                  MigrationVersion.numeric(versionText, separators: ["."]) == nil else { return nil }
            let path = directory.display(rel)
            let example = naming.sqlMigrationPrefix + "1_2" + naming.sqlMigrationSeparator + "name" + (naming.sqlMigrationSuffixes.first ?? ".sql")
            return naming.validateMigrationNaming
                ? Finding(rule: "migrations/invalid-name", message: "'\(path)' is not a valid Flyway migration name; Flyway refuses "
                            + "to run because validateMigrationNaming is on", path: path, identity: "invalid-name \(rel)",
                          help: "rename it like '\(example)' (numbers separated by dots or underscores), or move it out of the folder")
                : Finding(rule: "migrations/invalid-name", severity: .note,
                          message: "'\(path)' is not a valid Flyway migration name, so Flyway ignores it without a word "
                            + "(validateMigrationNaming is off)", path: path, identity: "invalid-name \(rel)",
                          help: "rename it like '\(example)' if it should run, or set validateMigrationNaming = true")
        }
    }

    // flyway-core schemahistory/SchemaHistoryFactory.prepareSchemas: the table lives in defaultSchema, else
    // the first of schemas, else the connection's current schema (search_path).
    func historyTable(on db: HistoryDatabase) -> TableName {
        TableName(settings.table ?? defaultTable, schema: db.engine == .postgres ? settings.schema : nil)
    }

    func readHistory(_ db: HistoryDatabase, table: TableName) throws(VerifierError) -> History {
        let rows = try rows(db, table: table, columns: historyColumns, orderBy: ["installed_rank"])
        var versioned: [MigrationVersion: HistoryEntry] = [:]
        var repeatable: [String: HistoryEntry] = [:]
        var baseline: MigrationVersion?
        for row in rows {
            let type = (row["type"].text ?? "SQL").uppercased()
            let description = row["description"].text ?? ""
            let version = row["version"].text.flatMap { MigrationVersion.numeric($0, separators: ["."]) }
            switch type {
            case "SCHEMA":
                continue
            case "BASELINE":
                baseline = version
                continue
            case "DELETE":
                if let version { versioned[version] = nil } else { repeatable[description] = nil }
                continue
            case _ where type.hasPrefix("UNDO"):
                if let version { versioned[version] = nil }
                continue
            case _ where !type.contains("SQL"):
                continue  // JDBC and other code migrations: no script to compare
            default:
                break
            }
            let state: HistoryEntry.State = row["success"].bool == false ? .failed("success = 0") : .applied
            let checksum = row["checksum"].int.map { String(Int32(truncatingIfNeeded: $0)) }
            if let version {
                var entry = HistoryEntry(
                    version: version, name: "V\(version.text) (\(description))", checksum: checksum, state: state)
                // SchemaHistory.NO_DESCRIPTION_MARKER stands for an empty description on some databases.
                entry.description = description == "<< no description >>" ? "" : description
                entry.appliedOrder = Int(row["installed_rank"].int ?? 0)
                versioned[version] = entry
            } else {
                repeatable[description] = HistoryEntry(
                    version: nil, repeatableKey: description, name: "R__\(description)", checksum: checksum, state: state)
            }
        }
        let entries = versioned.values.sorted { $0.version! < $1.version! } + repeatable.values.sorted { $0.name < $1.name }
        return History(table: table.description, tableExists: true, entries: entries, coveredThrough: baseline, rowCount: rows.count)
    }
}
