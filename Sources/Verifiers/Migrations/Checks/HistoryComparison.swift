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
    static func duplicates(_ files: [MigrationFile]) -> (kept: [MigrationFile], findings: [Finding]) {
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
                        allowPending: Bool, databaseShown: String, directoryShown: String) -> Comparison {
        var result = Comparison()
        let versioned = files.filter { !$0.isRepeatable }
        var fileByVersion: [MigrationVersion: MigrationFile] = [:]
        fileByVersion.reserveCapacity(versioned.count)
        for f in versioned { fileByVersion[f.version!] = f }
        var fileByKey: [String: MigrationFile] = [:]
        for f in files where f.isRepeatable { fileByKey[f.repeatableKey ?? f.name] = f }
        let newestFile = versioned.last?.version
        let table = "'\(history.table)' in '\(databaseShown)'"

        var recorded = Set<MigrationVersion>(minimumCapacity: history.entries.count)
        var latestApplied = history.coveredThrough
        var repeatableEntries: [String: HistoryEntry] = [:]
        for entry in history.entries {
            let file: MigrationFile?
            if let v = entry.version {
                recorded.insert(v)
                if latestApplied == nil || latestApplied! < v { latestApplied = v }
                file = fileByVersion[v]
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
                    result.findings.append(missing(entry, newestFile: newestFile, table: table, databaseShown: databaseShown,
                                                   directoryShown: directoryShown))
                    continue
                }
                guard format.hasChecksums, let stored = entry.checksum, !stored.isEmpty, !file.isRepeatable,
                      !format.matches(file, stored: stored) else { continue }
                result.findings.append(Finding(
                    rule: "migrations/modified",
                    message: "applied migration '\(file.path)' was edited: \(table) stores checksum '\(stored)', "
                        + "the file now gives '\(file.checksum)'; \(format.repairHint)",
                    path: file.path, identity: "\(entry.name) \(file.checksum)",
                    evidence: ["stored": stored, "computed": file.checksum], help: format.repairHint))
            }
        }

        let pendingSeverity: Severity = allowPending ? .note : .error
        let pendingHelp = allowPending
            ? "apply it with the migration tool as part of the deploy"
            : "apply it before this gate runs, or set 'allow-pending: true' to report it as a note"
        for file in files {
            if let v = file.version {
                if recorded.contains(v) { continue }
                if let covered = history.coveredThrough, v <= covered { continue }
                result.pending.append(file)
                if format.recordsEachMigration, let latest = latestApplied, v < latest {
                    result.findings.append(Finding(
                        rule: "migrations/out-of-order",
                        message: "'\(file.path)' is not applied but sorts before version '\(latest.text)', the latest applied; "
                            + "it would run out of order or be skipped",
                        path: file.path, identity: "out-of-order \(file.name)",
                        help: "renumber it after the latest applied version, or apply it deliberately out of order"))
                } else {
                    result.findings.append(Finding(
                        rule: "migrations/pending", severity: pendingSeverity,
                        message: "'\(file.path)' is pending: not applied to '\(databaseShown)' yet",
                        path: file.path, identity: "pending \(file.name)", help: pendingHelp))
                }
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

    /// A history row without a file: lost (`missing-file`) when it falls among the files' versions,
    /// foreign (`unknown-applied`) when it is newer than every file.
    static func missing(_ entry: HistoryEntry, newestFile: MigrationVersion?, table: String, databaseShown: String,
                        directoryShown: String) -> Finding {
        if let v = entry.version, let newest = newestFile, newest < v {
            return Finding(
                rule: "migrations/unknown-applied", severity: .warning,
                message: "'\(entry.name)' is applied (\(table)) but newer than every file in '\(directoryShown)': "
                    + "applied from another branch or a newer release",
                path: databaseShown, identity: "unknown-applied \(entry.name)",
                help: "deploy from a checkout that has this migration, or find out who applied it")
        }
        return Finding(
            rule: "migrations/missing-file",
            message: "'\(entry.name)' is applied (\(table)) but has no file in '\(directoryShown)': deleted or renamed",
            path: databaseShown, identity: "missing-file \(entry.name)",
            help: "restore the file from git under its original name")
    }
}
