import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierLedger

/// Every hashing and chaining setting, against ledgers the independent writer wrote with it: a clean
/// ledger passes, and the same ledger with one record edited fails at that record.
@Suite struct LedgerSettingsTests {
    /// Writer arguments and the matching check parameters.
    static let variants: [(writer: [String], check: [String])] = [
        ([], []),
        (["--algorithm", "sha512"], ["algorithm=sha512"]),
        (["--algorithm", "xxh3-128"], ["algorithm=xxh3-128"]),
        (["--encoding", "base64"], ["encoding=base64"]),
        (["--encoding", "base64url", "--prefix", "sha256:"], ["encoding=base64url", "prefix='sha256:'"]),
        (["--chain-input", "text", "--separator", "|"], ["chain-input=text", "chain-separator='|'"]),
        (["--genesis", "empty"], ["genesis=empty"]),
        (["--genesis", "GENESIS", "--chain-input", "text"], ["genesis=GENESIS", "chain-input=text"]),
        (["--hash-fields-as", "null"], ["hash-fields-as=null"]),
        (["--canonical", "sorted"], ["canonical=sorted"]),
        (["--canonical", "compact"], ["canonical=compact"]),
        (["--canonical", "bytes"], ["canonical=bytes"]),
        (["--canonical", "bytes", "--hash-fields-as", "null"], ["canonical=bytes", "hash-fields-as=null"]),
        (["--canonical", "sorted", "--hash-fields-as", "undefined"], ["canonical=sorted", "hash-fields-as=undefined"]),
        (["--no-chain"], ["chain-field="]),
        (["--prev-field", "prev", "--start", "1000"], ["prev-field=prev", "first-sequence=1000"]),
    ]

    @Test(arguments: variants.indices)
    func cleanPassesAndAnEditFails(index: Int) async throws {
        let (writer, check) = Self.variants[index]
        let w = try LedgerWorkspace()
        defer { w.remove() }
        let base = ["source=receipts.jsonl", "sequence-field=seq"] + check
        _ = try await Exec.writer(w, "receipts.jsonl", ["--records", "25"] + writer)
        let clean = try await w.check(base)
        #expect(clean.findings.isEmpty, "\(writer): \(clean.text)")
        _ = try await Exec.writer(w, "receipts.jsonl", ["--records", "25", "--edit", "11"] + writer)
        let edited = try await w.check(base)
        #expect(edited.first("ledger/record-hash")?.line == 11, "\(writer): \(edited.text)")
    }

    @Test func aWrongAlgorithmOrEncodingSaysWhatTheDigestLooksLike() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "3", "--algorithm", "sha512")
        let o = try await w.check("source=receipts.jsonl")
        let f = try #require(o.first("ledger/invalid-record"), "\(o.text)")
        #expect(f.message.contains("'hash' decodes to 64 bytes, but a sha256 digest has 32 (the length of sha512: check 'algorithm')"), "\(f.message)")
        let b = try await w.check("source=receipts.jsonl", "algorithm=sha512", "encoding=base64")
        #expect(b.first("ledger/invalid-record")?.message.contains("'hash' decodes to 96 bytes, but a sha512 digest has 64") == true, "\(b.text)")
        let c = try await w.check("source=receipts.jsonl", "algorithm=sha512", "prefix='sha512:'")
        #expect(c.first("ledger/invalid-record")?.message.contains("which is not a sha512 hex digest after the prefix 'sha512:'") == true, "\(c.text)")
    }

    @Test func theGenesisSettingIsDiagnosed() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "5", "--genesis", "empty")
        let o = try await w.check("source=receipts.jsonl")
        let f = try #require(o.first("ledger/chain-break"), "\(o.text)")
        #expect(f.line == 1)
        #expect(f.message.contains("the chain starts from 'empty', not from 'zeros'"), "\(f.message)")
        #expect(f.help == "Set 'genesis: empty'.")
    }

    @Test func recordsCutFromTheFrontAreNamed() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        try await w.write("receipts.jsonl", "--records", "10", "--delete", "1")
        let o = try await w.check("source=receipts.jsonl", "sequence-field=seq", "first-sequence=1")
        let f = try #require(o.first("ledger/chain-break"), "\(o.text)")
        #expect(f.message.contains("removed from the front: the ledger starts at sequence 2, not 1"), "\(f.message)")
    }

    @Test func badParametersNameTheKey() throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        func error(_ sets: [String]) -> String {
            do {
                _ = try w.verifier(sets)
                return ""
            } catch {
                return "\(error)"
            }
        }
        #expect(error(["sequence-field=seq"]).contains("missing required key 'source'"))
        #expect(error(["source=a.jsonl", "algorithm=blake3"]).contains("BLAKE3 is not available"))
        #expect(error(["source=a.jsonl", "canonical=xml"]).contains("'canonical'"))
        #expect(error(["source=a.jsonl", "first-sequence=1"]).contains("set 'sequence-field' too"))
        #expect(error(["source=a.jsonl", "hash-field=", "chain-field="]).contains("nothing to verify"))
        #expect(error(["source=a.jsonl", "database=x.db", "table=t"]).contains("not both"))
        #expect(error(["source=a.jsonl", "sequence-field=hash"]).contains("named for two roles"))
        #expect(error(["source=a.jsonl", "max-record-bytes=10"]).contains("1024"))
    }
}

extension Exec {
    /// The writer with an argument list (LedgerWorkspace.write takes variadic arguments).
    static func writer(_ w: LedgerWorkspace, _ out: String, _ args: [String]) async throws -> Completed {
        let r = try await run(["python3", Repo.path("Fixtures/ledger/write_ledger.py"), w.file(out)] + args, cwd: w.path)
        if r.code != 0 { Issue.record("write_ledger.py \(args) failed: \(r.stderr)") }
        return r
    }
}
