import Foundation
import GateTestSupport
import Testing
@testable import VerifierLedger

/// The cases of issue 27 on ledgers written by the independent writer: each break is found at the
/// right record, with the right rule and cause.
@Suite struct LedgerCaseTests {
    static let receipts = ["source=receipts.jsonl", "sequence-field=seq", "timestamp-field=ts", "id-field=receipt_id"]

    @Test func aCleanLedgerPasses() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "200", "--prev-field", "prev_hash")
        let o = try await w.check(Self.receipts + ["prev-field=prev_hash"])
        #expect(o.findings.isEmpty, "\(o.text)")
        #expect(o.stats["records"] == .int(200))
        #expect(o.summary.contains("every record verifies"))
    }

    @Test func anEditedRecordIsNamedWithItsCause() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "50", "--edit", "17")
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/record-hash"), "\(o.text)")
        #expect(o.errors.count == 1)
        #expect(f.line == 17)
        #expect(f.evidence?["sequence"] == "17")
        #expect(f.evidence?["id"] == "r-000017")
        #expect(f.message.contains("edited"))
        #expect(f.evidence?["expected"] != nil && f.evidence?["found"] != nil && f.evidence?["expected"] != f.evidence?["found"])
        #expect(!f.message.contains("more record"), "an edit leaves the chain intact: nothing after it breaks")
    }

    @Test func aDeletedRecordIsARemoval() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "50", "--delete", "20")
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/chain-break"), "\(o.text)")
        #expect(f.line == 20)
        #expect(f.evidence?["sequence"] == "21")
        #expect(f.message.contains("removed: one record is missing before it (sequence 20)"), "\(f.message)")
        #expect(f.message.contains("also: the sequence number is out of step"))
    }

    @Test func aRemovalWithoutSequenceNumbersIsStillNamed() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "30", "--delete", "10", "--prev-field", "prev_hash")
        let o = try await w.check("source=receipts.jsonl", "prev-field=prev_hash")
        let f = try #require(o.first("ledger/chain-break"), "\(o.text)")
        #expect(f.line == 10)
        #expect(f.message.contains("removed: its 'prev_hash' points to a record that is no longer in the ledger"), "\(f.message)")
    }

    @Test func twoSwappedRecordsAreReordered() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "40", "--swap", "12")
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/chain-break"), "\(o.text)")
        #expect(f.line == 12)
        #expect(f.message.contains("reordered: the record links to the record at line 13"), "\(f.message)")
        #expect(f.message.contains("2 more records after it fail"), "the swapped pair breaks three links: \(f.message)")
    }

    @Test func anInsertedRecordIsNamed() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "40", "--insert", "8")
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/chain-break"), "\(o.text)")
        #expect(f.line == 10, "the record after the inserted one is the first that does not link")
        #expect(f.message.contains("inserted: the record links to line 8, so the record at line 9 is not part of the chain"), "\(f.message)")
    }

    @Test func aDuplicatedRecordRepeatsItsSequence() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "20", "--duplicate", "5")
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/chain-break"), "\(o.text)")
        #expect(f.line == 6)
        #expect(f.message.contains("the sequence number is out of step"))
    }

    @Test func aTimestampThatGoesBackFails() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "20", "--timestamp-back", "9")
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/timestamp"), "\(o.text)")
        #expect(f.line == 9)
        #expect(f.message.contains("goes back from 2026-03-01T12:00:08Z to 2026-02-01T00:00:00Z"), "\(f.message)")
        // A skew of 30 days lets it through.
        let allowed = try await w.check(Self.receipts + ["max-skew=31d"])
        #expect(allowed.findings.isEmpty, "\(allowed.text)")
    }

    /// A timestamp in the last second 64-bit nanoseconds reach, whose fraction carries past Int64.max: a
    /// finding from the built binary, as later times already were. gate added the fraction unchecked and
    /// trapped ("arithmetic overflow").
    @Test func aTimestampPastWhatNanosecondsHoldIsAFindingNotACrash() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "3", "--extra", #"2:ts="2262-04-11T23:47:16.9Z""#)
        let r = try await Exec.gate(["check", "ledger", "."] + Self.receipts.flatMap { ["--set", $0] }, cwd: w.path)
        #expect(r.code == 1 && r.signal == nil, "exit \(r.code): \(r.stdout)\(r.stderr.prefix(2000))")
        #expect(r.stdout.contains("ledger/timestamp receipts.jsonl:2"), "\(r.stdout)")
        // Said as what it is: RFC 3339 text out of range, not unreadable text.
        #expect(r.stdout.contains("'ts' is outside the times gate compares (1677-09-21 to 2262-04-11"), "\(r.stdout)")
    }

    /// A record dated 1677 between two of 2026, with a skew of a day: the step back is one finding from the
    /// built binary, and the record after it is not broken. gate subtracted 2026 - 1677 in Int64 nanoseconds
    /// for the message and trapped ("arithmetic overflow"); and the floor 1677 minus a day wrapped round, so
    /// every later timestamp seemed to go back.
    @Test func timestampsAtTheEndsOfWhatNanosecondsHoldAreComparedNotCrashedOn() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "3", "--extra", #"2:ts="1677-09-21T00:12:44Z""#)
        let r = try await Exec.gate(["check", "ledger", "."] + (Self.receipts + ["max-skew=1d"]).flatMap { ["--set", $0] },
                                    cwd: w.path)
        #expect(r.code == 1 && r.signal == nil, "exit \(r.code): \(r.stdout)\(r.stderr.prefix(2000))")
        #expect(r.stdout.contains("ts goes back from 2026-03-01T12:00:01Z to 1677-09-21T00:12:44Z (10995738437s earlier"),
                "\(r.stdout)")
        #expect(r.stdout.contains("first break at record 2") && !r.stdout.contains("more broken after it"), "\(r.stdout)")
    }

    @Test func reEncodingIsNotAnEditUnderJCSButIsUnderBytes() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        // Hashed as JCS, then restored through a library that reversed the key order, spaced the JSON
        // and escaped non-ASCII: RFC 8785 sees the same records.
        try await w.write("receipts.jsonl", "--records", "30", "--reencode")
        let jcs = try await w.check(Self.receipts)
        #expect(jcs.findings.isEmpty, "\(jcs.text)")
        // A log that hashes its lines as written sees the change, and says what it is.
        let bytes = try await w.check(Self.receipts + ["canonical=bytes"])
        let f = try #require(bytes.first("ledger/record-hash"), "\(bytes.text)")
        #expect(f.line == 1)
        #expect(f.message.contains("an encoding difference, not an edit: the record hashes to its stored value as jcs (RFC 8785)"), "\(f.message)")
        #expect(f.evidence?["matches"] == "jcs")
        #expect(f.message.contains("29 more records after it fail"))
    }

    @Test func aLedgerWrittenInAnotherFormIsRecognised() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        // 1e-7, as Python writes it (1e-07), is what the sorted form hashes; RFC 8785 would write 1e-7.
        try await w.write("receipts.jsonl", "--records", "10", "--canonical", "sorted", "--hash-fields-as", "null",
                          "--extra", "1:rate=1e-07")
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/record-hash"), "\(o.text)")
        #expect(f.message.contains("as sorted (sorted keys, values as written) with the hash members set to null"), "\(f.message)")
        #expect(f.help?.contains("'canonical: sorted' and 'hash-fields-as: null'") == true)
        let fixed = try await w.check(Self.receipts + ["canonical=sorted", "hash-fields-as=null"])
        #expect(fixed.findings.isEmpty, "\(fixed.text)")
    }

    /// The runbook's `jiffy:encode(Receipt#{hash => undefined, chain_hash => undefined})`: jiffy writes the
    /// atom as the string "undefined" (c_src/encoder.c, enc_atom) and a small Erlang map's keys in sorted
    /// order, so such a ledger hashes as the sorted form with the hash members set to "undefined".
    @Test func anErlangLedgerHashedWithUndefinedMembersIsRecognised() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "10", "--canonical", "sorted", "--hash-fields-as", "undefined")
        let o = try await w.check(Self.receipts)
        let f = try #require(o.first("ledger/record-hash"), "\(o.text)")
        #expect(f.message.contains("with the hash members set to \"undefined\""), "\(f.message)")
        #expect(f.help?.contains("'hash-fields-as: undefined'") == true, "\(f.help ?? "")")
        let fixed = try await w.check(Self.receipts + ["canonical=sorted", "hash-fields-as=undefined"])
        #expect(fixed.findings.isEmpty, "\(fixed.text)")
    }

    @Test func aForgedChainPassesAloneButNotAgainstACheckpointOrARoot() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "60", "--merkle-root", w.file("published.json"))
        let pinned = try w.pin("source=receipts.jsonl", "checkpoint=ledger.checkpoint")
        #expect(pinned.written, "\(pinned.summary)")
        // Record 25 edited, and every hash and chain from it rebuilt: a self-consistent forgery.
        try await w.write("receipts.jsonl", "--records", "60", "--forge-from", "25")
        let alone = try await w.check(Self.receipts)
        #expect(alone.findings.isEmpty, "no chain check alone can see it: \(alone.text)")
        let pin = try await w.check(Self.receipts + ["checkpoint=ledger.checkpoint"])
        let f = try #require(pin.first("ledger/checkpoint"), "\(pin.text)")
        #expect(f.message.contains("forged"), "\(f.message)")
        #expect(pin.summary.contains("every record was verified"), "the pinned record changed, so the run went back to the start: \(pin.summary)")
        let root = try await w.check(Self.receipts + ["merkle-root=published.json"])
        #expect(root.first("ledger/merkle-root") != nil, "\(root.text)")
    }

    @Test func aCheckpointedRunReadsOnlyWhatWasAppended() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "100")
        #expect(try w.pin("source=receipts.jsonl", "checkpoint=ledger.checkpoint", "sequence-field=seq").written)
        try await w.write("more.jsonl", "--records", "7", "--append-to", w.file("receipts.jsonl"))
        try w.setLines("receipts.jsonl", try w.lines("receipts.jsonl") + w.lines("more.jsonl"))
        let o = try await w.check(Self.receipts + ["checkpoint=ledger.checkpoint"])
        #expect(o.findings.isEmpty, "\(o.text)")
        #expect(o.stats["resumed"] == .bool(true))
        #expect(o.stats["records"] == .int(107))
        #expect(o.stats["checked"] == .int(8), "the pinned record and the 7 new ones")
        // An edit before the checkpoint is not read by the resumed run; a full run finds it.
        var lines = try w.lines("receipts.jsonl")
        lines[9] = lines[9].replacingOccurrences(of: "\"currency\":\"EUR\"", with: "\"currency\":\"USD\"")
        try w.setLines("receipts.jsonl", lines)
        let quick = try await w.check(Self.receipts + ["checkpoint=ledger.checkpoint"])
        #expect(quick.findings.isEmpty)
        let full = try await w.check(Self.receipts + ["checkpoint=ledger.checkpoint", "full=true"])
        #expect(full.first("ledger/record-hash")?.line == 10, "\(full.text)")
    }

    @Test func aLedgerCutBelowItsCheckpointFails() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "80")
        #expect(try w.pin("source=receipts.jsonl", "checkpoint=ledger.checkpoint", "sequence-field=seq").written)
        // A restore from an older backup: the last 12 records are gone.
        try await w.write("receipts.jsonl", "--records", "80", "--truncate", "68")
        let o = try await w.check(Self.receipts + ["checkpoint=ledger.checkpoint"])
        let f = try #require(o.first("ledger/checkpoint"), "\(o.text)")
        #expect(f.message.contains("truncated below the checkpoint: the ledger holds 68 records, but the checkpoint pins record 80 (sequence 80)"),
                "\(f.message)")
        #expect(f.message.contains("12 records are gone"))
    }

    @Test func anEditedPinnedRecordIsCaught() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "30")
        #expect(try w.pin("source=receipts.jsonl", "checkpoint=ledger.checkpoint").written)
        var lines = try w.lines("receipts.jsonl")
        lines[29] = lines[29].replacingOccurrences(of: "\"currency\":\"EUR\"", with: "\"currency\":\"GBP\"")
        try w.setLines("receipts.jsonl", lines)
        let o = try await w.check(Self.receipts + ["checkpoint=ledger.checkpoint"])
        #expect(o.first("ledger/record-hash")?.line == 30, "\(o.text)")
        #expect(o.stats["resumed"] == .bool(false))
    }

    @Test func noCheckpointYetIsAWarning() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "5")
        let o = try await w.check(Self.receipts + ["checkpoint=ledger.checkpoint"])
        #expect(o.errors.isEmpty)
        #expect(o.first("ledger/checkpoint")?.severity == .warning)
    }
}
