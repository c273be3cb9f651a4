import Foundation
import Testing
@testable import VerifierLedger

/// Published roots and proofs written by the independent writer (RFC 6962 from its definitions, with
/// recursive MTH, PATH and SUBPROOF) held to the ledger.
@Suite struct LedgerMerkleTests {
    @Test func theRootMatchesTheWritersAtEverySize() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        for n in [1, 2, 3, 7, 8, 9, 100] {
            try await w.write("receipts.jsonl", "--records", String(n), "--merkle-root", w.file("root.json"))
            let o = try await w.check("source=receipts.jsonl", "merkle-root=root.json")
            #expect(o.findings.isEmpty, "\(n): \(o.text)")
            let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: w.file("root.json")))) as? [String: Any]
            #expect(o.stats["merkleRoot"] == .string(json?["root_hash"] as? String ?? ""))
        }
    }

    @Test func anOlderRootIsCheckedAtItsSize() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "50", "--merkle-root", w.file("root.json") + ":37")
        let o = try await w.check("source=receipts.jsonl", "merkle-root=root.json")
        #expect(o.findings.isEmpty, "\(o.text)")
        // The same root given inline, with its size.
        let json = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: w.file("root.json")))) as? [String: Any]
        let hex = try #require(json?["root_hash"] as? String)
        let inline = try await w.check("source=receipts.jsonl", "merkle-root=\(hex)", "merkle-size=37")
        #expect(inline.findings.isEmpty, "\(inline.text)")
        let wrongSize = try await w.check("source=receipts.jsonl", "merkle-root=\(hex)", "merkle-size=38")
        #expect(wrongSize.first("ledger/merkle-root") != nil)
        let beyond = try await w.check("source=receipts.jsonl", "merkle-root=\(hex)", "merkle-size=60")
        #expect(beyond.first("ledger/merkle-root")?.message.contains("records were lost") == true, "\(beyond.text)")
    }

    @Test func inclusionProofsVerifyAndATamperedOneFails() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "45", "--inclusion", w.file("p1.json") + ":0:45",
                          "--inclusion", w.file("p2.json") + ":44:45", "--inclusion", w.file("p3.json") + ":20:33")
        let o = try await w.check("source=receipts.jsonl", "inclusion-proofs=[p1.json, p2.json, p3.json]")
        #expect(o.findings.isEmpty, "\(o.text)")
        // The same proofs against a ledger with record 21 edited (its stored hash changed with it).
        try await w.write("receipts.jsonl", "--records", "45", "--forge-from", "21")
        let forged = try await w.check("source=receipts.jsonl", "inclusion-proofs=[p1.json, p2.json, p3.json]")
        let failing = forged.findings.filter { $0.rule == "ledger/inclusion-proof" }.compactMap(\.path).sorted()
        #expect(failing == ["p1.json", "p2.json", "p3.json"], "\(forged.text)")
        #expect(forged.findings.first { $0.path == "p3.json" }?.message.contains("record 21 is not in the tree") == true, "\(forged.text)")
    }

    @Test func consistencyProofsVerify() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "40", "--consistency", w.file("c.json") + ":13:40",
                          "--consistency", w.file("d.json") + ":16:29")
        let o = try await w.check("source=receipts.jsonl", "consistency-proofs=[c.json, d.json]")
        #expect(o.findings.isEmpty, "\(o.text)")
        try await w.write("receipts.jsonl", "--records", "40", "--forge-from", "5")
        let forged = try await w.check("source=receipts.jsonl", "consistency-proofs=[c.json]")
        #expect(forged.first("ledger/consistency-proof")?.message.contains("the ledger's root over its first 13 records") == true, "\(forged.text)")
    }

    @Test func aResumedRunExtendsTheTreeFromTheCheckpoint() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "70")
        #expect(try w.pin("source=receipts.jsonl", "checkpoint=ledger.checkpoint").written)
        try await w.write("more.jsonl", "--records", "9", "--append-to", w.file("receipts.jsonl"))
        try w.setLines("receipts.jsonl", try w.lines("receipts.jsonl") + w.lines("more.jsonl"))
        try await w.write("all.jsonl", "--records", "79", "--merkle-root", w.file("root.json"))
        let o = try await w.check("source=receipts.jsonl", "checkpoint=ledger.checkpoint", "merkle-root=root.json")
        #expect(o.findings.isEmpty, "\(o.text)")
        #expect(o.stats["resumed"] == .bool(true))
    }
}
