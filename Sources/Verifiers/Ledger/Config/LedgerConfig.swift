import Foundation
import GateCore
import GateDatabase

/// A ledger check's `with:` block, validated at load time: where the records are, how each is hashed and
/// chained, and what else to hold them to (checkpoint, Merkle root and proofs, a restored copy).
struct LedgerConfig: Sendable {
    /// JSON Lines files or globs, in the order given (`source`).
    var sources: [String]
    /// A SQLite file or a PostgreSQL URL (or `{url-env: NAME}`), with `table`.
    var database: DatabaseLocation?
    var statementTimeout: Duration
    var table: String?
    var orderBy: String?
    var jsonColumn: String?

    var fields: RecordFields
    var hashing: RecordHashing
    var chain: ChainRules

    var checkpoint: String?
    var full: Bool
    var merkleRoot: String?
    var merkleSize: Int?
    var inclusionProofs: [String]
    var consistencyProofs: [String]
    var compare: [String]
    var maxRecordBytes: Int
    var threads: Int

    init(_ p: Parameters) throws(ConfigError) {
        sources = try p.stringList("source")
        database = try p.database()
        statementTimeout = try p.duration("statement-timeout") ?? .seconds(3600)
        table = try p.string("table")
        orderBy = try p.string("order-by")
        jsonColumn = try p.string("json-column")
        if sources.isEmpty && database == nil {
            throw .missingKey(p.location, key: "source", context: "a 'ledger' check (or 'database' with 'table')")
        }
        if !sources.isEmpty && database != nil {
            throw p.error("database", "a ledger is either JSON Lines files ('source') or a table ('database'), not both")
        }
        if database != nil && table == nil {
            throw .missingKey(p.location, key: "table", context: "a 'ledger' check reading a database")
        }
        for key in ["table", "order-by", "json-column", "statement-timeout"] where p.has(key) && database == nil {
            throw p.error(key, "'\(key)' applies to a database ledger; set 'database' too, or remove it")
        }
        fields = try RecordFields(p)
        hashing = try RecordHashing(p)
        chain = try ChainRules(p, fields: fields, hashing: hashing)
        if chain.over == .record {
            if p.has("hash-field") && fields.hash != nil {
                throw p.error("hash-field", "'chain-over: record' chains the records themselves, so records store no hash of their own; remove 'hash-field' or set it to ''")
            }
            fields.hash = nil
            if fields.prev != nil && !fields.prevPointsToChain {
                throw p.error("prev-points-to", "with 'chain-over: record' a 'prev-field' can only point to the chain hash")
            }
        }
        if fields.hash == nil && fields.chain == nil {
            throw p.error("hash-field", "with neither 'hash-field' nor 'chain-field' there is nothing to verify; name at least one")
        }
        checkpoint = try p.path("checkpoint")
        full = try p.bool("full", default: false)
        merkleRoot = try p.string("merkle-root")
        if p.has("merkle-size") {
            merkleSize = try p.int("merkle-size", default: 0, range: 0...Int.max)
            if merkleRoot == nil { throw p.error("merkle-size", "'merkle-size' says which tree 'merkle-root' is for; set 'merkle-root' too") }
        }
        inclusionProofs = try p.paths("inclusion-proofs")
        consistencyProofs = try p.paths("consistency-proofs")
        compare = try p.paths("compare")
        if !compare.isEmpty && database != nil {
            throw p.error("compare", "'compare' takes a restored JSON Lines copy of a JSON Lines ledger")
        }
        maxRecordBytes = try p.int("max-record-bytes", default: 16 << 20, range: 1024...(1 << 30))
        threads = try p.int("threads", default: ProcessInfo.processInfo.activeProcessorCount, range: 1...256)
    }

    /// True when the run needs the Merkle tree.
    var wantsMerkle: Bool { merkleRoot != nil || !inclusionProofs.isEmpty || !consistencyProofs.isEmpty }
}

/// Which members of a record carry what.
struct RecordFields: Sendable {
    /// The member holding the record's own hash; nil when records store none.
    var hash: String?
    /// The member holding the chain hash; nil when there is no chain.
    var chain: String?
    /// A member that repeats the previous record's chain hash (or record hash, `prevPointsTo`).
    var prev: String?
    var prevPointsToChain: Bool
    var sequence: String?
    var firstSequence: Int?
    var timestamp: String?
    /// Nanoseconds per unit of a numeric timestamp.
    var timestampUnit: Int64
    var maxSkewNanoseconds: Int64
    /// A member that names the record in findings (a receipt id).
    var id: String?
    /// More members left out of the hashed form (signatures).
    var exclude: [String]
    var hashFieldsAs: HashFieldsMode

    init(_ p: Parameters) throws(ConfigError) {
        // `hash-field: ''` and `hash-field: null` both say "records have none".
        func optional(_ key: String, default d: String?) throws(ConfigError) -> String? {
            if let v = p.values[key], v.isNull { return nil }
            guard p.has(key) else { return d }
            let s = try p.string(key) ?? ""
            return s.isEmpty ? nil : s
        }
        hash = try optional("hash-field", default: "hash")
        chain = try optional("chain-field", default: "chain_hash")
        prev = try optional("prev-field", default: nil)
        let pointsTo = try p.string("prev-points-to", default: chain == nil ? "hash" : "chain")
        guard ["chain", "hash"].contains(pointsTo) else {
            throw p.error("prev-points-to", "must be 'chain' or 'hash', got '\(pointsTo)'")
        }
        prevPointsToChain = pointsTo == "chain"
        if prevPointsToChain && prev != nil && chain == nil {
            throw p.error("prev-points-to", "'prev-field' cannot point to the chain hash when 'chain-field' is empty; use 'prev-points-to: hash'")
        }
        if !prevPointsToChain && prev != nil && hash == nil {
            throw p.error("prev-points-to", "'prev-field' cannot point to the record hash when 'hash-field' is empty")
        }
        sequence = try optional("sequence-field", default: nil)
        if p.has("first-sequence") {
            firstSequence = try p.int("first-sequence", default: 0)
            if sequence == nil { throw p.error("first-sequence", "set 'sequence-field' too: it names the member that holds the sequence number") }
        }
        timestamp = try optional("timestamp-field", default: nil)
        let unit = try p.string("timestamp-unit", default: "s")
        guard let n = ["s": Int64(1_000_000_000), "ms": 1_000_000, "us": 1_000, "ns": 1][unit] else {
            throw p.error("timestamp-unit", "must be 's', 'ms', 'us' or 'ns' (for numeric timestamps), got '\(unit)'")
        }
        timestampUnit = n
        let skew = try p.duration("max-skew") ?? .zero
        maxSkewNanoseconds = skew.components.seconds * 1_000_000_000 + skew.components.attoseconds / 1_000_000_000
        id = try optional("id-field", default: nil)
        exclude = try p.stringList("exclude-fields")
        hashFieldsAs = try p.oneOf("hash-fields-as", default: HashFieldsMode.omit)
        // YAML reads `hash-fields-as: null` as a null value, which here means the word.
        if let v = p.values["hash-fields-as"], v.isNull { hashFieldsAs = .null }
        let named = [hash, chain, prev, sequence, timestamp].compactMap { $0 }
        for (k, name) in named.enumerated() where named[..<k].contains(name) {
            throw p.error("hash-field", "the member '\(name)' is named for two roles; each of hash, chain, prev, sequence and timestamp needs its own")
        }
    }

    /// The members left out of the hashed form: the hash and chain members and `exclude-fields`.
    var hashMembers: [String] { [hash, chain].compactMap { $0 } + exclude }
}
