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
