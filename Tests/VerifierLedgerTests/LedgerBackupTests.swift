import Foundation
import Testing
@testable import VerifierLedger

/// `compare:`: a restored backup held to the live ledger up to its last record.
@Suite struct LedgerBackupTests {
    static let base = ["source=live.jsonl", "sequence-field=seq", "compare=restored.jsonl"]

    @Test func aFaithfulRestoreMatches() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("live.jsonl", "--records", "60")
        try await w.write("restored.jsonl", "--records", "60", "--truncate", "41")
        let o = try await w.check(Self.base)
        #expect(o.findings.isEmpty, "\(o.text)")
    }

    @Test func aRestoreThatDiffersNamesTheRecordAndItsMembers() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("live.jsonl", "--records", "60")
        try await w.write("restored.jsonl", "--records", "60", "--truncate", "41", "--forge-from", "30")
        let o = try await w.check(Self.base)
        let f = try #require(o.first("ledger/backup-mismatch"), "\(o.text)")
        #expect(f.message.contains("record 30 differs (line 30 of live.jsonl, line 30 of restored.jsonl); members that differ: 'amount', 'chain_hash', 'hash'"),
                "\(f.message)")
    }

    @Test func aBrokenRestoreIsReportedAsSuch() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("live.jsonl", "--records", "60")
        try await w.write("restored.jsonl", "--records", "60", "--truncate", "41", "--delete", "7")
        let o = try await w.check(Self.base)
        let messages = o.findings.filter { $0.rule == "ledger/backup-mismatch" }.map(\.message)
        #expect(messages.contains { $0.hasPrefix("the restored copy is itself broken: line 7 of restored.jsonl") }, "\(o.text)")
    }

    @Test func aLiveLedgerShorterThanItsBackupLostRecords() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("live.jsonl", "--records", "60", "--truncate", "50")
        try await w.write("restored.jsonl", "--records", "60", "--truncate", "55")
        let o = try await w.check(Self.base)
        #expect(o.first("ledger/backup-mismatch")?.message.contains("the live ledger lost 5 records that the backup still has") == true, "\(o.text)")
    }
}
