import Foundation
import GateTestSupport
import Testing

/// Issue 19 §1 on the built binary: values that are too large for the number they name (durations,
/// integers, sizes, counts), a NUL in a command, a huge plain suite, and an include that is not a
/// regular file. Each must end in exit 2 with file, line, key and the allowed range; never a trap.
@Suite struct BadValueTests {
    /// Durations that overflowed gate's millisecond arithmetic (SIGILL, exit 132, at main).
    static let hugeDurations = [
        "10000000000000000000s", "9999999999999999s", "2562047788015215h", "1000000000000000000000ms",
        "99999999999999999999", "5000000000000000000ms5000000000000000000ms", "36501d", "1e300",
    ]

    /// Runs gate in a fresh directory holding `files`.
    func gate(_ args: [String], files: [String: String], env: [String: String] = [:],
              timeout: Duration = .seconds(120)) async throws -> Completed {
        let dir = try TempDir("badvalue")
        defer { dir.remove() }
        try dir.write(files)
        return try await Exec.gate(args, cwd: dir.path, env: env, timeout: timeout)
    }

    /// A refusal: exit 2, no trap, the position and key, and what would have been allowed.
    func expectRefused(_ r: Completed, _ label: String, at position: String?, key: String, allowed: String,
                       sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(r.signal == nil && r.code == 2, "\(label): exit \(r.code) signal \(r.signal ?? 0)\n\(r.stdout)\(r.stderr)",
                sourceLocation: sourceLocation)
        #expect(!r.stderr.contains("Fatal error") && !r.stderr.contains("Backtracing") && !r.stderr.contains("crashed"),
                "\(label): \(r.stderr)", sourceLocation: sourceLocation)
        if let position { #expect(r.stderr.contains(position), "\(label): no '\(position)' in \(r.stderr)", sourceLocation: sourceLocation) }
        #expect(r.stderr.contains(key), "\(label): no key '\(key)' in \(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(allowed), "\(label): no range '\(allowed)' in \(r.stderr)", sourceLocation: sourceLocation)
    }

    @Test(arguments: hugeDurations)
    func checkTimeoutOutOfRange(value: String) async throws {
        let yaml = "checks:\n  - id: a\n    run: \"true\"\n    timeout: \(value)\n"
        for command in ["validate", "run"] {
            let r = try await gate([command, "t.yaml"], files: ["t.yaml": yaml])
            expectRefused(r, "\(command) timeout: \(value)", at: "t.yaml:4:", key: "'timeout'", allowed: "36500d")
        }
    }

    @Test func everyDurationKeyOutOfRange() async throws {
        let v = "9999999999999999s"
        let cases: [(String, String, String)] = [
            ("timeout", "timeout: \(v)\nchecks:\n  - {id: a, run: 'true'}\n", "t.yaml:1:"),
            ("kill-grace", "checks:\n  - id: a\n    run: 'true'\n    with: {kill-grace: \(v)}\n", "t.yaml:4:"),
            ("valid-for", "checks:\n  - id: a\n    manual: Rollback rehearsed\n    owner: ops\n    valid-for: \(v)\n", "t.yaml:5:"),
            ("waivers.max-lifetime", "waivers: {max-lifetime: \(v)}\nchecks:\n  - {id: a, run: 'true'}\n", "t.yaml:1:"),
            ("max-duration", "checks:\n  - id: a\n    uses: migrations\n    with: {directory: ., max-duration: \(v)}\n", "t.yaml:4:"),
            ("busy-timeout", "checks:\n  - id: a\n    uses: migrations\n    with: {directory: ., busy-timeout: \(v)}\n", "t.yaml:4:"),
            ("timeout", "checks:\n  - id: a\n    uses: determinism\n    with: {command: 'true', timeout: \(v)}\n", "t.yaml:4:"),
        ]
        for (key, yaml, position) in cases {
            let r = try await gate(["validate", "t.yaml"], files: ["t.yaml": yaml])
            expectRefused(r, key, at: position, key: "'\(key)'", allowed: "36500d")
        }
    }

    @Test func commandLineDurationsOutOfRange() async throws {
        for v in ["9999999999999999s", "5000000000000000000ms5000000000000000000ms", "99999999999999999999"] {
            let t = try await gate(["check", "command", "--set", "run=true", "--timeout", v], files: [:])
            expectRefused(t, "--timeout \(v)", at: nil, key: "--timeout", allowed: "36500d")
            let k = try await gate(["check", "command", "--set", "run=true", "--set", "kill-grace=\(v)"], files: [:])
            expectRefused(k, "--set kill-grace=\(v)", at: "--set:2:", key: "'kill-grace'", allowed: "36500d")
        }
    }

    /// `gate attest` loads the suite too: the item's huge valid-for used to trap while computing the expiry.
    @Test func attestWithHugeValidFor() async throws {
        let yaml = "checks:\n  - id: rollback\n    manual: Rollback rehearsed\n    owner: ops\n    valid-for: 2562047788015215h\n"
        let r = try await gate(["attest", "rollback", "--suite", "t.yaml", "--by", "alice", "--note", "done"],
                               files: ["t.yaml": yaml])
        expectRefused(r, "attest", at: "t.yaml:5:", key: "'valid-for'", allowed: "36500d")
    }

    /// A few random digit strings with unit suffixes, on the binary: exit 0 or 2, never a trap.
    @Test func randomDurationsNeverTrapTheBinary() async throws {
        var rng = SystemRandomNumberGenerator()
        let units = ["", "ms", "s", "m", "h", "d", "w", "min", "days"]
        var tried: [String] = []
        for _ in 0..<6 {
            let digits = String((0..<Int.random(in: 1...28, using: &rng)).map { _ in "0123456789".randomElement(using: &rng)! })
            tried.append(digits + units.randomElement(using: &rng)!)
        }
        for v in tried {
            let r = try await gate(["validate", "t.yaml"], files: ["t.yaml": "checks:\n  - {id: a, run: 'true', timeout: \"\(v)\"}\n"])
            #expect(r.signal == nil && [0, 2].contains(r.code), "timeout \(v): exit \(r.code)\n\(r.stderr)")
            if r.code == 2 { #expect(r.stderr.contains("t.yaml:2:") && r.stderr.contains("'timeout'"), "\(v): \(r.stderr)") }
        }
    }

    @Test func integersOutOfRange() async throws {
        let huge = "99999999999999999999"
        let cases: [(String, String, String, String)] = [
            ("jobs", "jobs: \(huge)\nchecks:\n  - {id: a, run: 'true'}\n", "t.yaml:1:", "1 to 1024"),
            ("jobs", "jobs: 1000000000000\nchecks:\n  - {id: a, run: 'true'}\n", "t.yaml:1:", "1 to 1024"),
            ("history.retention", "history: {retention: \(huge)}\nchecks:\n  - {id: a, run: 'true'}\n", "t.yaml:1:", "1 to 1000000"),
            ("threads", "checks:\n  - id: a\n    uses: cas\n    with: {threads: \(huge)}\n", "t.yaml:4:", "1 to 256"),
            ("jobs", "checks:\n  - id: a\n    uses: secrets\n    with: {jobs: \(huge)}\n", "t.yaml:4:", "1 to 256"),
            ("runs", "checks:\n  - id: a\n    uses: determinism\n    with: {command: 'true', runs: \(huge)}\n", "t.yaml:4:", "1 to 1000"),
            ("max-ids", "checks:\n  - id: a\n    uses: tenant-isolation\n    with: {max-ids: \(huge)}\n", "t.yaml:4:", "1 to 1000"),
            ("concurrency", "checks:\n  - id: a\n    uses: tenant-isolation\n    with: {concurrency: \(huge)}\n", "t.yaml:4:", "1 to 256"),
            ("max-examples", "checks:\n  - id: a\n    uses: tenant-isolation\n    with: {max-examples: -1}\n", "t.yaml:4:", "0 to 1000"),
            ("max-file-size", "checks:\n  - id: a\n    uses: secrets\n    with: {max-file-size: \(huge)MB}\n", "t.yaml:4:", "1024GB"),
            ("max-file-size", "checks:\n  - id: a\n    uses: secrets\n    with: {max-file-size: 9000000000000GB}\n", "t.yaml:4:", "1024GB"),
            ("weight", "checks:\n  - {id: a, run: 'true', weight: 1e400}\n", "t.yaml:2:", "1000000"),
        ]
        for (key, yaml, position, allowed) in cases {
            let r = try await gate(["validate", "t.yaml"], files: ["t.yaml": yaml])
            expectRefused(r, "\(key) in \(yaml)", at: position, key: "'\(key)'", allowed: allowed)
        }
    }

    @Test func commandLineCountsOutOfRange() async throws {
        let suite = ["t.yaml": "checks:\n  - {id: a, run: 'true'}\n"]
        for v in ["99999999999999999999", "100000", "0"] {
            let r = try await gate(["run", "t.yaml", "--no-history", "--jobs", v], files: suite)
            expectRefused(r, "--jobs \(v)", at: nil, key: "--jobs", allowed: "1 to 1024")
        }
        for v in ["99999999999999999999", "0"] {
            let r = try await gate(["history", "t.yaml", "--last", v], files: suite)
            expectRefused(r, "--last \(v)", at: nil, key: "--last", allowed: "1 to 1000000")
        }
        let shard = try await gate(["run", "t.yaml", "--no-history", "--shard", "1/1000000000000"], files: suite)
        expectRefused(shard, "--shard", at: nil, key: "--shard", allowed: "1000")
        // Bazel's variables had no upper bound: a huge total aborted gate (SIGABRT) while planning shards.
        let bazel = try await gate(["run", "t.yaml", "--no-history"], files: suite,
                                   env: ["TEST_SHARD_INDEX": "0", "TEST_TOTAL_SHARDS": "100000000000"])
        expectRefused(bazel, "TEST_TOTAL_SHARDS", at: nil, key: "TEST_TOTAL_SHARDS", allowed: "1000")
    }

    /// A NUL in a command used to cut it short silently (`echo a` ran); it is refused at load.
    @Test func nulInCommandsIsRefused() async throws {
        let cases: [(String, String, String)] = [
            ("run string", "checks:\n  - id: a\n    run: \"echo a\\0b\"\n", "t.yaml:3:"),
            ("run argv", "checks:\n  - id: a\n    run: [echo, \"a\\0b\"]\n", "t.yaml:3:"),
            ("with run", "checks:\n  - id: a\n    uses: command\n    with: {run: \"echo a\\0b\"}\n", "t.yaml:4:"),
            ("determinism", "checks:\n  - id: a\n    uses: determinism\n    with: {command: \"echo a\\0b\"}\n", "t.yaml:4:"),
            ("env", "checks:\n  - id: a\n    run: 'true'\n    env: {X: \"a\\0b\"}\n", "t.yaml:4:"),
        ]
        for (label, yaml, position) in cases {
            for command in ["validate", "run"] {
                let r = try await gate([command, "t.yaml", "--no-history"].filter { command == "run" || $0 != "--no-history" },
                                       files: ["t.yaml": yaml])
                expectRefused(r, "\(command) \(label)", at: position, key: "NUL", allowed: "NUL")
                #expect(!r.stdout.contains("PASS"), "\(label): it ran\n\(r.stdout)")
            }
        }
        let set = try await gate(["check", "command", "--set", "run=\"echo a\\0b\""], files: [:])
        expectRefused(set, "--set run", at: "--set run:", key: "'run'", allowed: "NUL")
    }

    /// 200,000 plain checks are not an alias bomb: they load. The bomb is still refused, by its own message.
    @Test func largePlainSuiteLoadsAndAliasBombIsNamed() async throws {
        var big = "checks:\n"
        big.reserveCapacity(6_000_000)
        for i in 0..<200_000 { big += "  - id: c\(i)\n    run: \"true\"\n" }
        let r = try await gate(["validate", "big.yaml"], files: ["big.yaml": big], timeout: .seconds(400))
        #expect(r.code == 0, "exit \(r.code): \(r.stderr)")
        #expect(r.stdout.contains("200000 checks"), "\(r.stdout)")
        #expect(!r.stderr.contains("alias"), "\(r.stderr)")

        var bomb = "a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol, lol]\n"
        for i in 1...9 { bomb += "a\(i): &a\(i) [" + Array(repeating: "*a\(i - 1)", count: 10).joined(separator: ", ") + "]\n" }
        bomb += "checks:\n  - {id: x, run: 'true', env: {A: *a9}}\n"
        let b = try await gate(["validate", "bomb.yaml"], files: ["bomb.yaml": bomb])
        #expect(b.code == 2 && b.stderr.contains("bomb.yaml:") && b.stderr.contains("aliases expand"), "\(b.stderr)")
    }

    /// A suite file bigger than the size limit is refused with a message about its size, not about aliases.
    @Test func oversizedSuiteFileHasItsOwnMessage() async throws {
        let dir = try TempDir("badvalue-size")
        defer { dir.remove() }
        // Sparse: the size is what is refused, before anything is read.
        let path = dir.file("huge.yaml")
        FileManager.default.createFile(atPath: path, contents: Data("checks: []\n".utf8))
        let h = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        try h.truncate(atOffset: 80 << 20)
        try h.close()
        let r = try await Exec.gate(["validate", "huge.yaml"], cwd: dir.path)
        expectRefused(r, "huge suite", at: "huge.yaml", key: "larger than", allowed: "64 MiB")
        #expect(!r.stderr.contains("alias"), "\(r.stderr)")
    }

    @Test func includeOfANonRegularFile() async throws {
        let dir = try TempDir("badvalue-include")
        defer { dir.remove() }
        #expect(mkfifo(dir.file("pipe.yaml"), 0o644) == 0)
        for (target, kind) in [("/dev/zero", "character device"), ("pipe.yaml", "FIFO"), (".", "directory")] {
            try dir.write(["t.yaml": "include: [\(target)]\nchecks: []\n"])
            let r = try await Exec.gate(["validate", "t.yaml"], cwd: dir.path, timeout: .seconds(30))
            expectRefused(r, "include \(target)", at: "t.yaml:1:", key: "not a regular file", allowed: kind)
            #expect(!r.stderr.contains("permission"), "\(r.stderr)")
        }
        let direct = try await Exec.gate(["validate", "pipe.yaml"], cwd: dir.path, timeout: .seconds(30))
        expectRefused(direct, "suite is a FIFO", at: "pipe.yaml", key: "not a regular file", allowed: "FIFO")
    }
}
