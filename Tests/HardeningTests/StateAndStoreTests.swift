import Foundation
import GateTestSupport
import Testing

/// Damaged or locked SQLite state under .gate/, and a CAS object rewritten while it is being hashed.
@Suite struct StateAndStoreTests {
    @Test func corruptedHistoryAndCacheAreMovedAsideAndRebuilt() async throws {
        let dir = try Hardening.suite("""
            suite: s
            checks:
              - {id: a, run: 'true'}
              - {id: store, uses: cas, with: {root: store, layout: checksums, manifest: SHA256SUMS}}
            """, files: ["store/a.txt": "x"])
        defer { dir.remove() }
        let sum = try await Exec.run(["sha256sum", "a.txt"], cwd: dir.file("store"))
        try dir.write(["store/SHA256SUMS": sum.stdout])
        let first = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(first.code == 0, "\(first.stdout)\(first.stderr)")
        for name in ["history.sqlite", "cas-cache.sqlite"] {
            #expect(FileManager.default.fileExists(atPath: dir.file(".gate/" + name)), "no \(name)")
        }
        // Overwrite both databases with junk (keeping the SQLite magic makes it look half-valid).
        var junk = Data("SQLite format 3\0".utf8)
        junk.append(Data((0..<8192).map { UInt8(truncatingIfNeeded: $0 &* 31) }))
        for name in ["history.sqlite", "cas-cache.sqlite"] {
            for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: dir.file(".gate/" + name + suffix)) }
            try junk.write(to: URL(fileURLWithPath: dir.file(".gate/" + name)))
        }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == first.code, "\(r.stdout)\(r.stderr)")
        #expect(!r.stderr.contains("Fatal error"))
        #expect(r.stdout.contains("history.sqlite' was damaged") || r.stderr.contains("history.sqlite' was damaged"),
                "\(r.stdout)\(r.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: dir.file(".gate"))
        #expect(names.contains { $0.hasPrefix("history.sqlite.corrupt-") }, "\(names)")
        // The rebuilt history works: the next run sees it and records into it.
        let h = try await Exec.gate(["history", "suite.yaml"], cwd: dir.path)
        #expect(h.code == 0, "\(h.stdout)\(h.stderr)")
        print("fault corrupt-state: " + (r.stdout + r.stderr).split(separator: "\n").filter { $0.contains("damaged") }.joined(separator: " | "))
    }

    @Test func lockedHistoryIsNamedAndTheRunStillCompletes() async throws {
        let dir = try Hardening.suite("checks:\n  - {id: a, run: 'true'}\n")
        defer { dir.remove() }
        _ = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        // Another process holds an exclusive lock on the history for longer than gate waits.
        let holder = try await Hardening.lockHistory(in: dir)
        defer { Hardening.stop(holder) }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        let all = r.stdout + r.stderr
        #expect(all.contains("is locked by another process"), "\(all)")
        #expect(all.contains("not recorded"), "\(all)")
        #expect(FileManager.default.fileExists(atPath: dir.file("Reports/suite/report.json")))
        print("fault locked-state: " + all.split(separator: "\n").filter { $0.contains("locked") }.joined(separator: " | "))
    }

    /// A checksum-manifest store whose one large object is truncated and regrown while gate hashes it.
    @Test func objectRewrittenWhileHashedIsReportedWithoutCrash() async throws {
        let dir = try TempDir("harden-cas")
        defer { dir.remove() }
        let size = 256 << 20
        let big = dir.file("big.bin")
        _ = FileManager.default.createFile(atPath: big, contents: nil)
        try FileHandle(forWritingAtPath: big).map { h in try h.truncate(atOffset: UInt64(size)); try h.close() }
        let sum = try await Exec.run(["sha256sum", "big.bin"], cwd: dir.path)
        try dir.write(["SHA256SUMS": sum.stdout])
        let writer = Process()
        writer.executableURL = URL(fileURLWithPath: "/bin/sh")
        writer.arguments = ["-c", "while :; do truncate -s 4096 big.bin; truncate -s \(size) big.bin; done"]
        writer.currentDirectoryURL = URL(fileURLWithPath: dir.path)
        try writer.run()
        defer { Hardening.stop(writer) }
        var outcomes: Set<String> = []
        for _ in 0..<5 {
            let r = try await Exec.gate(["check", "cas", ".", "--set", "layout=checksums", "--set", "manifest=SHA256SUMS",
                                         "--set", "cache=false", "--json", "r.json"], cwd: dir.path)
            #expect([0, 1, 3].contains(r.code), "\(r.stdout)\(r.stderr)")
            #expect(r.signal == nil && !r.stderr.contains("Fatal error"), "\(r.stderr)")
            let report = try Hardening.json(dir.file("r.json"))
            let check = try #require((report["checks"] as? [[String: Any]])?.first)
            let findings = check["findings"] as? [[String: Any]] ?? []
            let messages = findings.compactMap { $0["message"] as? String }
            outcomes.insert("\(check["status"] as? String ?? "?"): \(messages.first.map { String($0.prefix(90)) } ?? "no finding")")
        }
        // At least one run saw the rewrite and said so.
        #expect(outcomes.contains { $0.contains("changed while it was being hashed") || $0.contains("big.bin' hashes to") },
                "\(outcomes)")
        print("fault cas-rewrite-while-hashing: \(outcomes.sorted())")
    }
}
