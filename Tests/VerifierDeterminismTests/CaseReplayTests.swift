import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierDeterminism

@Suite struct CaseReplayTests {
    /// An engine with a bug: a request that asks for a trace gets the current time in its answer.
    static let engine = """
        #!/bin/sh
        request=$(cat "$1")
        if grep -q '"trace"' "$1"; then
          printf '{"request": %s, "trace": {"at": %s}}\\n' "$request" "$(date +%s%N)"
        else
          printf '{"request": %s}\\n' "$request"
        fi
        """

    static let files = [
        "engine.sh": engine,
        "cases/a.json": #"{"id": "a", "items": [1, 2]}"#,
        "cases/b.json": #"{"id": "b", "items": [5], "trace": true}"#,
        "cases/c.json": #"{"id": "c", "items": []}"#,
    ]

    @Test func eachCaseIsComparedOnItsOwnAndOneIsBad() async throws {
        let h = try Harness(files: Self.files)
        defer { h.remove() }
        let outcome = try await h.run("""
            command: [sh, engine.sh, '{case}']
            cases: 'cases/*.json'
            vary: [path, tz]
            parallel: true
            """)
        let diverged = outcome.findings.filter { $0.rule == "determinism/output-diverged" }
        #expect(diverged.count == 1)
        let f = try #require(diverged.first)
        #expect(f.path == "cases/b.json")
        #expect(f.message.contains("at $.trace.at; likely cause: a timestamp"), "\(f.message)")
        // One JUnit testcase per case; only the bad one fails.
        let rules = Set(outcome.rules ?? [])
        for c in ["a", "b", "c"] { #expect(rules.contains("determinism/case/cases/\(c).json")) }
        #expect(outcome.findings.filter { $0.rule.hasPrefix("determinism/case/") }.map(\.rule) == ["determinism/case/cases/b.json"])
        #expect(outcome.extraRules.count == 3)
        #expect(outcome.summary.contains("(1 of 3 cases affected)") || outcome.summary.contains("'stdout' in case 'cases/b.json' diverged"))
        #expect(outcome.stat("cases") == .int(3))
        #expect(outcome.stat("parallel") == .bool(true))
        for c in ["a", "b", "c"] {
            #expect(FileManager.default.fileExists(atPath: h.artifacts + "/cases/cases/\(c).json/run-2/stdout"))
        }
    }

    @Test func casesRecordAndVerifyAGoldenLock() async throws {
        var files = Self.files
        files["cases/b.json"] = #"{"id": "b", "items": [5]}"#
        let h = try Harness(files: files)
        defer { h.remove() }
        let check = "command: sh engine.sh {case}\ncases: 'cases/*.json'\ngolden: golden.lock"
        let recorded = try await h.run(check + "\nrecord: true")
        #expect(recorded.summary.contains("recorded golden lock 'golden.lock' (3 cases, 6 outputs)"), "\(recorded.summary)")
        #expect(!(try await h.run(check + "\nruns: 1")).failed)

        try h.dir.write(["cases/c.json": #"{"id": "c", "items": [7]}"#, "cases/d.json": #"{"id": "d", "items": []}"#])
        try FileManager.default.removeItem(atPath: h.dir.file("cases/a.json"))
        let outcome = try await h.run(check + "\nruns: 1")
        let messages = outcome.findings.filter { $0.rule == "determinism/golden-mismatch" }.map(\.message)
        #expect(messages.sorted() == [
            "'stdout' of case 'cases/c.json' does not match the golden lock 'golden.lock' (39 bytes, the lock has 38)",
            "case 'cases/d.json' is not in the golden lock 'golden.lock'",
            "the golden lock 'golden.lock' records case 'cases/a.json', but no input matches it any more",
        ], "\(messages)")
    }

    @Test func noMatchingCaseIsAnError() async throws {
        let h = try Harness(files: Self.files)
        defer { h.remove() }
        await #expect(throws: VerifierError.self) { try await h.run("command: sh engine.sh {case}\ncases: 'requests/*.json'") }
    }
}
