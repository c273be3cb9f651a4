import Foundation
import GateTestSupport
import Testing

/// `gate check ledger`, `gate ledger checkpoint` and `gate ledger root` on the built binary, over ledgers
/// written by Fixtures/ledger/write_ledger.py (an implementation that shares no code with gate).
@Suite struct LedgerEndToEndTests {
    private func writer(_ dir: TempDir, _ out: String, _ args: String...) async throws {
        let r = try await Exec.run(["python3", Repo.path("Fixtures/ledger/write_ledger.py"), dir.file(out)] + args, cwd: dir.path)
        try #require(r.code == 0, "write_ledger.py \(args): \(r.stderr)")
    }

    private let sets = ["--set", "source=receipts.jsonl", "--set", "sequence-field=seq", "--set", "timestamp-field=ts"]

    @Test func checkPassesAnIntactLedgerAndNamesTheEditedRecord() async throws {
        let dir = try TempDir("ledger-e2e")
        defer { dir.remove() }
        try await writer(dir, "receipts.jsonl", "--records", "40")
        let ok = try await Exec.gate(["check", "ledger", "."] + sets + ["--json", "ok.json"], cwd: dir.path)
        #expect(ok.code == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(ok.stdout.contains("40 records; every record verifies"), "\(ok.stdout)")
        try await SchemaCheck.report(dir.file("ok.json"))

        try await writer(dir, "receipts.jsonl", "--records", "40", "--edit", "17")
        let bad = try await Exec.gate(["check", "ledger", "."] + sets + ["--json", "bad.json", "--sarif", "bad.sarif"], cwd: dir.path)
        #expect(bad.code == 1, "\(bad.stdout)\(bad.stderr)")
        try await SchemaCheck.report(dir.file("bad.json"))
        try await SchemaCheck.sarif(dir.file("bad.sarif"))
        let report = try String(contentsOfFile: dir.file("bad.json"), encoding: .utf8)
        #expect(report.contains("ledger/record-hash"))
        #expect(report.contains("\"line\" : 17") || report.contains("\"line\":17"), "the finding names line 17")
    }

    @Test func badParametersAreUsageErrorsNamingTheKey() async throws {
        let dir = try TempDir("ledger-e2e")
        defer { dir.remove() }
        try await writer(dir, "receipts.jsonl", "--records", "3")
        let algorithm = try await Exec.gate(["check", "ledger", ".", "--set", "source=receipts.jsonl", "--set", "algorithm=md5"], cwd: dir.path)
        #expect(algorithm.code == 2, "\(algorithm.stdout)\(algorithm.stderr)")
        #expect(algorithm.stderr.contains("algorithm"), "\(algorithm.stderr)")
        let encoding = try await Exec.gate(["check", "ledger", ".", "--set", "source=receipts.jsonl", "--set", "encoding=base32"], cwd: dir.path)
        #expect(encoding.code == 2, "\(encoding.stdout)\(encoding.stderr)")
        #expect(encoding.stderr.contains("encoding"), "\(encoding.stderr)")
        let half = try await Exec.gate(["ledger", "checkpoint", "--suite", "s.yaml"], cwd: dir.path)
        #expect(half.code == 2)
        #expect(half.stderr.contains("--suite needs --check"), "\(half.stderr)")
        let noCheck = try await Exec.gate(["ledger", "checkpoint", ".", "--set", "source=receipts.jsonl"], cwd: dir.path)
        #expect(noCheck.code == 2, "no checkpoint path is a usage error: \(noCheck.stdout)\(noCheck.stderr)")
        #expect(noCheck.stderr.contains("no checkpoint file to write"), "\(noCheck.stderr)")
    }

    /// Pin, append, verify only the new records; cut the ledger below the pin and the check fails; a broken
    /// ledger is not pinned and its checkpoint stays as it was.
    @Test func checkpointThenAppendThenTruncate() async throws {
        let dir = try TempDir("ledger-e2e")
        defer { dir.remove() }
        try await writer(dir, "receipts.jsonl", "--records", "30")
        let pin = try await Exec.gate(["ledger", "checkpoint", "."] + sets + ["--set", "checkpoint=ledger.checkpoint"], cwd: dir.path)
        #expect(pin.code == 0, "\(pin.stdout)\(pin.stderr)")
        #expect(pin.stdout.contains("pinned record 30"), "\(pin.stdout)")
        let pinned = try String(contentsOfFile: dir.file("ledger.checkpoint"), encoding: .utf8)
        #expect(pinned.contains("gate-ledger-checkpoint/1"))

        try await writer(dir, "receipts.jsonl", "--records", "5", "--append-to", dir.file("receipts.jsonl"))
        let resumed = try await Exec.gate(["check", "ledger", "."] + sets + ["--set", "checkpoint=ledger.checkpoint"], cwd: dir.path)
        #expect(resumed.code == 0, "\(resumed.stdout)\(resumed.stderr)")
        #expect(resumed.stdout.contains("5 new since the checkpoint"), "\(resumed.stdout)")

        try await writer(dir, "receipts.jsonl", "--records", "35", "--truncate", "20")
        let cut = try await Exec.gate(["check", "ledger", "."] + sets + ["--set", "checkpoint=ledger.checkpoint", "--json", "cut.json"],
                                      cwd: dir.path)
        #expect(cut.code == 1, "\(cut.stdout)\(cut.stderr)")
        #expect(try String(contentsOfFile: dir.file("cut.json"), encoding: .utf8).contains("ledger/checkpoint"))

        try await writer(dir, "receipts.jsonl", "--records", "35", "--swap", "31")
        let refused = try await Exec.gate(["ledger", "checkpoint", "."] + sets + ["--set", "checkpoint=ledger.checkpoint"], cwd: dir.path)
        #expect(refused.code == 1, "\(refused.stdout)\(refused.stderr)")
        #expect(refused.stderr.contains("not pinned"), "\(refused.stderr)")
        #expect(try String(contentsOfFile: dir.file("ledger.checkpoint"), encoding: .utf8) == pinned)
    }

    /// The root `gate ledger root` prints is the writer's RFC 6962 root, and a check given it passes;
    /// a check given the root of a different ledger fails; the same parameters read from a suite work too.
    @Test func rootMatchesTheIndependentWriterAndSuitesWork() async throws {
        let dir = try TempDir("ledger-e2e")
        defer { dir.remove() }
        try await writer(dir, "receipts.jsonl", "--records", "13", "--merkle-root", dir.file("writer.root.json"))
        let root = try await Exec.gate(["ledger", "root", ".", "--set", "source=receipts.jsonl"], cwd: dir.path)
        #expect(root.code == 0, "\(root.stderr)")
        let printed = try JSONSerialization.jsonObject(with: Data(root.stdout.utf8)) as? [String: Any]
        let expected = try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: dir.file("writer.root.json")))) as? [String: Any]
        #expect(printed?["root_hash"] as? String == expected?["root_hash"] as? String)
        #expect(printed?["tree_size"] as? Int == 13)
        try Data(root.stdout.utf8).write(to: URL(fileURLWithPath: dir.file("published.json")))

        try dir.write(["suite.yaml": """
            suite: receipts
            checks:
              - id: receipts-ledger
                uses: ledger
                with:
                  source: receipts.jsonl
                  sequence-field: seq
                  merkle-root: published.json
            """])
        let run = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(run.code == 0, "\(run.stdout)\(run.stderr)")
        let viaSuite = try await Exec.gate(["ledger", "root", "--suite", "suite.yaml", "--check", "receipts-ledger"], cwd: dir.path)
        #expect(viaSuite.code == 0, "\(viaSuite.stderr)")
        #expect(viaSuite.stdout == root.stdout)

        try await writer(dir, "receipts.jsonl", "--records", "13", "--forge-from", "9")
        let forged = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(forged.code == 1, "a self-consistent forgery is caught by the published root: \(forged.stdout)")
        #expect(forged.stdout.contains("ledger/merkle-root") || forged.stdout.contains("Merkle root"), "\(forged.stdout)")
    }
}
