import Foundation
import GateCore

extension LedgerRun {
    /// Where a pass can resume from the checkpoint; nil (with a note saying why) when it must read everything.
    func resumeState(_ c: LedgerCheckpoint, scan: LedgerScan, notes: inout [String]) -> ResumeState? {
        let n = c.records
        if scan.captures.contains(where: { $0 < n }) || scan.rootSizes.contains(where: { $0 < n })
            || scan.leafIndices.contains(where: { $0 < n - 1 }) {
            notes.append("verified in full: 'compare' or the Merkle inputs refer to records before the checkpoint")
            return nil
        }
        guard let part = source.part(named: c.position.file, key: c.position.key) else {
            notes.append("the checkpoint's file '\(c.position.file ?? "?")' is no longer part of the ledger, so every record was verified")
            return nil
        }
        if let offset = c.position.offset, let length = c.position.length, !source.reaches(part: part, end: offset + Int64(length)) {
            notes.append("the ledger ends before the checkpoint's position, so every record was verified")
            return nil
        }
        guard let hash = settings.hashing.text.decode(c.recordHash) else { return nil }
        var chain = [UInt8](repeating: 0, count: settings.hashing.algorithm.length)
        if settings.fields.chain != nil {
            guard let text = c.chainHash, let decoded = settings.hashing.text.decode(text) else { return nil }
            chain = decoded
        }
        var tree: MerkleTree?
        if settings.wantsLeaves {
            guard let m = c.merkle, m.treeSize == n,
                  let t = MerkleTree(size: n, range: m.compactRange.compactMap { DigestText(encoding: .hex).decode($0) }) else {
                notes.append("verified in full: the checkpoint holds no Merkle tree to extend")
                return nil
            }
            tree = t
        }
        return ResumeState(point: ResumePoint(part: part, offset: c.position.offset ?? 0, key: c.position.key),
                           ordinal: n, line: c.position.line, hash: hash, chain: chain, sequence: c.sequence,
                           timestamp: c.timestampNanoseconds, merkle: tree)
    }

    /// The pin, held to a pass that read every record (a resumed pass has already checked it).
    func checkpointFindings(_ c: LedgerCheckpoint?, outcome: ScanOutcome, resumed: Bool) -> [Finding] {
        guard let path = config.checkpoint else { return [] }
        let display = PathUtil.relative(path, to: root)
        guard let c else {
            return [Finding(rule: "ledger/checkpoint", severity: .warning,
                            message: "no checkpoint at '\(display)' yet: every record was verified, but nothing pins the ledger's history, "
                                + "so a chain rebuilt after an edit would pass",
                            path: display, identity: "no-checkpoint",
                            help: "Write one with 'gate ledger checkpoint' once this check passes, and keep it where the ledger's writers cannot change it.")]
        }
        guard !resumed else { return [] }
        let pinned = "record \(c.records.grouped)" + (c.sequence.map { " (sequence \($0))" } ?? "")
        let name = c.position.file.map { "line \(c.position.line) of '\($0)'" } ?? "row \(c.position.line)"
        if outcome.records < c.records {
            let lost = c.records - outcome.records
            return [Finding(rule: "ledger/checkpoint",
                            message: "truncated below the checkpoint: the ledger holds \(outcome.records.grouped) records, but the checkpoint "
                                + "pins \(pinned) at \(name); \(lost.grouped) record\(lost == 1 ? " is" : "s are") gone "
                                + "(a restored backup that lost records, or a truncation)",
                            path: display, identity: "truncated",
                            evidence: ["expected": "at least \(c.records) records", "found": "\(outcome.records) records",
                                       "cause": "truncated below the checkpoint"],
                            help: "Restore the lost records from a newer backup or the writers' sources; do not move the checkpoint back.")]
        }
        guard let now = outcome.captured[c.records] else { return [] }
        let wanted = settings.fields.chain != nil ? c.chainHash : c.recordHash
        let found = settings.fields.chain != nil ? now.chain : now.hash
        guard let wanted, settings.hashing.text.decode(wanted) != found else { return [] }
        let brokeBefore = outcome.firstBreak.map { $0.place.ordinal <= c.records } ?? false
        let cause = brokeBefore
            ? "the chain breaks before it (see the chain finding): records up to the checkpoint were changed"
            : "forged: every record hashes and links, yet the history up to the checkpoint differs from what was pinned; "
                + "records were edited and the chain rebuilt from there"
        return [Finding(rule: "ledger/checkpoint",
                        message: "the record the checkpoint pins (\(pinned)) changed: its \(settings.fields.chain != nil ? "chain" : "record") hash is "
                            + "\(settings.hashing.text.encode(found)), the checkpoint holds \(wanted); \(cause)",
                        path: display, identity: "pin-changed",
                        evidence: ["expected": wanted, "found": settings.hashing.text.encode(found), "cause": cause,
                                   "record": String(c.records)],
                        help: "Treat the ledger as tampered with: restore it from a backup that matches the checkpoint.")]
    }

    /// A checkpoint pinning the pass's last record; nil when the ledger is empty.
    func checkpoint(from outcome: ScanOutcome) -> LedgerCheckpoint? {
        guard let last = outcome.last, last.valid else { return nil }
        let text = settings.hashing.text
        var position = LedgerCheckpoint.Position(line: last.place.line)
        if source.isTable {
            position.key = last.place.key
        } else {
            position.file = source.partName(last.place.part)
            position.offset = last.place.offset
            position.length = last.place.length
        }
        var merkle: LedgerCheckpoint.Merkle?
        if settings.wantsLeaves {
            merkle = LedgerCheckpoint.Merkle(treeSize: outcome.merkle.size, rootHash: Hex.encode(outcome.merkle.root),
                                             compactRange: outcome.merkle.range.map(Hex.encode))
        }
        return LedgerCheckpoint(
            format: LedgerCheckpoint.formatName, records: outcome.records, sequence: outcome.lastSequence,
            timestampNanoseconds: outcome.lastTimestamp, recordHash: text.encode(last.hash),
            chainHash: settings.fields.chain != nil ? text.encode(last.chain) : nil, position: position, merkle: merkle,
            settings: .init(algorithm: settings.hashing.algorithm.rawValue, canonical: settings.hashing.canonical.rawValue,
                            encoding: text.encoding.rawValue))
    }
}
