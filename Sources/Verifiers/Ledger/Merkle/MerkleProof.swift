/// Verification of RFC 6962 audit paths and consistency proofs, by the algorithms of RFC 9162 §2.1.3.2
/// and §2.1.4.2. They agree with transparency-dev/merkle's `proof.VerifyInclusion` and
/// `proof.VerifyConsistency` on every vector of that project's test data (MerkleVectorTests), including
/// its refusals: a consistency proof from an empty tree, a proof with extra or missing hashes, a hash
/// that is not 32 bytes.
enum MerkleProof {
    /// Why a proof does not verify, in words for a finding.
    struct Failure: Error, Equatable {
        var reason: String
    }

    /// Checks that the leaf with hash `leafHash` sits at `index` in the tree of `size` leaves whose root
    /// is `root`, given the audit path.
    static func verifyInclusion(index: UInt64, size: UInt64, leafHash: [UInt8], path: [[UInt8]],
                                root: [UInt8]) throws(Failure) {
        let computed = try rootFromInclusion(index: index, size: size, leafHash: leafHash, path: path)
        guard computed == root else { throw Failure(reason: "the audit path leads to a different root") }
    }

    static func rootFromInclusion(index: UInt64, size: UInt64, leafHash: [UInt8],
                                  path: [[UInt8]]) throws(Failure) -> [UInt8] {
        guard index < size else { throw Failure(reason: "leaf index \(index) is not below the tree size \(size)") }
        guard leafHash.count == 32 else { throw Failure(reason: "the leaf hash is \(leafHash.count) bytes, not 32") }
        guard path.allSatisfy({ $0.count == 32 }) else { throw Failure(reason: "a hash in the audit path is not 32 bytes") }
        var fn = index, sn = size - 1
        var r = leafHash
        for p in path {
            guard sn != 0 else { throw Failure(reason: "the audit path has more hashes than the tree has levels") }
            if fn & 1 == 1 || fn == sn {
                r = MerkleTree.nodeHash(p, r)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                r = MerkleTree.nodeHash(r, p)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw Failure(reason: "the audit path has fewer hashes than the tree has levels") }
        return r
    }

    /// Checks that the tree of `size1` leaves with root `root1` is a prefix of the tree of `size2` leaves
    /// with root `root2`.
    static func verifyConsistency(size1: UInt64, size2: UInt64, proof: [[UInt8]], root1: [UInt8],
                                  root2: [UInt8]) throws(Failure) {
        guard size1 <= size2 else { throw Failure(reason: "the first size \(size1) is larger than the second \(size2)") }
        guard size1 > 0 else { throw Failure(reason: "a consistency proof from an empty tree proves nothing") }
        if size1 == size2 {
            guard proof.isEmpty else { throw Failure(reason: "equal sizes take an empty proof") }
            guard root1 == root2 else { throw Failure(reason: "equal sizes but different roots") }
            return
        }
        guard !proof.isEmpty else { throw Failure(reason: "the proof is empty") }
        guard proof.allSatisfy({ $0.count == 32 }), root1.count == 32 else {
            throw Failure(reason: "a hash in the proof is not 32 bytes")
        }
        var path = proof
        if size1 & (size1 - 1) == 0 { path.insert(root1, at: 0) }
        var fn = size1 - 1, sn = size2 - 1
        while fn & 1 == 1 { fn >>= 1; sn >>= 1 }
        var fr = path[0], sr = path[0]
        for c in path.dropFirst() {
            guard sn != 0 else { throw Failure(reason: "the proof has more hashes than it needs") }
            if fn & 1 == 1 || fn == sn {
                fr = MerkleTree.nodeHash(c, fr)
                sr = MerkleTree.nodeHash(c, sr)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 { fn >>= 1; sn >>= 1 }
                }
            } else {
                sr = MerkleTree.nodeHash(sr, c)
            }
            fn >>= 1
            sn >>= 1
        }
        guard sn == 0 else { throw Failure(reason: "the proof has fewer hashes than it needs") }
        guard fr == root1 else { throw Failure(reason: "the proof does not lead to the first root") }
        guard sr == root2 else { throw Failure(reason: "the proof does not lead to the second root") }
    }
}
