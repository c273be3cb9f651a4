import Crypto

/// RFC 6962 §2.1's Merkle Tree Hash (Certificate Transparency's tree, RFC 9162 §2.1) built one leaf at
/// a time with O(log n) state: the roots of the perfect subtrees that make up the tree so far (its
/// compact range), left to right. Leaves are `SHA-256(0x00 ‖ data)`, nodes `SHA-256(0x01 ‖ left ‖ right)`.
struct MerkleTree: Sendable, Equatable {
    private(set) var size: Int = 0
    /// Roots of the perfect subtrees, largest (leftmost) first; one per set bit of `size`.
    private(set) var range: [[UInt8]] = []

    init() {}

    /// A tree resumed from a compact range (a checkpoint's). Nil when the count of hashes does not match
    /// the size or a hash is not 32 bytes.
    init?(size: Int, range: [[UInt8]]) {
        guard size >= 0, range.count == size.nonzeroBitCount, range.allSatisfy({ $0.count == 32 }) else { return nil }
        self.size = size
        self.range = range
    }

    /// The SHA-256 of the empty string: RFC 6962's root of an empty tree.
    static let emptyRoot: [UInt8] = Array(SHA256.hash(data: [UInt8]()))

    static func leafHash(_ data: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data: [0x00])
        h.update(data: data)
        return Array(h.finalize())
    }

    static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var h = SHA256()
        h.update(data: [0x01])
        h.update(data: left)
        h.update(data: right)
        return Array(h.finalize())
    }

    /// Appends a leaf by its leaf hash (`leafHash(data)`).
    mutating func append(leafHash: [UInt8]) {
        var node = leafHash
        var s = size
        while s & 1 == 1 {
            node = Self.nodeHash(range.removeLast(), node)
            s >>= 1
        }
        range.append(node)
        size += 1
    }

    /// The tree's root: the compact range folded from the right, which is exactly RFC 6962's split at the
    /// largest power of two below the size.
    var root: [UInt8] {
        guard var r = range.last else { return Self.emptyRoot }
        for h in range.dropLast().reversed() { r = Self.nodeHash(h, r) }
        return r
    }
}
