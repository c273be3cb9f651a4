import Foundation
import GateCore

/// A restored backup (`compare:`), verified as a ledger of its own and then held to the live ledger up
/// to the restore point (its last record): the live chain hash at that record must be the copy's.
struct RestoredCopy {
    let source: JSONLinesSource
    let outcome: ScanOutcome
    let display: String

    static func scan(_ path: String, root: String, config: LedgerConfig, settings: CheckSettings) throws -> RestoredCopy {
        let source: JSONLinesSource
        do {
            source = try JSONLinesSource(patterns: [path], root: root)
        } catch {
            throw VerifierError("the restored copy: \(error.message); check 'compare'")
        }
        let outcome = try LedgerScan(settings: settings, threads: config.threads, source: source).run()
        return RestoredCopy(source: source, outcome: outcome, display: PathUtil.relative(path, to: root))
    }

    func findings(live: ScanOutcome, liveSource: any LedgerSource, config: LedgerConfig, settings: CheckSettings) -> [Finding] {
        var findings: [Finding] = []
        if let first = outcome.firstBreak {
            findings.append(retagged(LedgerRun.breakFinding(first, outcome: outcome, source: source, settings: settings,
                                                            prefix: "the restored copy is itself broken: ")))
        }
        let n = outcome.records
        guard n > 0, let mine = outcome.last else {
            findings.append(Finding(rule: "ledger/backup-mismatch", message: "the restored copy '\(display)' holds no records",
                                    path: display, identity: "empty",
                                    help: "Check the backup job: it restored nothing."))
            return findings
        }
        if live.records < n {
            findings.append(Finding(
                rule: "ledger/backup-mismatch",
                message: "the restored copy '\(display)' holds \(n.grouped) records, the live ledger only \(live.records.grouped): "
                    + "the live ledger lost \((n - live.records).grouped) record\(n - live.records == 1 ? "" : "s") that the backup still has",
                path: display, identity: "live-shorter",
                evidence: ["expected": "at least \(n) records", "found": "\(live.records) records", "cause": "live ledger truncated"],
                help: "Restore the missing records into the live ledger from this backup."))
            return findings
        }
        guard let theirs = live.captured[n], theirs.hash != mine.hash || theirs.chain != mine.chain || !theirs.valid else {
            return findings
        }
        let difference = firstDifference(liveSource: liveSource, settings: settings, limit: n)
        findings.append(Finding(
            rule: "ledger/backup-mismatch",
            message: "the restored copy '\(display)' differs from the live ledger before its restore point (record \(n.grouped)): \(difference)",
            path: display, identity: "differs",
            evidence: ["restore-point": String(n), "live-chain": settings.hashing.text.encode(theirs.chain),
                       "restored-chain": settings.hashing.text.encode(mine.chain)],
            help: "Find out which side changed: the live ledger's own checks and its checkpoint say whether it is intact."))
        return findings
    }

    private func retagged(_ f: Finding) -> Finding {
        Finding(rule: "ledger/backup-mismatch", message: f.message, path: f.path, line: f.line, column: f.column,
                identity: "restored:" + f.fingerprint, evidence: f.evidence, help: "Take a new backup and rehearse the restore again.")
    }

    /// Reads both ledgers side by side (one record at a time) to name the first record that differs and
    /// its differing members.
    private func firstDifference(liveSource: any LedgerSource, settings: CheckSettings, limit: Int) -> String {
        guard let live = liveSource as? JSONLinesSource else { return "the chain hashes at the restore point differ" }
        let a = LineCursor(source: live, maxRecordBytes: settings.maxRecordBytes)
        let b = LineCursor(source: source, maxRecordBytes: settings.maxRecordBytes)
        let probe = RecordProbe(settings)
        var ordinal = 0
        while ordinal < limit, let x = a.next(), let y = b.next() {
            ordinal += 1
            guard x.bytes != y.bytes else { continue }
            let p = probe.probe(x.bytes), q = probe.probe(y.bytes)
            if p.valid && q.valid && p.hash == q.hash && p.chain == q.chain { continue }
            let members = RecordDiff.members(x.bytes, y.bytes)
            let which = members.isEmpty ? "" : "; members that differ: " + members.prefix(8).map { "'\($0)'" }.joined(separator: ", ")
            return "record \(ordinal.grouped) differs (line \(x.line) of \(live.partName(x.part)), line \(y.line) of \(display))\(which)"
        }
        return "the chain hashes at the restore point differ"
    }
}

/// Lines of a JSON Lines source one at a time, for side-by-side comparison.
final class LineCursor {
    let source: JSONLinesSource
    let maxRecordBytes: Int
    private var part = 0
    private var line = 0
    private var reader: ChunkReader?
    private var fd: Int32 = -1
    private var pending: [[UInt8]] = []

    init(source: JSONLinesSource, maxRecordBytes: Int) {
        self.source = source
        self.maxRecordBytes = maxRecordBytes
    }

    deinit {
        if fd >= 0 { close(fd) }
    }

    func next() -> (bytes: [UInt8], part: Int, line: Int)? {
        while pending.isEmpty {
            if reader == nil {
                guard part < source.files.count else { return nil }
                fd = open(source.files[part], O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { return nil }
                reader = ChunkReader(fd: fd, part: part, start: 0, chunkBytes: 1 << 20, maxRecordBytes: maxRecordBytes, name: "")
                line = 0
            }
            guard let chunk = try? reader!.next() else {
                close(fd)
                fd = -1
                reader = nil
                part += 1
                continue
            }
            switch chunk.body {
            case .lines(let bytes):
                var lines = bytes.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
                lines.removeLast()
                pending = lines.reversed()
            case .oversized:
                pending = [[]]
            }
        }
        line += 1
        return (pending.removeLast(), part, line)
    }
}

/// The top-level members whose values differ between two records.
enum RecordDiff {
    private static func canonical(_ value: Any) -> Data? {
        try? JSONSerialization.data(withJSONObject: [value], options: [.sortedKeys, .fragmentsAllowed])
    }

    static func members(_ a: [UInt8], _ b: [UInt8]) -> [String] {
        guard let x = (try? JSONSerialization.jsonObject(with: Data(a))) as? [String: Any],
              let y = (try? JSONSerialization.jsonObject(with: Data(b))) as? [String: Any] else { return [] }
        return Set(x.keys).union(y.keys).sorted().filter { key in
            guard let u = x[key], let v = y[key] else { return true }
            return canonical(u) != canonical(v)
        }
    }
}
