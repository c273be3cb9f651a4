import GateCore

/// What comparing the folder with the history found, plus the pending migrations in apply order.
struct Comparison: Sendable {
    var findings: [Finding] = []
    var pending: [MigrationFile] = []
    var applied = 0
    var failed = 0
}

/// The rules every format shares: `modified`, `missing-file`, `unknown-applied`, `failed`, `pending`,
/// `out-of-order` and `duplicate-version`. Formats only turn files and rows into `MigrationFile` and
/// `HistoryEntry`; this type knows nothing of any tool.
enum HistoryComparison {
    /// Files that share a version (or a repeatable key): the first in path order is kept for the
    /// comparison, each later one is a finding.
    static func duplicates(_ files: [MigrationFile], allowed: Bool = false) -> (kept: [MigrationFile], findings: [Finding]) {
        // Atlas keys files by name: `1_a.up.sql` and `1_a.down.sql` share version 1 and are valid.
        if allowed { return (files, []) }
        var firstPath: [String: String] = [:]
        var kept: [MigrationFile] = [], findings: [Finding] = []
        for file in files.sorted(by: { $0.path < $1.path }) {
            let key = file.version.map { "v" + $0.keyText } ?? "r" + (file.repeatableKey ?? file.name)
            if let first = firstPath[key] {
                let what = file.version.map { "version '\($0.text)'" } ?? "repeatable description '\(file.repeatableKey ?? file.name)'"
                findings.append(Finding(
                    rule: "migrations/duplicate-version",
                    message: "'\(file.path)' has the same \(what) as '\(first)'; the tool would refuse to run or apply only one",
                    path: file.path, identity: key,
                    evidence: ["first": first], help: "give one of the two files a new version (the next free number)"))
            } else {
                firstPath[key] = file.path
                kept.append(file)
            }
        }
        let order = Dictionary(uniqueKeysWithValues: files.enumerated().map { ($0.element.path, $0.offset) })
        return (kept.sorted { order[$0.path]! < order[$1.path]! }, findings)
    }

    static func compare(_ files: [MigrationFile], _ history: History, format: any MigrationFormat,
                        otherVersions: Set<MigrationVersion> = [], contested: Set<MigrationVersion> = [], allowPending: Bool, context: ComparisonContext = .init(),
                        databaseShown: String, directoryShown: String) -> Comparison {
        var result = Comparison()
        let versioned = files.filter { !$0.isRepeatable }
        var filesByVersion: [MigrationVersion: [MigrationFile]] = [:]
        filesByVersion.reserveCapacity(versioned.count)
        for f in versioned { filesByVersion[f.version!, default: []].append(f) }
        var fileByKey: [String: MigrationFile] = [:]
        for f in files where f.isRepeatable { fileByKey[f.repeatableKey ?? f.name] = f }
        let newestFile = (versioned.compactMap(\.version) + otherVersions).max()
        let table = "'\(history.table)' in '\(databaseShown)'"
        let recordedVersions = Set(history.entries.compactMap(\.version))
        var renamedTo = Set<String>()

        var latestApplied = history.coveredThrough
        var repeatableEntries: [String: HistoryEntry] = [:]
        for entry in history.entries {
            let file: MigrationFile?
            if let v = entry.version {
                if latestApplied == nil || latestApplied! < v { latestApplied = v }
                let candidates = filesByVersion[v] ?? []
                file = candidates.first { $0.name == entry.name } ?? candidates.first
            } else {
                let key = entry.repeatableKey ?? entry.name
                repeatableEntries[key] = entry
                file = fileByKey[key]
            }
            switch entry.state {
            case .failed(let detail):
                result.failed += 1
                result.findings.append(Finding(
                    rule: "migrations/failed",
                    message: "'\(entry.name)' failed: \(table) records \(detail); \(format.failedHint)",
                    path: file?.path ?? databaseShown, identity: "failed \(entry.name)",
                    evidence: ["history": detail], help: format.failedHint))
            case .applied:
                result.applied += 1
                guard let file else {
                    if let v = entry.version, otherVersions.contains(v) { continue }
                    // A file with another name but the very content of the lost one: a renamed migration.
                    if let stored = entry.checksum, let twin = versioned.first(where: {
                        !recordedVersions.contains($0.version!) && !renamedTo.contains($0.path) && format.matches($0, stored: stored)
                    }) {
                        renamedTo.insert(twin.path)
                        if let f = renamed(twin, entry, format: format, context: context, table: table) { result.findings.append(f) }
                        continue
                    }
                    let newest = entry.version.map { v in newestFile.map { $0 < v } ?? true } ?? false
                    if let f = missing(entry, newest: newest, format: format, context: context, table: table,
                                       databaseShown: databaseShown, directoryShown: directoryShown) {
                        result.findings.append(f)
                    }
                    continue
                }
                // With two files for one version the tool refuses anyway (duplicate-version); which of them
                // the row describes is not worth a second finding.
                if !contested.contains(entry.version ?? .name("")), entry.namesAnotherVersion || (file.description != nil && entry.description != nil
                                                 && file.description != entry.description) {
                    if let f = renamed(file, entry, format: format, context: context, table: table) { result.findings.append(f) }
                    if entry.namesAnotherVersion { continue }
                }
                guard format.hasChecksums, let stored = entry.checksum, !file.isRepeatable,
                      !format.matches(file, stored: stored) else { continue }
                if let f = edited(file, entry, stored: stored, format: format, context: context, table: table) {
                    result.findings.append(f)
                }
            }
        }
        result.findings += format.historyFindings(files, history, context, databaseShown: databaseShown)

        let pendingSeverity: Severity = allowPending ? .note : .error
        let pendingHelp = allowPending
            ? "apply it with the migration tool as part of the deploy"
            : "apply it before this gate runs, or set 'allow-pending: true' to report it as a note"
        for file in files {
            if let v = file.version {
                if recordedVersions.contains(v) || renamedTo.contains(file.path) { continue }
                if let covered = history.coveredThrough, v <= covered { continue }
                result.pending.append(file)
                if format.recordsEachMigration, let latest = latestApplied, v < latest {
                    let reaction = format.reactionToOutOfOrder(file, latest: latest, context)
                    if let f = reaction.finding(
                        .outOfOrder, strict: context.strict,
                        message: "'\(file.path)' is not applied but sorts before version '\(latest.text)', the latest applied",
                        path: file.path, identity: "out-of-order \(file.name)",
                        help: "renumber it after the latest applied version, or apply it deliberately out of order") {
                        result.findings.append(f)
                        continue
                    }
                }
                result.findings.append(Finding(
                    rule: "migrations/pending", severity: pendingSeverity,
                    message: "'\(file.path)' is pending: not applied to '\(databaseShown)' yet",
                    path: file.path, identity: "pending \(file.name)", help: pendingHelp))
            } else {
                let key = file.repeatableKey ?? file.name
                let last = repeatableEntries[key]
                if let last, case .failed = last.state { continue }
                if let last, last.checksum == file.checksum { continue }
                result.pending.append(file)
                let why = last == nil ? "is pending: not applied yet" : "changed since it was last applied and will be re-applied"
                result.findings.append(Finding(
                    rule: "migrations/pending", severity: pendingSeverity,
                    message: "repeatable '\(file.path)' \(why)", path: file.path,
                    identity: "pending \(file.name) \(file.checksum)", help: pendingHelp))
            }
        }
        return result
    }

    /// A history row without a file: what the tool does decides the rule (`missing-file`,
    /// `strict-missing-file` or `unknown-applied`).
    static func missing(_ entry: HistoryEntry, newest: Bool, format: any MigrationFormat, context: ComparisonContext,
                        table: String, databaseShown: String, directoryShown: String) -> Finding? {
        let reaction = format.reactionToMissing(entry, newest: newest, context)
        let message = newest
            ? "'\(entry.name)' is applied (\(table)) but newer than every file in '\(directoryShown)'"
            : "'\(entry.name)' is applied (\(table)) but has no file in '\(directoryShown)': deleted or renamed"
        let help = newest
            ? "restore the file if it was deleted; otherwise deploy from a checkout that has this migration"
            : "restore the file from git under its original name"
        let identity = (newest ? "unknown-applied " : "missing-file ") + entry.name
        return reaction.finding(newest ? .unknownApplied : .missing, strict: context.strict, message: message,
                                path: databaseShown, identity: identity, help: help)
    }

    /// An applied file whose description (or, for gate's own format, whose recorded name) changed.
    static func renamed(_ file: MigrationFile, _ entry: HistoryEntry, format: any MigrationFormat,
                        context: ComparisonContext, table: String) -> Finding? {
        let recorded = entry.description ?? entry.name
        let message = entry.namesAnotherVersion
            ? "\(table) row '\(entry.version?.text ?? entry.name)' is named '\(recorded)', which is not the file with that "
                + "version ('\(file.path)'); its checksum was compared with neither file"
            : "applied migration '\(file.path)' was recorded as '\(recorded)' but its file now says '\(file.description ?? file.name)'"
        return format.reactionToRename(file, entry, context).finding(
            .renamed, strict: context.strict, message: message, path: file.path,
            identity: "renamed \(entry.name) \(file.path)", evidence: ["recorded": recorded, "file": file.description ?? file.name],
            help: "give the file back the name it was applied under (git mv), or record the new name with the tool's repair command")
    }

    /// An applied file whose checksum no longer matches; the message says when only line endings differ.
    static func edited(_ file: MigrationFile, _ entry: HistoryEntry, stored: String, format: any MigrationFormat,
                       context: ComparisonContext, table: String) -> Finding? {
        var message = "applied migration '\(file.path)' was edited: \(table) stores checksum '\(stored)', "
            + "the file now gives '\(file.checksum)'"
        if [Checksums.crlfToLF(file.bytes), Checksums.lfToCRLF(file.bytes)].contains(where: { format.checksum(of: $0) == stored }) {
            message += " (only its line endings changed: git or an editor converted LF and CRLF)"
        }
        var finding = format.reactionToEdit(file, entry, context).finding(
            .edited, strict: context.strict, message: message, path: file.path,
            identity: "\(entry.name) \(file.checksum)", evidence: ["stored": stored, "computed": file.checksum],
            help: format.repairHint)
        finding?.message += "; " + format.repairHint
        return finding
    }
}
