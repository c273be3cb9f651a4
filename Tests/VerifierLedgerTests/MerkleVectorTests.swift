import Foundation
import GateTestSupport
import Testing
@testable import VerifierLedger

/// RFC 6962 trees and proofs against transparency-dev/merkle's reference data.
@Suite struct MerkleVectorTests {
    static func hex(_ s: String) -> [UInt8] { DigestText(encoding: .hex).decode(s)! }

    /// testonly/constants.go: the leaf inputs and the root of every tree size from 0 to 8.
    static let leaves = ["", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f"]
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    @Test func rootsOfEveryTreeSize() {
        var tree = MerkleTree()
        #expect(Hex.encode(tree.root) == Self.roots[0])
        for (i, leaf) in Self.leaves.enumerated() {
            tree.append(leafHash: MerkleTree.leafHash(Self.hex(leaf)))
            #expect(Hex.encode(tree.root) == Self.roots[i + 1], "size \(i + 1)")
            // A tree resumed from its compact range (as a checkpoint stores it) has the same root.
            #expect(MerkleTree(size: tree.size, range: tree.range) == tree)
        }
    }

    static func vectors(_ name: String) throws -> [[String: Any]] {
        let text = try String(contentsOfFile: Repo.path("Fixtures/ledger/rfc6962/\(name).jsonl"), encoding: .utf8)
        return try text.split(separator: "\n").map {
            try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])
        }
    }

    static func bytes(_ v: Any?) -> [UInt8] { (v as? String).flatMap { Base64.decode($0, url: false) } ?? [] }
    static func list(_ v: Any?) -> [[UInt8]] { (v as? [String] ?? []).map { bytes($0) } }
    static func number(_ v: Any?) -> UInt64 { (v as? NSNumber)?.uint64Value ?? 0 }

    /// Every inclusion vector: happy paths verify; every mutation (wrong leaf, index, size, root, a hash
    /// added, removed or flipped) is refused, as proof.VerifyInclusion refuses it (proof/verify.go).
    @Test func inclusionVectors() throws {
        let all = try Self.vectors("inclusion")
        #expect(all.count == 98)
        for v in all {
            let wantErr = v["wantErr"] as? Bool ?? true
            var failed = false
            do {
                try MerkleProof.verifyInclusion(index: Self.number(v["leafIdx"]), size: Self.number(v["treeSize"]),
                                                leafHash: Self.bytes(v["leafHash"]), path: Self.list(v["proof"]),
                                                root: Self.bytes(v["root"]))
            } catch {
                failed = true
            }
            #expect(failed == wantErr, "\(v["name"] ?? "?")")
        }
    }

    /// Every consistency vector, as proof.VerifyConsistency judges it (proof/verify.go), including its
    /// refusal of a proof from an empty tree.
    @Test func consistencyVectors() throws {
        let all = try Self.vectors("consistency")
        #expect(all.count == 98)
        for v in all {
            let wantErr = v["wantErr"] as? Bool ?? true
            var failed = false
            do {
                try MerkleProof.verifyConsistency(size1: Self.number(v["size1"]), size2: Self.number(v["size2"]),
                                                  proof: Self.list(v["proof"]), root1: Self.bytes(v["root1"]),
                                                  root2: Self.bytes(v["root2"]))
            } catch {
                failed = true
            }
            #expect(failed == wantErr, "\(v["name"] ?? "?")")
        }
    }
}
