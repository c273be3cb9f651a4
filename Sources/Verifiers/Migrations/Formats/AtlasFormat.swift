import Foundation
import GateCore

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
    var extraRules: [String] { ["migrations/sum-mismatch"] }
    var repairHint: String {
        "restore the file from git; Atlas refuses to apply a directory whose applied files changed"
    }
    var failedHint: String {
        "fix the database by hand, then run 'atlas migrate set' to record the version it is really at"
    }

    /// `20220318104614_initial.sql` → `20220318104614`.
    static func version(of fileName: String) -> String {
        String(fileName.dropLast(4).split(separator: "_", maxSplits: 1, omittingEmptySubsequences: false).first ?? "")
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
                checksum: hashes[f.name] ?? "")
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

    func readHistory(_ db: any HistoryDatabase, table: String) throws(VerifierError) -> History {
        guard let rows = try rows(db, table: table, columns: historyColumns, orderBy: ["version"]) else { return .empty(table) }
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
            entries.append(HistoryEntry(
                version: version, name: description.isEmpty ? version.text : "\(version.text)_\(description)",
                checksum: hash.isEmpty ? nil : hash, state: state))
        }
        return History(table: table, tableExists: true, entries: entries, coveredThrough: baseline, rowCount: rows.count)
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
