import Foundation
import GateTestSupport
import Testing

/// No descendant of any check outlives gate, however the run ends: normally, by a timeout, by one SIGINT,
/// SIGTERM or SIGHUP, by a second Ctrl-C, or by gate itself being SIGKILLed. Each check starts a two-level
/// escape (`setsid sh -c 'sleep …; true'`: the shell leaves the check's process group and session, and its
/// `sleep` is re-parented only after the shell dies), the case a single sweep of gate's children misses.
/// Every process carries a random marker (`sleep 4243.<random>`), because other tests on this machine run
/// gate at the same time; `/proc` is searched for it the moment gate has exited.
@Suite struct ProcessSurvivalTests {
    /// A unique `sleep` argument: `sleep 4243.<9 random digits>`.
    static func marker() -> String { "4243.\(UInt32.random(in: 100_000_000...999_999_999))" }

    /// The two-level escape: a new session whose shell waits on a sleep, with no descriptor shared with the
    /// check; the check goes on only once the sleep runs (so that the race is not won by an early kill).
    static func escape(_ marker: String) -> String {
        "setsid sh -c 'sleep \(marker); true' </dev/null >/dev/null 2>&1 & "
            + "for i in $(seq 200); do pgrep -f '^sleep \(marker)' >/dev/null && break; sleep 0.05; done;"
    }

    /// The survivors of `markers`, killed so that a failing test leaves nothing behind.
    static func survivorsKilled(_ markers: [String]) -> [String] {
        let found = markers.flatMap { Hardening.survivors("sleep " + $0) }
        for line in found { if let pid = Int32(line.prefix { $0 != ":" }) { kill(pid, SIGKILL) } }
        return found
    }

    static func started(_ markers: [String]) async throws -> Bool {
        try await Hardening.until(60) { markers.allSatisfy { !Hardening.survivors("sleep " + $0).isEmpty } }
    }

    @Test func normalEndKillsATwoLevelEscape() async throws {
        let m = Self.marker()
        let dir = try Hardening.suite("""
            checks:
              - id: escapes
                run: "\(Self.escape(m)) exit 0"
            """)
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml", "--no-history"], cwd: dir.path)
        let left = Self.survivorsKilled([m])
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        #expect(left.isEmpty, "survivors after a normal end: \(left)")
    }

    @Test func timeoutKillsTheEscapeOfTheTimedOutCheck() async throws {
        let (m1, m2) = (Self.marker(), Self.marker())
        let dir = try Hardening.suite("""
            checks:
              - id: slow
                timeout: 1s
                with: {kill-grace: 200ms}
                run: "\(Self.escape(m1)) exec sleep \(m2)"
            """)
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml", "--no-history"], cwd: dir.path)
        let left = Self.survivorsKilled([m1, m2])
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("TIMEOUT  slow"), "\(r.stdout)")
        #expect(left.isEmpty, "survivors after a timeout: \(left)")
    }

    /// SIGINT (Ctrl-C), SIGTERM (a CI runner's cancel) and SIGHUP (the terminal closed, the ssh session
    /// dropped) all take the interrupted path: exit 130, reports marked interrupted, nothing left running.
    @Test(arguments: [SIGINT, SIGTERM, SIGHUP])
    func oneSignalStopsEverythingAndMarksTheReports(_ signal: Int32) async throws {
        let (m1, m2) = (Self.marker(), Self.marker())
        let dir = try Hardening.suite("""
            checks:
              - id: long
                with: {kill-grace: 300ms}
                run: "\(Self.escape(m1)) exec sleep \(m2)"
              - {id: after, run: 'true', needs: long}
            """)
        defer { dir.remove() }
        let p = try GateProcess(["run", "suite.yaml", "--no-history"], cwd: dir.path)
        defer { p.signal(SIGKILL) }
        #expect(try await Self.started([m1, m2]), "the check did not start its processes")
        p.signal(signal)
        try await p.wait()
        let left = Self.survivorsKilled([m1, m2])
        #expect(p.exitCode == 130, "exit \(String(describing: p.exitCode)), signal \(String(describing: p.terminatingSignal))")
        #expect(left.isEmpty, "survivors after signal \(signal): \(left)")
        let report = try Hardening.json(dir.file("Reports/suite/report.json"))
        #expect(report["interrupted"] as? Bool == true)
        #expect(report["exitCode"] as? Int == 130)
        #expect(Hardening.checks(report)["after"]?["status"] as? String == "skipped")
    }

    /// A check that ignores SIGTERM and asks for a 20 s grace, stopped by its timeout. The scheduler stops
    /// waiting for a check 15 s after stopping it; gate must still send SIGKILL when the grace ends and must
    /// not exit before the group is gone.
    @Test func killGraceLongerThanTheAbandonDelayStillEndsInSigkillAfterATimeout() async throws {
        let (m1, m2) = (Self.marker(), Self.marker())
        let dir = try Hardening.suite("""
            checks:
              - id: deaf
                timeout: 1s
                with: {kill-grace: 20s}
                run: "trap '' TERM; sh -c 'sleep \(m1); true' & exec sleep \(m2)"
            """)
        defer { dir.remove() }
        let start = ContinuousClock.now
        let r = try await Exec.gate(["run", "suite.yaml", "--no-history"], cwd: dir.path, timeout: .seconds(120))
        let elapsed = ContinuousClock.now - start
        let left = Self.survivorsKilled([m1, m2])
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        #expect(left.isEmpty, "gate exited after \(elapsed) with the group alive: \(left)")
        #expect(elapsed >= .seconds(20), "the grace was cut short: gate exited after \(elapsed)")
    }

    /// The same after Ctrl-C, for a check with a timeout (which the scheduler races, and so abandons).
    @Test func killGraceLongerThanTheAbandonDelayStillEndsInSigkillAfterSigint() async throws {
        let (m1, m2) = (Self.marker(), Self.marker())
        let dir = try Hardening.suite("""
            checks:
              - id: deaf
                timeout: 10m
                with: {kill-grace: 20s}
                run: "trap '' INT TERM; sh -c 'sleep \(m1); true' & exec sleep \(m2)"
            """)
        defer { dir.remove() }
        let p = try GateProcess(["run", "suite.yaml", "--no-history"], cwd: dir.path)
        defer { p.signal(SIGKILL) }
        #expect(try await Self.started([m1, m2]), "the check did not start its processes")
        let start = ContinuousClock.now
        p.signal(SIGINT)
        try await p.wait()
        let elapsed = ContinuousClock.now - start
        let left = Self.survivorsKilled([m1, m2])
        #expect(p.exitCode == 130)
        #expect(left.isEmpty, "gate exited after \(elapsed) with the group alive: \(left)")
        #expect(elapsed >= .seconds(19), "the grace was cut short: gate exited after \(elapsed)")
    }

    /// The second Ctrl-C skips the grace, but still kills every group and writes the reports.
    @Test func secondInterruptSkipsTheGraceAndStillWritesTheReports() async throws {
        let (m1, m2, m3) = (Self.marker(), Self.marker(), Self.marker())
        let dir = try Hardening.suite("""
            checks:
              - id: deaf
                with: {kill-grace: 50s}
                run: "trap '' INT TERM; \(Self.escape(m1)) setsid sleep \(m2) & exec sleep \(m3)"
              - {id: quick, run: 'true'}
            """)
        defer { dir.remove() }
        let p = try GateProcess(["run", "suite.yaml", "--no-history"], cwd: dir.path)
        defer { p.signal(SIGKILL) }
        #expect(try await Self.started([m1, m2, m3]), "the check did not start its processes")
        p.signal(SIGINT)
        try await Task.sleep(for: .milliseconds(500))
        let second = ContinuousClock.now
        p.signal(SIGINT)
        // The grace is 50 s: the check's processes gone well before it means it was skipped. (Measured to
        // their end, not to gate's exit, which also writes five reports: 36 s on a machine at load 30.)
        let killedInTime = try await Hardening.until(30) { Hardening.survivors("sleep " + m3).isEmpty }
        #expect(killedInTime, "the second Ctrl-C did not skip the grace: \(ContinuousClock.now - second)")
        try await p.wait()
        let left = Self.survivorsKilled([m1, m2, m3])
        #expect(p.exitCode == 130)
        #expect(left.isEmpty, "survivors after a second Ctrl-C: \(left)")
        let report = try Hardening.json(dir.file("Reports/suite/report.json"))
        #expect(report["interrupted"] as? Bool == true)
        #expect(Hardening.checks(report)["quick"]?["status"] as? String == "passed")
        for name in ["junit.xml", "report.sarif", "report.md", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: dir.file("Reports/suite/" + name)), "missing \(name)")
        }
    }
}

/// gate itself dies without cleaning up (SIGKILL, the OOM killer), and signals that come after every check
/// has finished.
@Suite struct GateDeathAndLateSignalTests {
    /// Whether this test process can make a cgroup v2 directory beside its own, as gate does to give each
    /// check a cgroup (root, or a delegated subtree). gate started from here inherits the same cgroup.
    static var cgroupsUsable: Bool {
        guard let mounts = try? String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8),
              let own = try? String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8),
              let line = own.split(separator: "\n").first(where: { $0.hasPrefix("0::") }),
              let mount = mounts.split(separator: "\n").first(where: { $0.contains(" - cgroup2 ") })?
                  .split(separator: " ").dropFirst(4).first
        else { return false }
        let base = String(mount) + String(line.dropFirst(3))
        let probe = (base.hasSuffix("/") ? base : base + "/") + "gate-test-probe-\(UUID().uuidString.prefix(8))"
        guard mkdir(probe, 0o755) == 0 else { return false }
        defer { rmdir(probe) }
        return access(probe + "/cgroup.kill", F_OK) == 0 && access(base + "/cgroup.procs", W_OK) == 0
    }

    /// SIGKILL leaves gate no chance to clean up: the kernel (PR_SET_PDEATHSIG) and gate's keeper process
    /// must. With a cgroup per check every process goes; without one, what stays in the check's process
    /// group goes, and a process that left the group by setsid is the documented gap.
    @Test(arguments: [true, false])
    func sigkillOfGateLeavesNoCheckBehind(cgroups: Bool) async throws {
        let (inGroup, main, escaped) = (ProcessSurvivalTests.marker(), ProcessSurvivalTests.marker(),
                                        ProcessSurvivalTests.marker())
        let dir = try Hardening.suite("""
            checks:
              - id: long
                run: "sh -c 'sleep \(inGroup); true' & \(ProcessSurvivalTests.escape(escaped)) exec sleep \(main)"
            """)
        defer { dir.remove() }
        let p = try GateProcess(["run", "suite.yaml", "--no-history"], cwd: dir.path,
                                env: cgroups ? [:] : ["GATE_CGROUPS": "0"])
        defer { p.signal(SIGKILL) }
        #expect(try await ProcessSurvivalTests.started([inGroup, main, escaped]), "the check did not start")
        p.signal(SIGKILL)
        try await p.wait()
        let contained = cgroups && Self.cgroupsUsable
        let must = contained ? [inGroup, main, escaped] : [inGroup, main]
        let gone = try await Hardening.until(5) { must.allSatisfy { Hardening.survivors("sleep " + $0).isEmpty } }
        let left = ProcessSurvivalTests.survivorsKilled(must)
        #expect(gone && left.isEmpty, "survivors of a SIGKILLed gate (cgroups \(contained)): \(left)")
        if !contained {
            let gap = ProcessSurvivalTests.survivorsKilled([escaped])
            print("gate SIGKILLed without a cgroup: \(gap.isEmpty ? "no" : "a") setsid escape survived (known gap)")
        }
    }

    /// A signal that arrives after every check has finished, while the reports and the history are being
    /// written: the run was complete, so gate finishes the write and exits with the run's own code, and the
    /// reports say `interrupted: false`, consistently. Here the history is locked by another process, so
    /// gate waits on it after writing the reports: a window that stays open long enough to signal twice.
    @Test func signalsAfterEveryCheckFinishedLeaveTheRunComplete() async throws {
        let dir = try Hardening.suite("checks:\n  - {id: a, run: 'true'}\n")
        defer { dir.remove() }
        _ = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        try FileManager.default.removeItem(atPath: dir.file("Reports"))
        let holder = try await Hardening.lockHistory(in: dir)
        defer { holder.terminate() }
        // A long wait on the lock keeps the window open on a loaded machine (10 s was missed under load 25).
        let p = try GateProcess(["run", "suite.yaml"], cwd: dir.path, env: ["GATE_STATE_WAIT": "40"], output: dir.file("out.txt"))
        defer { p.signal(SIGKILL) }
        let written = try await Hardening.until(20) {
            FileManager.default.fileExists(atPath: dir.file("Reports/suite/report.html")) }
        #expect(written && p.isRunning, "gate did not wait on the locked history")
        p.signal(SIGINT)
        try await Task.sleep(for: .milliseconds(200))
        p.signal(SIGINT)
        try await p.wait()
        let out = (try? dir.read("out.txt")) ?? ""
        let report = try Hardening.json(dir.file("Reports/suite/report.json"))
        #expect(p.exitCode == 0, "\(out)")
        #expect(report["interrupted"] as? Bool == false)
        #expect(report["exitCode"] as? Int == p.exitCode.map(Int.init))
        #expect(out.contains("every check had finished"), "\(out)")
    }
}

/// The kernel's parent-death signal and the third interrupt.
@Suite struct DeathSignalAndThirdInterruptTests {
    /// PR_SET_PDEATHSIG follows the thread that forked, not the process: a child started from one of the
    /// cooperative pool's threads would be killed when that thread exits after five idle seconds. A lone
    /// check of seven seconds, with nothing else for the pool to do, must pass.
    @Test func aLongCheckOutlivesTheThreadsThatStartedIt() async throws {
        let dir = try Hardening.suite("checks:\n  - {id: long, run: 'sleep 7'}\n")
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml", "--no-history"], cwd: dir.path)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
    }

    /// gate and its keeper both SIGKILLed: nothing in user space is left to clean up, and the kernel's
    /// parent-death signal still ends each check's first process.
    @Test func sigkillOfGateAndItsKeeperStillEndsTheFirstProcess() async throws {
        let m = ProcessSurvivalTests.marker()
        let dir = try Hardening.suite("checks:\n  - {id: long, run: 'exec sleep \(m)'}\n")
        defer { dir.remove() }
        let p = try GateProcess(["run", "suite.yaml", "--no-history"], cwd: dir.path, env: ["GATE_CGROUPS": "0"])
        defer { p.signal(SIGKILL) }
        #expect(try await ProcessSurvivalTests.started([m]), "the check did not start")
        var keeper: pid_t?
        _ = try await Hardening.until(10) { keeper = Self.keeper(of: p.pid); return keeper != nil }
        #expect(keeper != nil, "gate started no keeper")
        if let keeper { kill(keeper, SIGKILL) }
        p.signal(SIGKILL)
        try await p.wait()
        let gone = try await Hardening.until(5) { Hardening.survivors("sleep " + m).isEmpty }
        let left = ProcessSurvivalTests.survivorsKilled([m])
        #expect(gone && left.isEmpty, "the first process outlived gate: \(left)")
    }

    /// gate and its keeper SIGKILLed while a check's escape runs in the check's cgroup: the next gate run
    /// on the machine recognises the dead run's directory (pid and start time) and kills what is in it.
    @Test func theNextRunKillsWhatADeadGateLeftInItsCgroup() async throws {
        guard GateDeathAndLateSignalTests.cgroupsUsable else {
            print("theNextRunKillsWhatADeadGateLeftInItsCgroup: SKIPPED (no writable cgroup v2 here)")
            return
        }
        let (escaped, main) = (ProcessSurvivalTests.marker(), ProcessSurvivalTests.marker())
        let dir = try Hardening.suite("""
            checks:
              - {id: long, run: "\(ProcessSurvivalTests.escape(escaped)) exec sleep \(main)"}
            """)
        defer { dir.remove() }
        let p = try GateProcess(["run", "suite.yaml", "--no-history"], cwd: dir.path)
        defer { p.signal(SIGKILL) }
        #expect(try await ProcessSurvivalTests.started([escaped, main]), "the check did not start")
        var keeper: pid_t?
        _ = try await Hardening.until(10) { keeper = Self.keeper(of: p.pid); return keeper != nil }
        if let keeper { kill(keeper, SIGKILL) }
        p.signal(SIGKILL)
        try await p.wait()
        // Another gate started meanwhile on this machine (other tests run in parallel) may already have
        // swept the dead run's directory: either way, a later run must leave nothing.
        let next = try await Exec.gate(["check", "command", "--set", "run=true"], cwd: dir.path)
        #expect(next.code == 0, "\(next.stdout)\(next.stderr)")
        let gone = try await Hardening.until(3) { Hardening.survivors("sleep " + escaped).isEmpty }
        let left = ProcessSurvivalTests.survivorsKilled([escaped, main])
        #expect(gone && left.isEmpty, "the next run left the dead run's processes: \(left)")
    }

    /// The pid of `gate`'s keeper process, found through /proc (its name and its parent).
    static func keeper(of gate: pid_t) -> pid_t? {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap(Int32.init).first { pid in
            let stat = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8)) ?? ""
            return stat.contains("(gate-keeper)") && stat.split(separator: " ").dropFirst(3).first == "\(gate)"
        }
    }

    /// The third interrupt exits at once, even while gate waits on something (here a locked history) after
    /// the second has killed every check; nothing is left running.
    @Test func thirdInterruptExitsAtOnce() async throws {
        let m = ProcessSurvivalTests.marker()
        let dir = try Hardening.suite("checks:\n  - {id: long, run: 'exec sleep \(m)'}\n  - {id: quick, run: 'true'}\n")
        defer { dir.remove() }
        _ = try await Exec.gate(["run", "suite.yaml", "--only", "quick"], cwd: dir.path)
        let holder = try await Hardening.lockHistory(in: dir)
        defer { holder.terminate() }
        let p = try GateProcess(["run", "suite.yaml"], cwd: dir.path, env: ["GATE_STATE_WAIT": "120"])
        defer { p.signal(SIGKILL) }
        #expect(try await ProcessSurvivalTests.started([m]), "the check did not start")
        p.signal(SIGINT)
        try await Task.sleep(for: .milliseconds(300))
        p.signal(SIGINT)
        try await Task.sleep(for: .milliseconds(1000))
        #expect(p.isRunning, "gate did not wait on the locked history")
        let third = ContinuousClock.now
        p.signal(SIGINT)
        try await p.wait()
        let left = ProcessSurvivalTests.survivorsKilled([m])
        #expect(ContinuousClock.now - third < .seconds(60), "the third interrupt waited on the 120 s lock")
        #expect(p.exitCode == 130)
        #expect(left.isEmpty, "survivors after a third interrupt: \(left)")
    }
}
