import Foundation
import GateTestSupport
import Testing

/// Helpers for running the built gate binary under faults: spawned without waiting, its peak memory
/// measured, the processes it left behind found through /proc.
enum Hardening {
    /// Set GATE_HARDENING=1 (as `make hardening` does) for the full-size variants of the slow faults.
    static var full: Bool { ProcessInfo.processInfo.environment["GATE_HARDENING"] == "1" }

    static func suite(_ yaml: String, files: [String: String] = [:]) throws -> TempDir {
        let dir = try TempDir("harden")
        try dir.write(files.merging(["suite.yaml": yaml]) { a, _ in a })
        return dir
    }

    /// Starts gate without waiting for it.
    static func spawn(_ args: [String], cwd: String) throws -> Process {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Repo.gateBinary)
        p.arguments = args
        p.currentDirectoryURL = URL(fileURLWithPath: cwd)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["GITHUB_ACTIONS"] = ""
        env["GITHUB_STEP_SUMMARY"] = ""
        p.environment = env
        p.standardOutput = FileHandle.nullDevice
        p.standardError = FileHandle.nullDevice
        try p.run()
        return p
    }

    static func wait(_ p: Process) async throws {
        while p.isRunning { try await Task.sleep(for: .milliseconds(10)) }
    }

    /// Waits up to `seconds` for `condition`.
    static func until(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(5))
        }
        return condition()
    }

    /// Runs gate under a small Python parent that reaps it with wait4(2), so that gate's own peak
    /// resident set size is known. Returns the result and the peak in KiB.
    static func gateWithPeakRSS(_ args: [String], cwd: String) async throws -> (Completed, Int) {
        let script = """
            import os, subprocess, sys
            p = subprocess.Popen(sys.argv[1:], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            out = p.stdout.read()
            _, status, usage = os.wait4(p.pid, 0)
            sys.stdout.buffer.write(out)
            sys.stdout.write("\\nPEAK_RSS_KB=%d\\n" % usage.ru_maxrss)
            sys.exit(os.waitstatus_to_exitcode(status) & 0xFF)
            """
        let r = try await Exec.run(["python3", "-c", script, Repo.gateBinary] + args, cwd: cwd,
                                   env: ["NO_COLOR": "1", "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""],
                                   timeout: .seconds(600))
        let peak = r.stdout.split(separator: "\n").last { $0.hasPrefix("PEAK_RSS_KB=") }
            .flatMap { Int($0.dropFirst("PEAK_RSS_KB=".count)) } ?? -1
        return (r, peak)
    }

    /// Starts a process that holds an exclusive lock on `dir`'s `.gate/history.sqlite` for 40 s, and waits
    /// until it has the lock. Terminate it when done.
    /// Stops a helper process for good: SIGKILL, then reaps it. (`Process.terminate()` sends SIGTERM, which a
    /// child started from a Dispatch thread has blocked, inheriting that thread's mask: it would keep running,
    /// and keep `swift test` waiting on the output pipe it inherited.)
    static func stop(_ p: Process) {
        if p.isRunning { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
    }

    static func lockHistory(in dir: TempDir) async throws -> Process {
        let holder = Process()
        holder.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        holder.arguments = ["python3", "-c", """
            import os, signal, sqlite3, time, sys
            # Started from a Dispatch thread, which blocks nearly every signal: the mask is inherited.
            signal.pthread_sigmask(signal.SIG_SETMASK, [])
            parent = os.getppid()
            c = sqlite3.connect(sys.argv[1], isolation_level=None)
            c.execute('BEGIN EXCLUSIVE')
            open(sys.argv[2], 'w').close()
            # Held until the test stops it (a loaded machine takes minutes), and never past the test process.
            for _ in range(1200):
                if os.getppid() != parent:
                    break
                time.sleep(0.5)
            """, dir.file(".gate/history.sqlite"), dir.file("locked")]
        try holder.run()
        #expect(try await until(20) { FileManager.default.fileExists(atPath: dir.file("locked")) })
        return holder
    }

    /// Live processes whose command line contains `marker`, found by reading /proc.
    static func survivors(_ marker: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        var found: [String] = []
        for pid in entries where Int(pid) != nil {
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline"), !data.isEmpty else { continue }
            let cmd = String(decoding: data.map { $0 == 0 ? 0x20 : $0 }, as: UTF8.self)
            if let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
               let close = stat.lastIndex(of: ")"), stat[stat.index(close, offsetBy: 2)] == "Z" { continue }
            if cmd.contains(marker) { found.append("\(pid): \(cmd)") }
        }
        return found
    }

    static func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static func checks(_ report: [String: Any]) -> [String: [String: Any]] {
        var out: [String: [String: Any]] = [:]
        for c in report["checks"] as? [[String: Any]] ?? [] { out[c["id"] as? String ?? ""] = c }
        return out
    }
}

/// gate started with posix_spawn, handed no descriptor of the test process but /dev/null and its output
/// file. (Foundation's Process gives each child a socket and reports the exit only once every holder of
/// that socket has closed it: a leftover process would keep a test waiting for ever instead of failing.)
/// Its exit is polled with waitpid.
final class GateProcess: @unchecked Sendable {
    // @unchecked: `status` is written only by `poll`, which the owning test calls from one task at a time.
    let pid: pid_t
    private var status: Int32?

    init(_ args: [String], cwd: String, env extra: [String: String] = [:], output: String? = nil) throws {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, output ?? "/dev/null", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // glibc's chdir (2.29) and closefrom (2.34) actions, looked up because Swift's Glibc module does not
        // declare them.
        typealias Chdir = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, UnsafePointer<CChar>) -> Int32
        typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>?, Int32) -> Int32
        let chdir = try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addchdir_np"))
        let closeFrom = try #require(dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np"))
        _ = unsafeBitCast(chdir, to: Chdir.self)(&actions, cwd)
        _ = unsafeBitCast(closeFrom, to: CloseFrom.self)(&actions, 3)
        var env = ProcessInfo.processInfo.environment
        env["NO_COLOR"] = "1"
        env["GITHUB_ACTIONS"] = ""
        env["GITHUB_STEP_SUMMARY"] = ""
        for (k, v) in extra { env[k] = v }
        let argv = ([Repo.gateBinary] + args).map { strdup($0) } + [nil]
        let envp = env.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer { for p in argv + envp { free(p) } }
        var pid: pid_t = 0
        let rc = posix_spawn(&pid, Repo.gateBinary, &actions, nil, argv, envp)
        guard rc == 0 else { throw POSIXError(POSIXErrorCode(rawValue: rc) ?? .EIO) }
        self.pid = pid
    }

    var isRunning: Bool { poll() == nil }

    /// The exit code, or nil while running or when a signal ended it.
    var exitCode: Int32? { poll().flatMap { ($0 & 0x7f) == 0 ? ($0 >> 8) & 0xff : nil } }

    /// The signal that ended it, if one did.
    var terminatingSignal: Int32? { poll().flatMap { ($0 & 0x7f) != 0 ? $0 & 0x7f : nil } }

    func signal(_ sig: Int32) { if isRunning { kill(pid, sig) } }

    func wait(upTo seconds: Double = 300) async throws {
        let deadline = Date().addingTimeInterval(seconds)
        while isRunning && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
    }

    private func poll() -> Int32? {
        if let status { return status }
        var s: Int32 = 0
        if waitpid(pid, &s, WNOHANG) == pid { status = s }
        return status
    }
}
