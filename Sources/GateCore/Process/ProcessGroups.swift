import CGateSupport
import Foundation
import Synchronization

/// Every process group gate started and has not reaped yet, and what contains the checks' processes
/// beyond their groups: a cgroup per check where the machine allows, the keeper process, and gate being a
/// child subreaper. An emergency stop (a second Ctrl-C) kills them all; the end of a run waits for every
/// check's group and then kills every descendant left, until none is.
public final class ProcessGroups: Sendable {
    public static let shared = ProcessGroups()

    /// Running group leaders, each with its slot in the keeper's table (-1: none).
    private let leaders = Locked<[pid_t: Int32]>([:])
    /// Set once by `contain`, before the first check starts.
    private let containment = Locked<(cgroups: CheckCgroups?, keeper: Keeper?)>((nil, nil))

    /// What the kernel sends a check's first process when the thread that started it dies
    /// (PR_SET_PDEATHSIG): the reactor's thread lives as long as gate, so in effect when gate dies.
    static let deathSignal = SIGKILL

    var cgroups: CheckCgroups? { containment.withLock { $0.cgroups } }
    private var keeper: Keeper? { containment.withLock { $0.keeper } }

    func add(_ pid: pid_t) {
        let slot = keeper?.add(pid) ?? -1
        leaders.withLock { $0[pid] = slot }
    }

    func remove(_ pid: pid_t) {
        let slot = leaders.withLock { $0.removeValue(forKey: pid) }
        if let slot { keeper?.remove(slot: slot) }
    }

    /// How many groups are running now.
    public var count: Int { leaders.withLock { $0.count } }

    /// Sends `signal` to every running group.
    public func signalAll(_ signal: Int32) {
        for pid in leaders.withLock({ Array($0.keys) }) { kill(-pid, signal) }
    }

    /// Makes this process a child subreaper (Linux), so that descendants which escape their process
    /// group (setsid, double fork) are re-parented here, where `endRun` finds them.
    @discardableResult
    public static func becomeSubreaper() -> Bool { gate_set_child_subreaper() == 0 }

    /// Contains what checks start beyond their process groups: a cgroup v2 directory per check when
    /// `cgroups` is true and the machine lets gate make one, and the keeper process that cleans up should
    /// gate die without doing so. Call once, before the first check starts. Returns the run's cgroup
    /// directory, or nil when checks run in process groups only.
    @discardableResult
    public func contain(cgroups useCgroups: Bool) -> String? {
        let tree = useCgroups ? CheckCgroups.make() : nil
        let keeper = Keeper.start(cgroup: tree?.path)
        containment.withLock { $0 = (tree, keeper) }
        return tree?.path
    }

    /// SIGKILL to every check's group and cgroup now, without waiting for any grace period.
    public func killAll() {
        signalAll(SIGKILL)
        cgroups?.killAll()
    }

    /// The end of a run: waits for the checks still stopping (each gets SIGKILL when its grace ends, so
    /// this takes at most `ProcessSpec.maxKillGrace`), then kills every descendant left, again and
    /// again until none is (a killed process's children are re-parented here after each pass), and removes
    /// the cgroups. Returns how many leftovers it killed. gate must not exit before this returns.
    public func endRun() async -> Int {
        if await !waitForGroups(upTo: ProcessSpec.maxKillGrace + .seconds(5)) {
            killAll()
            _ = await waitForGroups(upTo: .seconds(5))
        }
        let (tree, keeper) = containment.withLock { c in defer { c = (nil, nil) }; return c }
        let keeperPID = keeper?.pid ?? -1
        var killed = sweepDescendants(upTo: .seconds(5), sparing: keeperPID)
        if let tree, !tree.remove(waitMs: 5000) {
            killed += sweepDescendants(upTo: .seconds(1), sparing: keeperPID)
        }
        keeper?.finish()
        return killed
    }

    /// The third interrupt: kill everything now and sweep for at most a second; the keeper, told nothing,
    /// kills and removes what is left of the cgroups once gate has exited.
    public func emergencyStop() {
        killAll()
        _ = sweepDescendants(upTo: .seconds(1), sparing: keeper?.pid ?? -1)
    }

    /// Waits until no check's group is running. Returns false when the time ran out.
    private func waitForGroups(upTo limit: Duration) async -> Bool {
        let deadline = ContinuousClock.now + limit
        while count > 0 {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(5))
        }
        return true
    }

    /// Kills every descendant of gate but `keeperPID`, reaping gate's own children (not running group
    /// leaders: the reactor reaps those), until none is left or `limit` has passed. Returns how many
    /// distinct processes it killed.
    func sweepDescendants(upTo limit: Duration, sparing keeperPID: pid_t) -> Int {
        let deadline = ContinuousClock.now + limit
        let me = getpid()
        var killed = Set<pid_t>()
        while ContinuousClock.now < deadline {
            let tree = Self.descendants(of: me, excluding: keeperPID)
            let active = leaders.withLock { $0 }
            if tree.allSatisfy({ active[$0.pid] != nil && $0.state == "Z" }) { break }
            for p in tree where p.state != "Z" {
                kill(p.pid, SIGKILL)
                killed.insert(p.pid)
            }
            for p in tree where p.ppid == me && active[p.pid] == nil {
                var status: Int32 = 0
                _ = waitpid(p.pid, &status, p.state == "Z" ? 0 : WNOHANG)
            }
            usleep(1000)
        }
        return killed.count
    }

    /// Reaps zombie children that are not running group leaders (leftovers a cgroup kill re-parented here).
    func reapOrphanZombies() {
        let active = leaders.withLock { $0 }
        for p in Self.children(of: getpid()) where p.state == "Z" && active[p.pid] == nil {
            var status: Int32 = 0
            _ = waitpid(p.pid, &status, WNOHANG)
        }
    }

    /// Reaps zombie children in process group `group` (descendants re-parented here by the subreaper).
    static func reapZombies(group: pid_t) {
        for p in children(of: getpid()) where p.pgrp == group && p.state == "Z" {
            var status: Int32 = 0
            _ = waitpid(p.pid, &status, WNOHANG)
        }
    }
}
