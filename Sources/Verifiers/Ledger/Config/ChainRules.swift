import GateCore

/// How a record's hash is computed: `hash = H(canonical(record without the hash members))`.
struct RecordHashing: Sendable {
    var canonical: CanonicalForm
    var algorithm: LedgerAlgorithm
    var text: DigestText

    init(_ p: Parameters) throws(ConfigError) {
        canonical = try p.oneOf("canonical", default: CanonicalForm.jcs)
        let name = try p.string("algorithm", default: "sha256")
        guard let a = LedgerAlgorithm(name: name) else {
            let hint = name.lowercased().hasPrefix("blake") ? " (BLAKE3 is not available: no BLAKE3 library is installed here)" : ""
            throw p.error("algorithm", "unsupported algorithm '\(name)'\(hint); use one of "
                          + LedgerAlgorithm.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
        }
        algorithm = a
        let encoding = try p.oneOf("encoding", default: DigestText.Encoding.hex)
        text = DigestText(encoding: encoding, prefix: try p.string("prefix", default: ""))
    }

    init(canonical: CanonicalForm, algorithm: LedgerAlgorithm, text: DigestText) {
        self.canonical = canonical
        self.algorithm = algorithm
        self.text = text
    }
}

/// How the chain links records: `chain = H(previous chain ‖ separator ‖ this record's hash)`, starting
/// from a genesis value.
struct ChainRules: Sendable {
    enum Input: String, CaseIterable, Sendable {
        /// The digests' bytes, decoded from their text.
        case bytes
        /// The digests as the ledger writes them (prefix and encoding included).
        case text
    }

    enum Over: String, CaseIterable, Sendable {
        /// The record's hash.
        case hash
        /// The record's canonical bytes themselves: `chain = H(previous chain ‖ canonical(record))`.
        case record
    }

    var input: Input
    var separator: [UInt8]
    var over: Over
    /// The value before the first record, in both forms.
    var genesisBytes: [UInt8]
    var genesisText: [UInt8]
    /// As written in the suite, for messages.
    var genesisName: String

    init(_ p: Parameters, fields: RecordFields, hashing: RecordHashing) throws(ConfigError) {
        input = try p.oneOf("chain-input", default: Input.bytes)
        separator = Array(try p.string("chain-separator", default: "").utf8)
        over = try p.oneOf("chain-over", default: Over.hash)
        genesisName = try p.string("genesis", default: "zeros")
        (genesisBytes, genesisText) = Self.genesis(genesisName, hashing: hashing)
    }

    /// `zeros` (a digest of zero bytes), `empty`, or a value: decoded as a digest when it is one, else its
    /// UTF-8 bytes (a word such as `GENESIS`).
    static func genesis(_ name: String, hashing: RecordHashing) -> (bytes: [UInt8], text: [UInt8]) {
        switch name {
        case "zeros":
            let zeros = [UInt8](repeating: 0, count: hashing.algorithm.length)
            return (zeros, Array(hashing.text.encode(zeros).utf8))
        case "empty", "":
            return ([], [])
        default:
            return (hashing.text.decode(name) ?? Array(name.utf8), Array(name.utf8))
        }
    }
}
