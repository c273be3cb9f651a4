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

        // Files below a baseline sort before every revision in practice; if one does not, it is fed in
        // name order with the rest.
        let firstName = links.first?.name
        let (early, late) = (covered.filter { c in firstName.map { c.name.utf8.lexicographicallyPrecedes($0.utf8) } ?? true },
                             covered.filter { c in !(firstName.map { c.name.utf8.lexicographicallyPrecedes($0.utf8) } ?? true) })
        let chain = (links + late).sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        var running = SHA256()
        for c in early.sorted(by: { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }) { Self.feed(&running, c.name, c.bytes ?? []) }

        // Usually every revision was applied after all those named before it: its hash extends the last
        // one, so one running hash serves them all. When that does not match, the revision may have run
        // before a file added out of order (exec_order NON_LINEAR): the chain without the earlier-named
        // files applied after it is tried too, from the state saved before the first of them. That
        // second try is bounded, so that a history applied in scrambled order cannot take quadratic time.
        var statesBefore: [SHA256] = []
        statesBefore.reserveCapacity(chain.count)
        var budget = 256 << 20
        var out: [Finding] = []
        var spoiled: [Int: String] = [:]
        // The first missing file, and the spoiled file applied earliest: enough to tell whether any spoiled
        // file belongs to a later chain without scanning them all.
        var firstMissing: Int?
        var firstSpoiled: Int?
        var earliestSpoiled: (order: Int, index: Int)?
        func spoil(_ index: Int, _ why: String) {
            spoiled[index] = why
            if firstSpoiled == nil { firstSpoiled = index }
            if chain[index].bytes == nil, firstMissing == nil { firstMissing = index }
            let order = chain[index].entry.appliedOrder
            if earliestSpoiled == nil || order < earliestSpoiled!.order { earliestSpoiled = (order, index) }
        }
        func unverifiable(_ index: Int, _ path: String, _ why: String, help: String = "restore the earlier file first; then this "
                          + "one can be checked again") {
            spoil(index, "cannot be verified")
            out.append(Finding(rule: "migrations/unverifiable", severity: .note,
                               message: "applied migration '\(path)' " + why, path: path,
                               identity: "unverifiable \(chain[index].name)", help: help))
        }
        for (index, link) in chain.enumerated() {
            statesBefore.append(running)
            defer { Self.feed(&running, link.name, link.bytes ?? []) }
            guard let bytes = link.bytes, let path = link.path else {
                spoil(index, "is missing")
                continue
            }
            // A changed or missing file applied before this one spoils its chain; one applied after it
            // (out of order) does not belong to it.
            let applied = earliestSpoiled.flatMap { $0.order <= link.entry.appliedOrder ? $0.index : nil }
            if let blocker = [firstMissing, applied].compactMap({ $0 }).min() {
                unverifiable(index, path, "cannot be verified: its revision hash in \(table) also covers "
                    + "'\(chain[blocker].name)', which \(spoiled[blocker]!); it is not reported as edited")
                continue
            }
            guard let stored = link.entry.chainHash else { continue }
            var h = running
            Self.feed(&h, link.name, bytes)
            var computed = Data(h.finalize()).base64EncodedString()
            if computed != stored {
                let later = Set((0..<index).filter { chain[$0].entry.appliedOrder > link.entry.appliedOrder })
                if let first = later.min() {
                    let cost = chain[first..<index].reduce(0) { $0 + ($1.bytes?.count ?? 0) + $1.name.utf8.count }
                    if cost > budget {
                        unverifiable(index, path, "was not verified: Atlas applied the files around it out of name order, "
                            + "and re-hashing them all again would take too long", help: "check it with 'atlas migrate status' as well")
                        continue
                    }
                    budget -= cost
                    var alt = statesBefore[first]
                    for i in first..<index where !later.contains(i) { Self.feed(&alt, chain[i].name, chain[i].bytes ?? []) }
                    Self.feed(&alt, link.name, bytes)
                    let other = Data(alt.finalize()).base64EncodedString()
                    if other == stored { continue }
                    computed = other
                }
            }
            guard computed != stored else { continue }
            // The times say an earlier changed file ran after this one, yet neither chain matches: the times
            // are not to be trusted, and the mismatch may well be that earlier file's.
            if let blocker = firstSpoiled {
                unverifiable(index, path, "cannot be verified: its revision hash may also cover '\(chain[blocker].name)', "
                    + "which \(spoiled[blocker]!); it is not reported as edited")
                continue
            }
            spoil(index, "was edited")
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
