import Foundation
import GateCore

/// A published root and proofs to hold the ledger's Merkle tree to (`merkle-root`, `inclusion-proofs`,
/// `consistency-proofs`). Files are JSON; field names follow Certificate Transparency (`tree_size`,
/// `root_hash` or `sha256_root_hash`, `leaf_index`, `audit_path`, `consistency`) and transparency-dev's
/// test data (`treeSize`, `root`, `leafIdx`, `proof`, `size1`/`size2`, `root1`/`root2`). Hashes are hex
/// (64 digits) or base64.
struct MerkleInputs: Sendable {
    struct Root: Sendable {
        /// Nil: the whole ledger.
        var size: Int?
        var hash: [UInt8]
        var display: String
    }

    struct Inclusion: Sendable {
        var display: String
        var index: Int
        var size: Int
        var root: [UInt8]
        var path: [[UInt8]]
        var leafHash: [UInt8]?
    }

    struct Consistency: Sendable {
        var display: String
        var size1: Int
        var size2: Int
        var root1: [UInt8]
        var root2: [UInt8]
        var proof: [[UInt8]]
    }

    var root: Root?
    var inclusions: [Inclusion] = []
    var consistencies: [Consistency] = []

    init(_ config: LedgerConfig, root base: String) throws(VerifierError) {
        if let value = config.merkleRoot {
            let path = PathUtil.resolve(value, against: base)
            if let bytes = Self.hash(value) {
                root = Root(size: config.merkleSize, hash: bytes, display: "the published root")
            } else if FileManager.default.fileExists(atPath: path) {
                let display = PathUtil.relative(path, to: base)
                let object = try Self.object(path, display: display)
                guard let hash = Self.field(object, ["root_hash", "sha256_root_hash", "root"]).flatMap(Self.hash) else {
                    throw VerifierError("'\(display)' holds no 'root_hash' (hex or base64 SHA-256); check 'merkle-root'")
                }
                let size = Self.int(object, ["tree_size", "treeSize", "size"]) ?? config.merkleSize
                root = Root(size: size, hash: hash, display: "'\(display)'")
            } else {
                throw VerifierError("'merkle-root' is neither a SHA-256 hash (64 hex digits or base64) nor an existing file: '\(value)'")
            }
        }
        for path in config.inclusionProofs {
            let display = PathUtil.relative(path, to: base)
            let o = try Self.object(path, display: display)
            guard let index = Self.int(o, ["leaf_index", "leafIdx", "index"]), let size = Self.int(o, ["tree_size", "treeSize"]),
                  let rootHash = Self.field(o, ["root_hash", "sha256_root_hash", "root"]).flatMap(Self.hash),
                  let path = Self.hashes(o, ["audit_path", "proof", "inclusion_path"]) else {
                throw VerifierError("'\(display)' is not an inclusion proof: it needs 'leaf_index', 'tree_size', 'root_hash' and 'audit_path'")
            }
            let leaf = Self.field(o, ["leaf_hash", "leafHash"]).flatMap(Self.hash)
            inclusions.append(Inclusion(display: display, index: index, size: size, root: rootHash, path: path, leafHash: leaf))
        }
        for path in config.consistencyProofs {
            let display = PathUtil.relative(path, to: base)
            let o = try Self.object(path, display: display)
            guard let size1 = Self.int(o, ["first_size", "first", "size1"]), let size2 = Self.int(o, ["second_size", "second", "size2"]),
                  let root1 = Self.field(o, ["first_root", "root1"]).flatMap(Self.hash),
                  let root2 = Self.field(o, ["second_root", "root2"]).flatMap(Self.hash),
                  let proof = Self.hashes(o, ["consistency", "proof"]) else {
                throw VerifierError("'\(display)' is not a consistency proof: it needs 'first_size', 'second_size', 'first_root', 'second_root' and 'consistency'")
            }
            consistencies.append(Consistency(display: display, size1: size1, size2: size2, root1: root1, root2: root2, proof: proof))
        }
    }

    /// Tree sizes whose roots the pass must capture, and leaf indices whose leaf hashes it must keep.
    var rootSizes: Set<Int> {
        var s = Set(inclusions.map(\.size))
        for c in consistencies { s.insert(c.size1); s.insert(c.size2) }
        if let size = root?.size { s.insert(size) }
        return s
    }

    var leafIndices: Set<Int> { Set(inclusions.map(\.index)) }

    // MARK: Reading

    private static func object(_ path: String, display: String) throws(VerifierError) -> [String: Any] {
        let bytes = try SmallInput.read(path, display: display, limit: 4 << 20, what: "the proof file")
        guard let o = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any] else {
            throw VerifierError("'\(display)' is not a JSON object")
        }
        return o
    }

    private static func field(_ o: [String: Any], _ names: [String]) -> String? {
        names.lazy.compactMap { o[$0] as? String }.first
    }

    private static func int(_ o: [String: Any], _ names: [String]) -> Int? {
        for name in names {
            if let n = o[name] as? Int, n >= 0 { return n }
        }
        return nil
    }

    private static func hashes(_ o: [String: Any], _ names: [String]) -> [[UInt8]]? {
        for name in names {
            if o[name] is NSNull { return [] }
            guard let list = o[name] as? [Any] else { continue }
            var out: [[UInt8]] = []
            for item in list {
                guard let s = item as? String, let h = anyHash(s) else { return nil }
                out.append(h)
            }
            return out
        }
        return nil
    }

    /// A 32-byte hash written as 64 hex digits or base64.
    static func hash(_ s: String) -> [UInt8]? {
        guard let bytes = anyHash(s), bytes.count == 32 else { return nil }
        return bytes
    }

    /// Hex when the text is 64 hex digits, otherwise base64 (any length, for proof elements that are wrong).
    private static func anyHash(_ s: String) -> [UInt8]? {
        if s.count == 64, let h = DigestText(encoding: .hex).decode(s) { return h }
        return Base64.decode(s, url: false) ?? Base64.decode(s, url: true)
    }
}
