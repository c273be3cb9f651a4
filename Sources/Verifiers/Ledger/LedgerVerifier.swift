import Foundation
import GateCore

/// Verifies an append-only ledger of receipts or audit records: every record hashes to the hash stored
/// with it (`hash = H(canonical(record without its hash members))`), every record links to the one before
/// (`chain = H(previous chain ‖ hash)`, from a genesis value, with optional `prev` pointers), sequence
/// numbers run without gaps or repeats, and timestamps never go back beyond an allowed skew.
///
/// Sources: JSON Lines files (one, a list or globs, in order) or a SQLite table. Canonical forms: RFC 8785
/// (default), sorted keys, compact, or the line's exact bytes; SHA-256 (default), SHA-512 or XXH3-128;
/// hex, base64 or base64url digests with an optional prefix. A checkpoint file pins the last verified
/// record so that later runs read only what was appended; a published RFC 6962 Merkle root and inclusion
/// and consistency proofs compare the ledger with a copy elsewhere; `compare` holds a restored backup to
/// the live ledger. The first broken record is reported with its likely cause (edited, removed, inserted,
/// reordered, truncated below the checkpoint, or an encoding difference); later ones are counted.
public struct LedgerVerifier: Verifier {
    let config: LedgerConfig

    public init(parameters: Parameters) throws(ConfigError) {
        config = try LedgerConfig(parameters)
    }

    public var evaluatedRules: [String] {
        var rules = ["ledger/invalid-record", "ledger/record-hash", "ledger/chain-break", "ledger/number-precision"]
        if config.fields.sequence != nil { rules.append("ledger/sequence") }
        if config.fields.timestamp != nil { rules.append("ledger/timestamp") }
        if config.checkpoint != nil { rules.append("ledger/checkpoint") }
        if config.merkleRoot != nil { rules.append("ledger/merkle-root") }
        if !config.inclusionProofs.isEmpty { rules.append("ledger/inclusion-proof") }
        if !config.consistencyProofs.isEmpty { rules.append("ledger/consistency-proof") }
        if !config.compare.isEmpty { rules.append("ledger/backup-mismatch") }
        return rules
    }

    public static var supportsSplit: Bool { false }

    /// The ledger's files (or its SQLite file with the write-ahead log beside it), the checkpoint, a
    /// published root kept in a file, the proofs and the restored copies. A PostgreSQL ledger is a store
    /// the cache cannot fingerprint: never cached by default.
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? {
        var paths = config.sources
        switch config.database {
        case .sqlite(let path)?: paths += [path, path + "-wal"]
        case .postgres?, .environment?: return nil
        case nil: break
        }
        if let checkpoint = config.checkpoint { paths.append(checkpoint) }
        if let root = config.merkleRoot {
            let file = PathUtil.resolve(root, against: parameters.root)
            if FileManager.default.fileExists(atPath: file) { paths.append(file) }
        }
        return CacheInputs(paths: paths + config.inclusionProofs + config.consistencyProofs + config.compare)
    }
}
