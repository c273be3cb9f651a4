import Foundation
import GateCore

/// A checkpoint file (`checkpoint:`): the last verified record's place, sequence number and hashes, and
/// the Merkle tree's compact range at that size, so that a later run reads only what was appended after it
/// and still knows the whole history's chain hash and root. JSON with sorted keys; written by
/// `gate ledger checkpoint`. See docs/ledger.md for the fields.
struct LedgerCheckpoint: Codable, Sendable, Equatable {
    static let formatName = "gate-ledger-checkpoint/1"

    struct Position: Codable, Sendable, Equatable {
        /// The file (relative to the check's root) and byte offset of the pinned line, for JSON Lines.
        var file: String?
        var offset: Int64?
        /// The pinned line's length in bytes (without its newline).
        var length: Int?
        var line: Int
        /// The pinned row's order key, for tables.
        var key: String?
    }

    struct Merkle: Codable, Sendable, Equatable {
        var treeSize: Int
        var rootHash: String
        /// The roots of the perfect subtrees of the tree at `treeSize`, left to right (hex).
        var compactRange: [String]

        enum CodingKeys: String, CodingKey {
            case treeSize = "tree_size", rootHash = "root_hash", compactRange = "compact_range"
        }
    }

    /// The settings the hashes were computed under; a checkpoint is only comparable under the same.
    struct Settings: Codable, Sendable, Equatable {
        var algorithm: String
        var canonical: String
        var encoding: String
    }

    var format: String
    /// The pinned record's ordinal: the count of records up to and including it.
    var records: Int
    var sequence: Int64?
    var timestampNanoseconds: Int64?
    /// The pinned record's hashes as the ledger writes them.
    var recordHash: String
    var chainHash: String?
    var position: Position
    var merkle: Merkle?
    var settings: Settings

    enum CodingKeys: String, CodingKey {
        case format, records, sequence, timestampNanoseconds = "timestamp_ns", recordHash = "record_hash",
             chainHash = "chain_hash", position, merkle, settings
    }

    /// Reads a checkpoint; nil when the file does not exist.
    static func load(_ path: String, display: String) throws(VerifierError) -> LedgerCheckpoint? {
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        let data = Data(try SmallInput.read(path, display: display, limit: 1 << 20, what: "the checkpoint"))
        let checkpoint: LedgerCheckpoint
        do {
            checkpoint = try JSONDecoder().decode(LedgerCheckpoint.self, from: data)
        } catch {
            throw VerifierError("'\(display)' is not a gate ledger checkpoint (\(Self.reason(error))); write it again with 'gate ledger checkpoint'")
        }
        guard checkpoint.format == formatName else {
            throw VerifierError("'\(display)' has format '\(checkpoint.format)'; this gate reads '\(formatName)'")
        }
        guard checkpoint.records >= 1, checkpoint.position.line >= 1 else {
            throw VerifierError("'\(display)' pins no record (records: \(checkpoint.records)); write it again with 'gate ledger checkpoint'")
        }
        return checkpoint
    }

    func encoded() -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return ((try? encoder.encode(self)) ?? Data()) + Data("\n".utf8)
    }

    private static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): "no '\(key.stringValue)'"
        case DecodingError.typeMismatch(_, let c), DecodingError.valueNotFound(_, let c):
            "'\(c.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type"
        case DecodingError.dataCorrupted: "not valid JSON"
        default: "\(error)"
        }
    }
}
