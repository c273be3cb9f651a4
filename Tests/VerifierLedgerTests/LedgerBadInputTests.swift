import Foundation
import Testing
@testable import VerifierLedger

/// Bad lines are findings with a line, a column and a key, never a crash; the pass goes on and counts.
@Suite struct LedgerBadInputTests {
    static let receipts = ["source=receipts.jsonl", "sequence-field=seq"]

    func ledger(_ w: LedgerWorkspace, replacing index: Int, with bytes: [UInt8]) async throws {
        try await w.write("receipts.jsonl", "--records", "20")
        var lines = try w.lines("receipts.jsonl").map { Array($0.utf8) }
        lines[index] = bytes
        try w.setBytes("receipts.jsonl", Array(lines.joined(separator: [0x0A])) + [0x0A])
    }

    @Test func anInvalidJSONLine() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await ledger(w, replacing: 4, with: Array(#"{"seq":5,"amount":12.5,,}"#.utf8))
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/invalid-record"), "\(o.text)")
        #expect(f.line == 5)
        #expect(f.column == 24)
        #expect(f.message.contains("invalid JSON: expected a key in double quotes, found ','"), "\(f.message)")
    }

    @Test func bytesThatAreNotUTF8() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await ledger(w, replacing: 2, with: Array(#"{"seq":3,"name":"caf"#.utf8) + [0xE9] + Array(#""}"#.utf8))
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/invalid-record"), "\(o.text)")
        #expect(f.line == 3)
        #expect(f.message.contains("invalid UTF-8: byte 0xE9"))
        #expect(f.message.contains("not UTF-8"))
    }

    @Test func duplicateKeys() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "5")
        var lines = try w.lines("receipts.jsonl")
        lines[1] = lines[1].replacingOccurrences(of: "\"currency\":\"EUR\"", with: "\"currency\":\"EUR\",\"amount\":0")
        try w.setLines("receipts.jsonl", lines)
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/invalid-record"), "\(o.text)")
        #expect(f.evidence?["key"] == "amount")
        #expect(f.message.contains("duplicate key: the key 'amount' appears twice"))
    }

    @Test func numbersBeyondADouble() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        // Out of range: RFC 8785 cannot canonicalise it at all.
        try await ledger(w, replacing: 6, with: Array(("{\"seq\":7,\"amount\":1e400,\"hash\":\"" + String(repeating: "0", count: 64) + "\",\"chain_hash\":\""
                                                      + String(repeating: "0", count: 64) + "\"}").utf8))
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/invalid-record"), "\(o.text)")
        #expect(f.line == 7)
        #expect(f.message.contains("number out of range"))
        #expect(f.evidence?["key"] == "amount")
    }

    @Test func precisionBeyondADoubleIsAWarningWhenTheHashHolds() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        // The writer hashed the JCS form, in which 12345678901234567890 is 12345678901234567000.
        try await w.write("receipts.jsonl", "--records", "6", "--extra", "4:ref=12345678901234567890", "--extra", "5:ref=9007199254740993")
        let o = try await w.check(Self.receipts)
        #expect(o.errors.isEmpty, "\(o.text)")
        #expect(o.first("ledger/number-precision")?.line == 4)
        #expect(o.first("ledger/number-precision")?.message.contains("(1 more record like it, counted)") == true, "\(o.text)")
        #expect(o.first("ledger/number-precision")?.message.contains("12345678901234567890 at 'ref'") == true, "\(o.text)")
        #expect(o.first("ledger/number-precision")?.message.contains("RFC 8785 writes it as 12345678901234567000") == true)
    }

    @Test func aLineLongerThanTheLimitIsSkippedUnread() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "10")
        var lines = try w.lines("receipts.jsonl")
        lines[3] = "{\"pad\":\"" + String(repeating: "x", count: 300_000) + "\"}"
        try w.setLines("receipts.jsonl", lines)
        let o = try await w.check(Self.receipts + ["max-record-bytes=65536"])
        let f = try #require(o.first("ledger/invalid-record"), "\(o.text)")
        #expect(f.line == 4)
        #expect(f.message.contains("more than 'max-record-bytes' (65536)"), "\(f.message)")
        #expect(o.stats["records"] == .int(10))
    }

    @Test func aPartialLastLine() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "10")
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: w.file("receipts.jsonl"))))
        bytes.removeLast(40)
        try w.setBytes("receipts.jsonl", bytes)
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/invalid-record"), "\(o.text)")
        #expect(f.line == 10)
        #expect(f.message.contains("a partial write: the last line stops in the middle of a record"), "\(f.message)")
    }

    @Test func missingFilesAndGlobsAreErrorsSayingWhatToFix() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        await #expect(throws: (any Error).self) { try await w.check("source=nope.jsonl") }
        do {
            _ = try await w.check("source=logs/*.jsonl")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("no file matches 'logs/*.jsonl'"))
        }
    }

    @Test func rotatedFilesAreReadInNaturalOrder() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("all.jsonl", "--records", "120")
        let lines = try w.lines("all.jsonl")
        try FileManager.default.createDirectory(atPath: w.file("logs"), withIntermediateDirectories: true)
        for k in 0..<12 { try w.setLines("logs/audit.\(k + 1).jsonl", Array(lines[(k * 10)..<(k * 10 + 10)])) }
        let o = try await w.check("source=logs/audit.*.jsonl", "sequence-field=seq")
        #expect(o.findings.isEmpty, "\(o.text)")
        #expect(o.summary.hasPrefix("logs/audit.*.jsonl (12 files): 120 records"), "\(o.summary)")
        // A file missing from the middle of the rotation.
        try FileManager.default.removeItem(atPath: w.file("logs/audit.5.jsonl"))
        let gap = try await w.check("source=logs/audit.*.jsonl", "sequence-field=seq")
        let f = try #require(gap.first("ledger/chain-break"), "\(gap.text)")
        #expect(f.path == "logs/audit.6.jsonl" && f.line == 1)
        #expect(f.message.contains("10 records are missing before it (sequence 41–50)"), "\(f.message)")
    }

    @Test func anEmptyLedgerPassesWithNothingToPin() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try w.setBytes("receipts.jsonl", [])
        let o = try await w.check(Self.receipts)
        #expect(o.findings.isEmpty)
        #expect(o.stats["records"] == .int(0))
        let pinned = try w.pin("source=receipts.jsonl", "checkpoint=cp.json")
        #expect(!pinned.written && pinned.findings.isEmpty)
    }
}
