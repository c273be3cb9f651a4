/// The parts of a ledger's configuration every worker needs, with member names as bytes.
struct CheckSettings: Sendable {
    struct Names: Sendable {
        var hash, chain, prev, sequence, timestamp, id: [UInt8]?
        var hashMembers: [[UInt8]]
    }

    var fields: RecordFields
    var hashing: RecordHashing
    var chain: ChainRules
    var wantsLeaves: Bool
    var maxRecordBytes: Int
    let names: Names

    init(fields: RecordFields, hashing: RecordHashing, chain: ChainRules, wantsLeaves: Bool, maxRecordBytes: Int) {
        self.fields = fields
        self.hashing = hashing
        self.chain = chain
        self.wantsLeaves = wantsLeaves
        self.maxRecordBytes = maxRecordBytes
        func bytes(_ s: String?) -> [UInt8]? { s.map { Array($0.utf8) } }
        names = Names(hash: bytes(fields.hash), chain: bytes(fields.chain), prev: bytes(fields.prev),
                      sequence: bytes(fields.sequence), timestamp: bytes(fields.timestamp), id: bytes(fields.id),
                      hashMembers: fields.hashMembers.map { Array($0.utf8) })
    }

    init(_ config: LedgerConfig) {
        self.init(fields: config.fields, hashing: config.hashing, chain: config.chain, wantsLeaves: config.wantsMerkle,
                  maxRecordBytes: config.maxRecordBytes)
    }

    /// `H(previous ‖ separator ‖ input)`: the chain value that follows `previous`.
    func link(_ previous: [UInt8], _ input: [UInt8]) -> [UInt8] {
        var joined: [UInt8] = []
        joined.reserveCapacity(previous.count + chain.separator.count + input.count)
        joined.append(contentsOf: previous)
        joined.append(contentsOf: chain.separator)
        joined.append(contentsOf: input)
        return hashing.algorithm.hash(joined)
    }

    /// `link` into `out` (emptied first), with `joined` as scratch: no allocation once both have grown.
    func link(_ previous: [UInt8], _ input: [UInt8], joined: inout [UInt8], into out: inout [UInt8]) {
        joined.removeAll(keepingCapacity: true)
        joined.append(contentsOf: previous)
        joined.append(contentsOf: chain.separator)
        joined.append(contentsOf: input)
        out.removeAll(keepingCapacity: true)
        hashing.algorithm.hash(joined, into: &out)
    }

    /// The value before the first record, in the form the chain concatenates.
    var genesis: [UInt8] { chain.input == .bytes ? chain.genesisBytes : chain.genesisText }

    /// Why a stored digest is not one: wrong encoding, wrong length (and what that length suggests).
    func describeBadDigest(_ text: [UInt8], decoded: Int?, name: String) -> String {
        let shown = String(decoding: text.prefix(80), as: UTF8.self)
        let expected = "\(hashing.algorithm.rawValue) \(hashing.text.encoding.rawValue) digest"
            + (hashing.text.prefix.isEmpty ? "" : " after the prefix '\(String(decoding: hashing.text.prefix, as: UTF8.self))'")
        guard let decoded else {
            return "'\(name)' holds '\(shown)', which is not a \(expected); check 'encoding' and 'prefix'"
        }
        let guess = LedgerAlgorithm.allCases.first { $0.length == decoded }.map { " (the length of \($0.rawValue): check 'algorithm')" } ?? ""
        return "'\(name)' decodes to \(decoded) bytes, but a \(hashing.algorithm.rawValue) digest has \(hashing.algorithm.length)\(guess)"
    }
}

extension RecordFields {
    var timestampUnitName: String {
        switch timestampUnit {
        case 1_000_000_000: "seconds"
        case 1_000_000: "milliseconds"
        case 1_000: "microseconds"
        default: "nanoseconds"
        }
    }
}
