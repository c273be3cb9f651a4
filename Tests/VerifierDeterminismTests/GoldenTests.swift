import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierDeterminism

@Suite struct GoldenTests {
    static let check = """
        command: 'cat input.txt; printf "%s\\n" report > report.txt'
        outputs: [report.txt]
        golden: golden.lock
        """

    @Test func recordVerifyTamperMismatch() async throws {
        let h = try Harness(files: ["input.txt": "hello\n"])
        defer { h.remove() }
        // Verifying before anything was recorded cannot run.
        await #expect(throws: VerifierError.self) { try await h.run(Self.check) }

        let recorded = try await h.run(Self.check + "\nrecord: true")
        #expect(!recorded.failed)
        #expect(recorded.summary.contains("recorded golden lock 'golden.lock' (3 outputs)"), "\(recorded.summary)")
        let lock = try h.dir.read("golden.lock")
        #expect(lock.contains("\"schema\": \"gate-determinism-lock/1\""))
        #expect(lock.contains("\"report.txt\": {"))

        // Recording again gives the same bytes: the lock diffs cleanly in review.
        _ = try await h.run(Self.check + "\nrecord: true")
        #expect(try h.dir.read("golden.lock") == lock)

        let verified = try await h.run(Self.check + "\nruns: 1")
        #expect(!verified.failed, "\(verified.findings.map(\.message))")
        #expect(verified.summary.contains("matches golden lock 'golden.lock'"))

        // The input changes: stdout no longer matches.
        try h.dir.write(["input.txt": "hullo\n"])
        let changed = try await h.run(Self.check)
        let f = try #require(changed.first("determinism/golden-mismatch"))
        #expect(f.message == "'stdout' of the command does not match the golden lock 'golden.lock' (same size, 6 bytes)")
        #expect(f.path == "golden.lock")
        #expect(f.evidence?["kept"]?.hasSuffix("run-1/stdout") == true)

        // Tampering with the lock is caught too.
        try h.dir.write(["input.txt": "hello\n", "golden.lock": lock.replacingOccurrences(of: "\"exit\": 0", with: "\"exit\": 2")])
        let tampered = try await h.run(Self.check)
        #expect(tampered.first("determinism/golden-mismatch")?.message == "the command exited with 0, but the golden lock 'golden.lock' records 2")
    }

    @Test func aMalformedLockIsAnErrorNamingTheFile() async throws {
        let h = try Harness(files: ["input.txt": "x\n", "golden.lock": #"{"schema": "something-else"}"#])
        defer { h.remove() }
        do {
            _ = try await h.run(Self.check)
            Issue.record("a malformed lock must not pass")
        } catch let e as VerifierError {
            #expect(e.message.hasPrefix("the golden lock 'golden.lock' is not valid: 'schema' must be 'gate-determinism-lock/1'"))
        }
    }

    @Test func nonDeterministicOutputsAreNotRecorded() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run("command: date +%N\ngolden: golden.lock\nrecord: true")
        #expect(outcome.rulesFound.contains("determinism/output-diverged"))
        #expect(outcome.summary.contains("; 1 more") || outcome.summary.contains("diverged"))
        #expect(!FileManager.default.fileExists(atPath: h.dir.file("golden.lock")))
    }

    @Test func lockRenderingIsSortedAndStable() {
        let output = GoldenLock.Output(digest: String(repeating: "ab", count: 16), size: 3, normalized: false)
        let lock = GoldenLock(entries: ["b.json": .init(exit: "0", outputs: ["stdout": output]),
                                        "a.json": .init(exit: "SIGSEGV", outputs: ["z": output, "stdout": output])],
                              caseMode: true)
        let text = lock.render(command: "engine {case}")
        #expect(text.range(of: "\"a.json\"")!.lowerBound < text.range(of: "\"b.json\"")!.lowerBound)
        #expect(text.contains("\"exit\": \"SIGSEGV\""))
        #expect(text.hasSuffix("}\n"))
    }
}
