import Crypto
import Foundation
import GateCore

/// Checks Atlas revisions against the files they were applied from.
///
/// A revision's `hash` is the file's line of `atlas.sum` when it ran (sql/migrate/migrate.go
/// Executor.Execute stores HashFile.SumByName): a running SHA-256 over every file before it in name
/// order, then its own name and bytes (dir.go NewHashFile). So a file inserted before applied ones, or
/// one deleted, changes the stored hash of every later file although their content did not. gate
/// therefore recomputes the chain over the applied files only: for each revision, the files applied
/// before it (by execution time) whose names sort before its own, under the names the revisions
/// recorded, then the revision's file. The first revision whose own chain differs is the edited file;
/// revisions after it chain over that changed (or missing) file and can no longer be verified, which is
/// a note, not an edit.
struct AtlasRevisionChain {
    let files: [MigrationFile]
    let history: History

    private struct Link {
        var entry: HistoryEntry
        var name: String
        var bytes: [UInt8]?
        var path: String?
    }

    func findings(format: AtlasFormat, context: ComparisonContext, databaseShown: String) -> [Finding] {
        let byName = Dictionary(files.map { (PathUtil.basename($0.path), $0) }, uniquingKeysWith: { a, _ in a })
        var byVersion: [String: MigrationFile] = [:]
        for f in files where byVersion[f.version?.text ?? ""] == nil { byVersion[f.version?.text ?? ""] = f }
        let links = history.entries.compactMap { entry -> Link? in
            guard let version = entry.version?.text else { return nil }
            // The file it was applied from, even if renamed since: the chain uses the recorded name.
            let file = byName[entry.name] ?? byVersion[version]
            return Link(entry: entry, name: entry.name, bytes: file?.bytes, path: file?.path)
        }.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        // Files below a baseline revision were in the folder but never got revisions of their own.
        let covered = files.filter { f in history.coveredThrough.map { f.version! <= $0 } ?? false }
            .map { Link(entry: HistoryEntry(version: $0.version, name: PathUtil.basename($0.path), state: .applied),
                        name: PathUtil.basename($0.path), bytes: $0.bytes, path: $0.path) }
        let table = "'\(history.table)' in '\(databaseShown)'"

        // The usual case, revisions applied in name order after any baseline: each chain extends the last,
        // so one running hash serves them all. Otherwise a revision's chain is recomputed on its own.
        let coveredFirst = covered.allSatisfy { c in links.allSatisfy { c.name.utf8.lexicographicallyPrecedes($0.name.utf8) } }
        var running = SHA256()
        for c in covered.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) { Self.feed(&running, c.name, c.bytes ?? []) }
        var latestOrder = Int.min
        var out: [Finding] = []
        var spoiled: [String: String] = [:]
        var firstSpoiled: String?
        func spoil(_ name: String, _ why: String) {
            spoiled[name] = why
            if firstSpoiled == nil { firstSpoiled = name }
        }
        for (index, link) in links.enumerated() {
            let linear = coveredFirst && latestOrder < link.entry.appliedOrder
            defer {
                latestOrder = max(latestOrder, link.entry.appliedOrder)
                Self.feed(&running, link.name, link.bytes ?? [])
            }
            guard let bytes = link.bytes, let path = link.path else {
                spoil(link.name, "is missing")
                continue
            }
            let before: [Link] = linear ? [] : (covered + links[..<index].filter { $0.entry.appliedOrder < link.entry.appliedOrder })
                .filter { $0.name.utf8.lexicographicallyPrecedes(link.name.utf8) }
                .sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
            let blocker = linear ? firstSpoiled : before.first { spoiled[$0.name] != nil }?.name
            if let blocker {
                spoil(link.name, "cannot be verified")
                out.append(Finding(
                    rule: "migrations/unverifiable", severity: .note,
                    message: "applied migration '\(path)' cannot be verified: its revision hash in \(table) also covers "
                        + "'\(blocker)', which \(spoiled[blocker]!); it is not reported as edited",
                    path: path, identity: "unverifiable \(link.name)",
                    help: "restore the earlier file first; then this one can be checked again"))
                continue
            }
            guard let stored = link.entry.chainHash else { continue }
            let computed: String
            if linear {
                var h = running
                Self.feed(&h, link.name, bytes)
                computed = Data(h.finalize()).base64EncodedString()
            } else {
                computed = Self.hash(before.map { ($0.name, $0.bytes ?? []) } + [(link.name, bytes)])
            }
            guard computed != stored else { continue }
            spoil(link.name, "was edited")
            var file = MigrationFile(version: link.entry.version, name: link.name, path: path, bytes: bytes, checksum: computed)
            file.description = link.entry.description
            let message = "applied migration '\(path)' was edited: its revision in \(table) stores atlas.sum hash "
                + "'h1:\(stored)', the applied files now give 'h1:\(computed)'"
            if let f = format.reactionToEdit(file, link.entry, context).finding(
                .edited, strict: context.strict, message: message, path: path,
                identity: "\(link.name) \(computed)", evidence: ["stored": "h1:" + stored, "computed": "h1:" + computed],
                help: format.repairHint) {
                out.append(f)
            }
        }
        return out
    }

    private static func feed(_ h: inout SHA256, _ name: String, _ bytes: [UInt8]) {
        h.update(data: Array(name.utf8))
        if !AtlasSum.ignored(bytes) { h.update(data: bytes) }
    }

    /// The running atlas.sum hash after `files` (name, bytes) in the given order, honouring
    /// `atlas:sum ignore` as dir.go NewHashFile does.
    static func hash(_ files: [(String, [UInt8])]) -> String {
        var h = SHA256()
        for (name, bytes) in files { feed(&h, name, bytes) }
        return Data(h.finalize()).base64EncodedString()
    }
}
