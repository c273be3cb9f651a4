import Foundation
import GateCore

/// What `gate ledger checkpoint` did.
public struct LedgerCheckpointResult: Sendable {
    /// The checkpoint file, relative to the root.
    public var path: String
    /// True when the file was written; false when the ledger failed and nothing was pinned.
    public var written: Bool
    /// One line: what was verified and what is pinned now.
    public var summary: String
    /// Why the ledger cannot be pinned (its error findings), when it cannot.
    public var findings: [Finding]
}

/// The ledger's RFC 6962 root, for publishing (`gate ledger root`).
public struct LedgerRoot: Sendable {
    public var treeSize: Int
    public var rootHash: String
    public var summary: String

    /// `{"root_hash": "…", "tree_size": N}`: what `merkle-root` reads.
    public var json: String { "{\"root_hash\": \"\(rootHash)\", \"tree_size\": \(treeSize)}\n" }
}

extension LedgerVerifier {
    /// Verifies the ledger (from its checkpoint when there is one) and, when every check passes, pins its
    /// last record in the checkpoint file (`output`, or the check's `checkpoint`), written atomically. Throws
    /// `ConfigError.usage` when neither names a file.
    public func writeCheckpoint(root: String, output: String?, environment: [String: String] = ProcessInfo.processInfo.environment,
                                progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> LedgerCheckpointResult {
        var config = self.config
        if let output { config.checkpoint = PathUtil.resolve(output, against: root) }
        guard let path = config.checkpoint else {
            throw ConfigError.usage("no checkpoint file to write: set 'checkpoint' (--set checkpoint=ledger.checkpoint) or pass --output")
        }
        let display = PathUtil.relative(path, to: root)
        let run = try LedgerRun(config: config, root: root, environment: environment, merkle: true, progress: progress)
        let result = try run.verify()
        let errors = result.findings.filter { $0.severity == .error }.sorted(by: Finding.reportOrder)
        let summary = Self.summary(result, run: run, findings: errors)
        guard errors.isEmpty else {
            return LedgerCheckpointResult(path: display, written: false, summary: summary, findings: errors)
        }
        guard let checkpoint = run.checkpoint(from: result.outcome) else {
            return LedgerCheckpointResult(path: display, written: false, summary: summary + "; an empty ledger has nothing to pin",
                                          findings: [])
        }
        do {
            try AtomicFile.write(checkpoint.encoded(), to: path)
        } catch {
            throw VerifierError("cannot write the checkpoint: \(error.description)")
        }
        var pinned = "pinned record \(checkpoint.records.grouped)"
        if let s = checkpoint.sequence { pinned += " (sequence \(s))" }
        pinned += " in '\(display)'"
        if let chain = checkpoint.chainHash { pinned += ", chain hash \(chain)" }
        return LedgerCheckpointResult(path: display, written: true, summary: summary + "; " + pinned, findings: [])
    }

    /// Verifies the ledger and returns its RFC 6962 root over every record's hash.
    public func merkleRoot(root: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                           progress: @escaping @Sendable (String) -> Void = { _ in }) throws -> (LedgerRoot, [Finding]) {
        let run = try LedgerRun(config: config, root: root, environment: environment, merkle: true, progress: progress)
        let result = try run.verify()
        let errors = result.findings.filter { $0.severity == .error }.sorted(by: Finding.reportOrder)
        let tree = result.outcome.merkle
        return (LedgerRoot(treeSize: tree.size, rootHash: Hex.encode(tree.root), summary: Self.summary(result, run: run, findings: errors)),
                errors)
    }
}
