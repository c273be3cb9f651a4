import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierDeterminism

/// The likely-cause heuristics, on real runs where a real command shows the pattern, and on tokens.
@Suite struct CauseTests {
    @Test func theRunsWorkingDirectoryIsAnAbsolutePath() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run("command: 'echo \"built in $(pwd)\"'\nvary: [path]")
        let f = try #require(outcome.first("determinism/output-diverged"))
        #expect(f.message.contains("likely cause: an absolute path (the output embeds the working directory)"), "\(f.message)")
        #expect(f.evidence?["cause"]?.contains("run-2/tree") == true)
    }

    @Test func aProcessIDIsNamed() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run(#"command: 'echo "lock held by $$"'"#)
        let f = try #require(outcome.first("determinism/output-diverged"))
        #expect(f.message.contains("likely cause: a process ID"), "\(f.message)")
    }

    @Test func theHostNameVariationIsNamedWhereItApplies() async throws {
        let h = try Harness()
        defer { h.remove() }
        let outcome = try await h.run("command: 'echo \"built on $(uname -n)\"'\nvary: [hostname]")
        if outcome.first("determinism/variation-not-applied") == nil {
            let f = try #require(outcome.first("determinism/output-diverged"))
            #expect(f.message.contains("likely cause: the 'hostname' variation (run 2's output contains 'gate-run-2'"), "\(f.message)")
        }
    }

    @Test func randomTokensAndUUIDs() async throws {
        let h = try Harness()
        defer { h.remove() }
        let uuid = try await h.run("command: cat /proc/sys/kernel/random/uuid")
        #expect(uuid.first("determinism/output-diverged")?.message.contains("likely cause: a random UUID") == true)
        let token = try await h.run("command: 'head -c 24 /dev/urandom | base64'")
        #expect(token.first("determinism/output-diverged")?.message.contains("likely cause: random-looking bytes") == true,
                "\(token.findings.map(\.message))")
        let binary = try await h.run("command: 'head -c 4096 /dev/urandom'")
        #expect(binary.first("determinism/output-diverged")?.message.contains("likely cause: high-entropy bytes") == true,
                "\(binary.findings.map(\.message))")
    }

    @Test func tokenHeuristics() {
        #expect(TokenCauses.epoch("1732272000")?.seconds == 1_732_272_000)
        #expect(TokenCauses.epoch("1732272000123")?.scale == 1000)
        #expect(TokenCauses.epoch("1732272000123456789")?.scale == 1_000_000_000)
        #expect(TokenCauses.epoch("12345") == nil)
        #expect(TokenCauses.epoch("9999999999999") == nil)
        #expect(TokenCauses.address("0x7ffd5a3c1e20", "0x7ffc11aa0f48")?.label == "a memory address")
        #expect(TokenCauses.entropy("paid", "open") == nil)
        #expect(TokenCauses.entropy("invoice-total-amount", "invoice-total-figure") == nil)
        // A random base64 token without a digit (about one in a hundred of 32 characters) is still random-looking;
        // a camel-case identifier is not.
        let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ+/")
        let first = String((0..<32).map { alphabet[($0 * 7 + 3) % alphabet.count] })
        let second = String((0..<32).map { alphabet[($0 * 11 + 5) % alphabet.count] })
        #expect(TokenCauses.entropy(first, second) != nil)
        #expect(TokenCauses.entropy("InvoiceTotalAmountFigure", "InvoiceTotalAmountValues") == nil)
        let (a, b) = TokenText.middles(Array("at 10:00:01 by x".utf8), Array("at 10:00:02 by x".utf8))
        #expect(a == "10:00:01" && b == "10:00:02")
        #expect(TokenCauses.timestamp(a, b, lineA: Array("at 10:00:01 by x".utf8), lineB: Array("at 10:00:02 by x".utf8))?.label == "a timestamp")
    }

    @Test func firstDifferenceStreamsAcrossBuffers() throws {
        let dir = try TempDir("bytes")
        defer { dir.remove() }
        // The difference sits past the first 256 KiB buffer, on line 20,001.
        let common = String(repeating: "0123456789abc\n", count: 20_000)
        try dir.write(["a": common + "left\n", "b": common + "right\n", "c": common])
        let d = try #require(try ByteCompare.first(dir.file("a"), dir.file("b")))
        #expect(d.offset == common.utf8.count && d.line == 20_001 && d.column == 1)
        #expect(d.contextLine == 19_998 && d.contextStart == common.utf8.count - 3 * 14)
        let prefix = try #require(try ByteCompare.first(dir.file("c"), dir.file("a")))
        #expect(prefix.offset == common.utf8.count && prefix.sizeA < prefix.sizeB)
        #expect(try ByteCompare.first(dir.file("a"), dir.file("a")) == nil)
    }

    @Test func unifiedDiffIsBounded() {
        let a = (1...200).map { "line \($0)" }
        var b = a
        b[3] = "changed"
        b.insert("inserted", at: 14)
        let text = LineDiff.unified(Array(a.prefix(120)), Array(b.prefix(120)), startLine: 5, labelA: "run-1/x", labelB: "run-2/x",
                                    windowsComplete: false, maxLines: 12)
        let lines = text.split(separator: "\n").map(String.init)
        #expect(lines.prefix(3) == ["--- run-1/x", "+++ run-2/x", "@@ -5,7 +5,7 @@"])
        #expect(lines.filter { $0.hasPrefix("@@ ") }.count == 2, "a second hunk for the insertion: \(lines)")
        #expect(lines.contains("-line 4") && lines.contains("+changed"))
        #expect(lines.last?.hasPrefix("... (diff limited") == true)
        #expect(lines.count <= 12 + 5)
    }
}
