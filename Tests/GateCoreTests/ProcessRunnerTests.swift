import Foundation
import GateTestSupport
import Testing

@testable import GateCore

/// Real processes: exit codes, signals, bounded capture, process-group kills.
@Suite struct ProcessRunnerTests {
    var env: [String: String] { ProcessInfo.processInfo.environment }

    func spec(_ script: String, timeout: Duration? = nil, grace: Duration = .seconds(2), limit: Int = 64 * 1024) -> ProcessSpec {
        ProcessSpec(.shell(script), environment: env, cwd: "/tmp", captureLimit: limit, timeout: timeout, killGrace: grace)
    }

    @Test func exitCodesAndOutput() async throws {
        let r = try await ProcessRunner.run(spec("echo out; echo err >&2; exit 7"))
        #expect(r.termination == .exited(7))
        #expect(r.stdout.text == "out\n")
        #expect(r.stderr.text == "err\n")
        #expect(!r.timedOut && !r.cancelled)
    }

    @Test func argvRunsWithoutAShell() async throws {
        let r = try await ProcessRunner.run(ProcessSpec(.argv(["printf", "%s|", "a b", "$HOME"]), environment: env, cwd: "/tmp"))
        #expect(r.stdout.text == "a b|$HOME|")
    }

    @Test func signalsAreReported() async throws {
        let r = try await ProcessRunner.run(spec("kill -SEGV $$"))
        #expect(r.termination == .signaled(SIGSEGV))
    }

    @Test func captureKeepsOnlyTheTail() async throws {
        let r = try await ProcessRunner.run(spec("seq 1 200000", limit: 1000))
        #expect(r.stdout.bytes.count == 1000)
        #expect(r.stdout.truncated)
        #expect(r.stdout.totalBytes == 1_288_895)
        #expect(r.stdout.text.hasSuffix("199999\n200000\n"))
    }

    @Test func nonUTF8OutputIsSafe() async throws {
        let r = try await ProcessRunner.run(spec("printf 'a\\377\\376b'"))
        #expect(r.stdout.bytes == [0x61, 0xFF, 0xFE, 0x62])
        #expect(r.stdout.text.hasPrefix("a") && r.stdout.text.hasSuffix("b"))
    }

    @Test func environmentAndWorkingDirectory() async throws {
        let dir = try TempDir("cwd")
        defer { dir.remove() }
        let r = try await ProcessRunner.run(ProcessSpec(.shell("pwd; echo $GATE_T"), environment: ["GATE_T": "v", "PATH": "/usr/bin:/bin"],
                                                        cwd: dir.path))
        #expect(r.stdout.text == "\(dir.path)\nv\n")
    }

    @Test func missingProgramAndDirectoryAreErrors() async throws {
        await #expect(throws: ProcessError.notFound(program: "no-such-program-gate", path: "/usr/bin:/bin")) {
            _ = try await ProcessRunner.run(ProcessSpec(.argv(["no-such-program-gate"]), environment: ["PATH": "/usr/bin:/bin"], cwd: "/tmp"))
        }
        await #expect(throws: ProcessError.missingDirectory("/no/such/dir")) {
            _ = try await ProcessRunner.run(ProcessSpec(.shell("true"), environment: env, cwd: "/no/such/dir"))
        }
    }

    /// A program given as a path: relative to the working directory, not executable, or missing.
    @Test func programPathsResolveAndFailClearly() async throws {
        let dir = try TempDir("program-paths")
        defer { dir.remove() }
        try dir.write(["run.sh": "#!/bin/sh\necho ran \"$1\"\n", "plain.txt": "not a program\n"])
        chmod(dir.file("run.sh"), 0o755)
        // A script written a moment ago can be busy (ETXTBSY) while another test's child still holds the
        // descriptor it inherited before exec; that passes.
        var result: ProcessResult?
        for _ in 0..<20 where result == nil {
            do {
                result = try await ProcessRunner.run(ProcessSpec(.argv(["./run.sh", "x"]), environment: env, cwd: dir.path))
            } catch ProcessError.spawnFailed(_, let code) where code == ETXTBSY {
                try await Task.sleep(for: .milliseconds(50))
            }
        }
        let r = try #require(result)
        #expect(r.exitCode == 0 && r.stdout.text == "ran x\n")
        await #expect(throws: ProcessError.notExecutable(program: "./plain.txt")) {
            _ = try await ProcessRunner.run(ProcessSpec(.argv(["./plain.txt"]), environment: env, cwd: dir.path))
        }
        await #expect(throws: ProcessError.notFound(program: "./absent", path: "/usr/bin:/bin")) {
            _ = try await ProcessRunner.run(ProcessSpec(.argv(["./absent"]), environment: ["PATH": "/usr/bin:/bin"], cwd: dir.path))
        }
    }

    /// Children see their variables sorted by name, also when consecutive specs share names (the sorted
    /// names are reused) and when they do not (they are sorted again).
    @Test func environmentIsSortedAndFollowsEachSpec() async throws {
        let base = ["PATH": "/usr/bin:/bin", "ZED": "1", "ALPHA": "2", "MIDDLE": "3"]
        for (i, extra) in [["GATE_X": "a"], ["GATE_X": "b"], ["AAA": "c"], [:]].enumerated() {
            let environment = base.merging(extra) { $1 }
            let r = try await ProcessRunner.run(ProcessSpec(.argv(["/usr/bin/env"]), environment: environment, cwd: "/tmp"))
            let lines = r.stdout.text.split(separator: "\n").map(String.init)
            #expect(lines == environment.keys.sorted().map { "\($0)=\(environment[$0]!)" }, "spec \(i)")
        }
    }

    @Test func signalsAreResetForChildren() async throws {
        // gate ignores SIGINT and SIGPIPE; a child must still get default dispositions.
        signal(SIGPIPE, SIG_IGN)
        // No signal at all may be ignored or blocked in the child.
        let r = try await ProcessRunner.run(spec("grep -E '^Sig(Ign|Blk)' /proc/self/status"))
        let fields = Dictionary(uniqueKeysWithValues: r.stdout.text.split(separator: "\n").compactMap { line -> (String, UInt64)? in
            let parts = line.split(separator: ":")
            guard parts.count == 2, let v = UInt64(parts[1].trimmingCharacters(in: .whitespaces), radix: 16) else { return nil }
            return (String(parts[0]), v)
        })
        #expect(fields["SigIgn"] == 0, "ignored: \(r.stdout.text)")
        #expect(fields["SigBlk"] == 0)
    }

    /// The child leads its own process group and reads /dev/null. Close-on-exec descriptors stay in gate;
    /// others are inherited as a plain exec would (make's jobserver pipes reach a nested make that way).
    @Test func childLeadsItsGroupAndGetsItsDescriptors() async throws {
        let cloexec = open("/dev/null", O_RDONLY | O_CLOEXEC)
        let inherited = open("/dev/null", O_RDONLY)
        defer { close(cloexec); close(inherited) }
        let r = try await ProcessRunner.run(spec("ps -o pid=,pgid= -p $$; readlink /proc/self/fd/0; ls -1 /proc/self/fd"))
        let lines = r.stdout.text.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        try #require(lines.count > 2)
        let ids = lines[0].split(separator: " ", omittingEmptySubsequences: true)
        #expect(ids.count == 2 && ids[0] == ids[1], "pid and group: \(lines[0])")
        #expect(lines[1] == "/dev/null")
        let fds = Set(lines.dropFirst(2))
        #expect(fds.isSuperset(of: ["0", "1", "2", "\(inherited)"]), "descriptors: \(fds.sorted())")
        #expect(!fds.contains("\(cloexec)"), "descriptors: \(fds.sorted())")
    }

    /// A failure after the child started (here exec refusing a file that is executable but no program)
    /// reaches the caller as that errno.
    @Test func execFailureIsReportedWithItsErrno() async throws {
        let dir = try TempDir("exec-failure")
        defer { dir.remove() }
        try dir.write(["not-a-program": "plain words, no interpreter line\n"])
        chmod(dir.file("not-a-program"), 0o755)
        var code: Int32?
        for _ in 0..<20 where code == nil || code == ETXTBSY {
            do {
                _ = try await ProcessRunner.run(ProcessSpec(.argv(["./not-a-program"]), environment: env, cwd: dir.path))
                Issue.record("a file without an interpreter line ran")
                return
            } catch ProcessError.spawnFailed(_, let errno) {
                code = errno
                if errno == ETXTBSY { try await Task.sleep(for: .milliseconds(50)) }
            }
        }
        #expect(code == ENOEXEC)
    }

    @Test func timeoutKillsTheWholeGroupIncludingGrandchildren() async throws {
        let marker = "gate-orphan-\(UUID().uuidString.prefix(8))"
        // A grandchild that ignores SIGTERM and a child that ignores it too.
        let script = "trap '' TERM; (trap '' TERM; exec -a \(marker) sleep 300) & exec -a \(marker) sleep 300"
        var s = spec("", timeout: .milliseconds(300), grace: .milliseconds(300))
        s.command = .argv(["bash", "-c", script])
        let r = try await ProcessRunner.run(s)
        #expect(r.timedOut)
        #expect(r.termination == .signaled(SIGKILL))
        try await Task.sleep(for: .milliseconds(100))
        let left = try await Exec.run(["pgrep", "-f", marker])
        #expect(left.stdout.isEmpty, "processes survived: \(left.stdout)")
    }

    @Test func leftoversAreKilledWhenTheMainProcessExits() async throws {
        let marker = "gate-leftover-\(UUID().uuidString.prefix(8))"
        let r = try await ProcessRunner.run(spec("bash -c 'exec -a \(marker) sleep 300' & echo started"))
        #expect(r.termination == .exited(0))
        #expect(r.killedLeftovers)
        try await Task.sleep(for: .milliseconds(100))
        let left = try await Exec.run(["pgrep", "-f", marker])
        #expect(left.stdout.isEmpty, "processes survived: \(left.stdout)")
    }

    @Test func cancellationStopsTheGroup() async throws {
        let dir = try TempDir("cancel")
        defer { dir.remove() }
        let started = dir.file("started")
        let clock = ContinuousClock()
        let task = Task { try await ProcessRunner.run(spec("touch '\(started)'; exec sleep 300", grace: .milliseconds(500))) }
        // Cancel only once the child is really running (the machine may be busy).
        var waited = 0
        while !FileManager.default.fileExists(atPath: started) && waited < 600 {
            try await Task.sleep(for: .milliseconds(50))
            waited += 1
        }
        let start = clock.now
        task.cancel()
        let r = try await task.value
        #expect(r.cancelled)
        #expect(r.termination == .signaled(SIGTERM))
        // Not a timing: the child sleeps 300 s, so ending well before that means the cancel stopped it.
        #expect(clock.now - start < .seconds(200))
    }

    @Test func cancelledBeforeStartingThrows() async throws {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await ProcessRunner.run(spec("touch /tmp/gate-should-not-run-\(UUID().uuidString)"))
        }
        await #expect(throws: CancellationError.self) { _ = try await task.value }
    }

    @Test func fileOutputStreamsToDisk() async throws {
        let dir = try TempDir("out")
        defer { dir.remove() }
        let path = dir.file("out.bin")
        let r = try await ProcessRunner.run(ProcessSpec(.shell("head -c 3000000 /dev/zero"), environment: env, cwd: "/tmp", stdout: .file(path)))
        #expect(r.termination == .exited(0))
        #expect(r.stdout.totalBytes == 0)
        let size = try FileManager.default.attributesOfItem(atPath: path)[.size] as? Int
        #expect(size == 3_000_000)
    }
}
