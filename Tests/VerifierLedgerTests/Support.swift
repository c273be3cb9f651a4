import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierLedger

/// A temporary directory with ledgers written by Fixtures/ledger/write_ledger.py (an implementation of
/// the canonical forms, hashes, chain and RFC 6962 tree that shares no code with gate).
struct LedgerWorkspace {
    let dir: TempDir

    init() throws { dir = try TempDir("ledger") }

    var path: String { dir.path }

    func remove() { dir.remove() }

    func file(_ name: String) -> String { dir.file(name) }

    /// Runs the writer: `write("a.jsonl", "--records", "20", "--edit", "5")`.
    @discardableResult
    func write(_ out: String, _ args: String...) async throws -> String {
        let r = try await Exec.run(["python3", Repo.path("Fixtures/ledger/write_ledger.py"), file(out)] + args, cwd: path)
        if r.code != 0 { Issue.record("write_ledger.py \(args.joined(separator: " ")) failed: \(r.stderr)") }
        return file(out)
    }

    func lines(_ name: String) throws -> [String] {
        try String(contentsOfFile: file(name), encoding: .utf8).split(separator: "\n", omittingEmptySubsequences: false)
            .dropLast().map(String.init)
    }

    func setLines(_ name: String, _ lines: [String]) throws {
        try Data((lines.joined(separator: "\n") + "\n").utf8).write(to: URL(fileURLWithPath: file(name)))
    }

    func setBytes(_ name: String, _ bytes: [UInt8]) throws {
        try Data(bytes).write(to: URL(fileURLWithPath: file(name)))
    }

    /// The ledger check with `--set`-style parameters, built and validated as a suite would.
    func verifier(_ sets: [String]) throws -> LedgerVerifier {
        let values = try AdHocSuite.parseSets(sets)
        let p = Parameters(values: values, root: path, location: SourceLocation(file: "test", line: 1, column: 1))
        return try #require(try VerifierRegistry([LedgerVerifier.self]).make(LedgerVerifier.self, parameters: p) as? LedgerVerifier)
    }

    func check(_ sets: String...) async throws -> CheckOutcome {
        try await check(sets)
    }

    func check(_ sets: [String]) async throws -> CheckOutcome {
        let context = CheckContext(checkID: "ledger", suiteName: "test", root: path, cwd: path, environment: [:], timeout: nil,
                                   artifactsDirectory: file("artifacts"), stateDirectory: file(".gate"))
        return try await verifier(sets).run(context)
    }

    /// Pins the ledger as `gate ledger checkpoint` does.
    @discardableResult
    func pin(_ sets: String...) throws -> LedgerCheckpointResult {
        try verifier(sets).writeCheckpoint(root: path, output: nil)
    }
}

extension CheckOutcome {
    var found: Set<String> { Set(findings.map(\.rule)) }
    var errors: [Finding] { findings.filter { $0.severity == .error } }
    func first(_ rule: String) -> Finding? { findings.first { $0.rule == rule } }
    var text: String { summary + "\n" + findings.map { "\($0.rule) \($0.path ?? ""):\($0.line ?? 0) \($0.message)" }.joined(separator: "\n") }
}
