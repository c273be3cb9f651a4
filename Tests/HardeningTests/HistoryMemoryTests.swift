import Foundation
import GateTestSupport
import Testing

/// A history scan's peak memory does not grow with the length of the history (issue 31), on the built
/// binary with the git it starts: the peak resident set size of gate and its children is measured on a
/// history and on one twice as long.
@Suite(.serialized) struct HistoryMemoryTests {
    /// Writes `git fast-import` input: `commits` commits, each adding a file of random bytes (binary, so
    /// the scan itself has almost nothing to read while git maps and inflates every object), and a first
    /// commit with a text file holding `token`.
    static let generator = """
        import os, sys
        n, size, token = int(sys.argv[1]), int(sys.argv[2]), os.environ["TOKEN"].encode()
        out = sys.stdout.buffer
        def commit(i, path, data):
            msg = b"change %d" % i
            out.write(b"blob\\nmark :%d\\ndata %d\\n" % (i + 1, len(data)) + data + b"\\n")
            out.write(b"commit refs/heads/main\\ncommitter T <t@example.invalid> %d +0000\\n" % (1700000000 + i))
            out.write(b"data %d\\n%s\\nM 100644 :%d %s\\n\\n" % (len(msg), msg, i + 1, path))
        commit(0, b"deploy.env", b"AWS_ACCESS_KEY_ID=" + token + b"\\n")
        for i in range(1, n + 1):
            commit(i, b"blobs/b%05d.bin" % i, b"\\0" + os.urandom(size))
        """

    static func history(_ commits: Int, token: String) async throws -> TempDir {
        let dir = try TempDir("history-memory")
        try await Exec.git(["init", "-q", "-b", "main"], in: dir.path)
        // Stored whole and uncompressed: the pack grows by the same 128 KiB with every commit.
        let r = try await Exec.run(["sh", "-c", "python3 -c \"$GEN\" \(commits) 131072 | git -c core.compression=0 fast-import "
                                     + "--quiet --big-file-threshold=64k"],
                                   cwd: dir.path, env: ["GEN": Self.generator, "TOKEN": token], timeout: .seconds(300))
        #expect(r.code == 0, "fast-import: \(r.stderr)")
        return dir
    }

    /// Before: git's pack windows (1 GiB each) and delta base cache (96 MiB) were left at their defaults, so
    /// git log -p kept every pack page it read mapped: 270 MB on the 10,000-commit benchmark history, and here
    /// about 32 MiB more on the longer history than on the shorter one.
    @Test func peakMemoryStaysFlatOnAHistoryTwiceAsLong() async throws {
        func random(_ n: Int, _ alphabet: String) -> String { String((0..<n).map { _ in alphabet.randomElement()! }) }
        let token = "AK" + "IA" + random(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
        var peaks: [Int] = []
        for commits in [250, 500] {
            let dir = try await Self.history(commits, token: token)
            defer { dir.remove() }
            let (r, peakKB) = try await Hardening.gateWithPeakRSS(
                ["check", "secrets", dir.path, "--set", "history=true", "--json", dir.file("out.json"), "-q"], cwd: dir.path)
            print("history-memory \(commits) commits (\(commits / 8) MiB of pack): peak RSS \(peakKB / 1024) MiB")
            #expect(r.code == 1, "the planted key fails the check: \(r.stdout.prefix(2000))")
            let report = try Hardening.json(dir.file("out.json"))
            let findings = (report["checks"] as? [[String: Any]])?.first?["findings"] as? [[String: Any]] ?? []
            #expect(findings.count == 1 && findings.first?["path"] as? String == "deploy.env", "\(findings)")
            #expect(!r.stdout.contains(token))
            peaks.append(peakKB)
        }
        guard peaks.count == 2, peaks.allSatisfy({ $0 > 0 }) else {
            Issue.record("peak memory was not measured: \(peaks)")
            return
        }
        // 31 MiB more pack to read: the peak may move by noise, not by the pack's size.
        #expect(peaks[1] - peaks[0] < 12 << 10, "peak RSS \(peaks[0] / 1024) MiB -> \(peaks[1] / 1024) MiB")
        // (The ASan build's shadow memory adds a few hundred MiB of its own.)
        let limit = ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil ? 150 << 10 : BoundedMemoryTests.looseLimitKB
        #expect(peaks[1] < limit, "peak RSS \(peaks[1] / 1024) MiB")
    }
}
