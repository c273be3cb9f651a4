import GateCore

extension LedgerRun {
    /// Holds the ledger's RFC 6962 tree to the published root and to each proof.
    func merkleFindings(_ m: MerkleInputs, outcome: ScanOutcome) -> [Finding] {
        var findings: [Finding] = []
        let size = outcome.merkle.size
        let unreadable = outcome.records - size
        let note = unreadable > 0 ? " (\(unreadable.grouped) unreadable record\(unreadable == 1 ? " is" : "s are") not in the tree)" : ""
        if let r = m.root {
            let n = r.size ?? size
            let path = r.display.hasPrefix("'") ? String(r.display.dropFirst().dropLast()) : nil
            if n > size {
                findings.append(Finding(
                    rule: "ledger/merkle-root",
                    message: "\(r.display) covers \(n.grouped) records, but the ledger's tree has only \(size.grouped)\(note): records were lost after that root was published",
                    path: path, identity: "root-size:\(n)",
                    evidence: ["expected": "\(n) records", "found": "\(size) records", "cause": "truncated"],
                    help: "Restore the missing records; the copy that published the root has them."))
            } else if let ours = n == size ? outcome.merkle.root : outcome.roots[n], ours != r.hash {
                findings.append(Finding(
                    rule: "ledger/merkle-root",
                    message: "the ledger's RFC 6962 root over its first \(n.grouped) records is \(Hex.encode(ours)), but \(r.display) is "
                        + "\(Hex.encode(r.hash))\(note): the ledger differs from the copy that published the root (records edited, "
                        + "removed, inserted or reordered, even if its chain is self-consistent)",
                    path: path, identity: "root:\(n)",
                    evidence: ["expected": Hex.encode(r.hash), "found": Hex.encode(ours), "tree-size": String(n)],
                    help: "Find the first differing record with inclusion proofs from the other copy, or with 'compare'."))
            }
        }
        for p in m.inclusions {
            if let problem = inclusionProblem(p, outcome: outcome) {
                findings.append(Finding(rule: "ledger/inclusion-proof", message: "'\(p.display)': \(problem)", path: p.display,
                                        identity: "inclusion:\(p.index):\(p.size)",
                                        evidence: ["leaf-index": String(p.index), "tree-size": String(p.size)]))
            }
        }
        for p in m.consistencies {
            if let problem = consistencyProblem(p, outcome: outcome) {
                findings.append(Finding(rule: "ledger/consistency-proof", message: "'\(p.display)': \(problem)", path: p.display,
                                        identity: "consistency:\(p.size1):\(p.size2)",
                                        evidence: ["first-size": String(p.size1), "second-size": String(p.size2)]))
            }
        }
        return findings
    }

    private func inclusionProblem(_ p: MerkleInputs.Inclusion, outcome: ScanOutcome) -> String? {
        let size = outcome.merkle.size
        guard p.index < size, let leaf = outcome.leaves[p.index] else {
            return "the proof is for leaf \(p.index) (record \(p.index + 1)), but the ledger's tree has \(size.grouped) leaves"
        }
        if let claimed = p.leafHash, claimed != leaf {
            return "record \(p.index + 1) differs from the one the proof covers: its leaf hash is \(Hex.encode(leaf)), the proof's is \(Hex.encode(claimed))"
        }
        do {
            try MerkleProof.verifyInclusion(index: UInt64(p.index), size: UInt64(p.size), leafHash: leaf, path: p.path, root: p.root)
        } catch {
            return "record \(p.index + 1) is not in the tree of \(p.size.grouped) records with root \(Hex.encode(p.root)): \(error.reason)"
        }
        if p.size <= size, let ours = p.size == size ? outcome.merkle.root : outcome.roots[p.size], ours != p.root {
            return "the proof verifies, but the ledger's own root at \(p.size.grouped) records is \(Hex.encode(ours)), not \(Hex.encode(p.root)): other records differ"
        }
        return nil
    }

    private func consistencyProblem(_ p: MerkleInputs.Consistency, outcome: ScanOutcome) -> String? {
        do {
            try MerkleProof.verifyConsistency(size1: UInt64(p.size1), size2: UInt64(p.size2), proof: p.proof, root1: p.root1, root2: p.root2)
        } catch {
            return "the proof does not show the tree of \(p.size1.grouped) records to be a prefix of the tree of \(p.size2.grouped): \(error.reason)"
        }
        let size = outcome.merkle.size
        func ours(_ n: Int) -> [UInt8]? { n == size ? outcome.merkle.root : outcome.roots[n] }
        if p.size1 > size {
            return "the proof starts from a tree of \(p.size1.grouped) records, but the ledger's tree has only \(size.grouped): records were lost"
        }
        if let r = ours(p.size1), r != p.root1 {
            return "the ledger's root over its first \(p.size1.grouped) records is \(Hex.encode(r)), not the proof's first root \(Hex.encode(p.root1))"
        }
        if p.size2 <= size, let r = ours(p.size2), r != p.root2 {
            return "the ledger's root over its first \(p.size2.grouped) records is \(Hex.encode(r)), not the proof's second root \(Hex.encode(p.root2))"
        }
        return nil
    }
}
