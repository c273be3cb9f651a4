import Foundation
import GateTestSupport
import Testing

/// The ledger verifier on inputs far larger than any record: a sparse file of zeros with no newline
/// (10 GB under `make hardening`, 512 MiB otherwise) and a file of nothing but newlines. Each is a clear
/// finding, and gate's memory stays flat while it streams them.
@Suite struct LedgerHugeInputTests {
    // AddressSanitizer's shadow memory and quarantine add a few hundred MiB of their own (`make sanitize`).
    static let limitMiB = ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil ? 200 : 1024

    @Test func aSparseFileWithoutNewlinesIsOneOverlongLineSkippedUnread() async throws {
        let dir = try TempDir("ledger-huge")
        defer { dir.remove() }
        let fd = open(dir.file("receipts.jsonl"), O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        try #require(fd >= 0)
        ftruncate(fd, off_t(HostileTree.sparseSize))
        close(fd)
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(
            ["check", "ledger", ".", "--set", "source=receipts.jsonl", "--json", "r.json"], cwd: dir.path)
        #expect(r.code == 1, "\(r.stdout)")
        #expect(r.stdout.contains("more than 'max-record-bytes'") && r.stdout.contains("skipped unread"), "\(r.stdout)")
        #expect(peakKB > 0 && peakKB < Self.limitMiB * 1024, "gate's peak RSS was \(peakKB) KiB")
    }

    /// Every line is blank: one finding for the first, the rest counted. 10,000,000 lines under
    /// `make hardening` (a billion takes hours in a debug build), 100,000 otherwise.
    @Test func aFileOfBlankLinesIsOneFindingAndACount() async throws {
        let dir = try TempDir("ledger-huge")
        defer { dir.remove() }
        let lines = Hardening.full ? 10_000_000 : 100_000
        let block = [UInt8](repeating: 0x0A, count: 1 << 20)
        let handle = try #require(FileHandle(forWritingAtPath: try dir.write(["receipts.jsonl": ""]).file("receipts.jsonl")))
        var left = lines
        while left > 0 {
            let n = min(left, block.count)
            try handle.write(contentsOf: block[..<n])
            left -= n
        }
        try handle.close()
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(
            ["check", "ledger", ".", "--set", "source=receipts.jsonl", "--json", "r.json"], cwd: dir.path)
        #expect(r.code == 1, "\(r.stdout)")
        let count = Hardening.full ? "9,999,999" : "99,999"
        #expect(r.stdout.contains("the line is blank") && r.stdout.contains("\(count) more records after it fail"), "\(r.stdout)")
        let report = try String(contentsOfFile: dir.file("r.json"), encoding: .utf8)
        #expect(report.components(separatedBy: "\"rule\" : \"ledger/invalid-record\"").count == 2, "one finding, the rest counted")
        #expect(peakKB > 0 && peakKB < Self.limitMiB * 1024, "gate's peak RSS was \(peakKB) KiB")
    }
}
