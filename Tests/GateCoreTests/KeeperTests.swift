import Foundation
import GateTestSupport
import Testing

@testable import GateCore

/// The keeper process, started from the test binary (which links the same C entry point): when its pipe
/// closes without the run marked done, as when gate is SIGKILLed, it kills every process group listed.
@Suite struct KeeperTests {
    /// A process group of its own (`setsid`), whose leader is `sleep <marker>`; returns its pid.
    func startGroup(_ marker: String) async throws -> pid_t {
        let dir = try TempDir("keeper")
        defer { dir.remove() }
        // setsid forks when it is a group leader; the shell in the background is not, so it execs in place.
        // The shell waits until the new session exists (field 6 of /proc/PID/stat): until then the
        // process is still in the shell's group, which the runner kills when the shell exits.
        let script = "setsid sleep \(marker) </dev/null >/dev/null 2>&1 & p=$!; "
            + "while [ \"$(cut -d' ' -f6 /proc/$p/stat)\" != \"$p\" ]; do sleep 0.01; done; echo $p > \(dir.file("pid"))"
        _ = try await Exec.run(["sh", "-c", script])
        return try #require(pid_t(try dir.read("pid").trimmingCharacters(in: .whitespacesAndNewlines)))
    }

    static func until(_ seconds: Double, _ condition: () -> Bool) async throws -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if condition() { return true }
            try await Task.sleep(for: .milliseconds(10))
        }
        return condition()
    }

    func alive(_ pid: pid_t) -> Bool {
        guard let p = ProcessGroups.info(pid) else { return false }
        return p.state != "Z"
    }

    @Test func killsTheListedGroupsWhenGateGoesWithoutFinishing() async throws {
        let marker = "4243.\(UInt32.random(in: 100_000_000...999_999_999))"
        let group = try await startGroup(marker)
        defer { kill(group, SIGKILL) }
        let keeper = try #require(Keeper.start(cgroup: nil), "the keeper did not start")
        #expect(keeper.add(group) >= 0)
        #expect(alive(group))
        #expect(try await Self.until(10) { keeper.pid != 0 }, "the keeper process did not start")
        keeper.endAsIfKilled()
        let gone = try await Self.until(5) { !alive(group) }
        #expect(gone, "the keeper left group \(group) alive")
    }

    @Test func doesNothingWhenGateFinished() async throws {
        let marker = "4243.\(UInt32.random(in: 100_000_000...999_999_999))"
        let group = try await startGroup(marker)
        defer { kill(group, SIGKILL) }
        let keeper = try #require(Keeper.start(cgroup: nil), "the keeper did not start")
        let slot = keeper.add(group)
        #expect(slot >= 0)
        #expect(try await Self.until(10) { keeper.pid != 0 }, "the keeper process did not start")
        keeper.finish()
        try await Task.sleep(for: .milliseconds(200))
        #expect(alive(group), "the keeper killed a group although gate had finished")
    }

    /// Run by hand (`gate __gate-keeper`) without gate's table, it does nothing and exits.
    @Test func startedByHandItExitsAtOnce() async throws {
        let r = try await Exec.run([CommandLine.arguments[0], "__gate-keeper"], timeout: .seconds(20))
        #expect(r.code == 1)
    }
}
