import CGateSupport
import Foundation
import Synchronization

/// The keeper: a small process, started once per run, that cleans up after gate when gate could not
/// (SIGKILL, a crash, the OOM killer). It sits in its own session, blocked on a pipe whose write end only
/// gate holds; when gate is gone the read ends, and unless gate marked the run done, the keeper kills every
/// process group listed in the shared table and the run's cgroup (see gate_keeper.c).
///
/// PR_SET_PDEATHSIG covers each check's first process only; the keeper covers its whole process group,
/// and with a cgroup everything the check started. What it cannot cover: a process that left its check's
/// process group (setsid) when there is no cgroup, and anything, if the keeper is SIGKILLed together
/// with gate. The next gate run on the machine kills what a dead gate left in its cgroup.
final class Keeper: @unchecked Sendable {
    // @unchecked: the table is shared memory written through the C helpers, one writer per slot, with
    // slots handed out under `slots`' lock.
    private let table: OpaquePointer
    private let writeFD: Int32
    let pid: pid_t
    private struct Slots {
        var free: [Int32] = []
        var next: Int32 = 0
        var finished = false
    }
    private let slots = Locked(Slots())
    static let capacity: Int32 = 16384

    private init(table: OpaquePointer, writeFD: Int32, pid: pid_t) {
        self.table = table
        self.writeFD = writeFD
        self.pid = pid
    }

    /// Starts the keeper; nil (and gate runs without one) when the shared table, the pipe or the process
    /// cannot be made.
    static func start(cgroup: String?) -> Keeper? {
        var tableFD: Int32 = -1
        guard let table = gate_keeper_table_create(capacity, &tableFD) else { return nil }
        defer { close(tableFD) }
        if let cgroup { gate_keeper_table_set_cgroup(table, cgroup) }
        var writeFD: Int32 = -1
        var pid: pid_t = 0
        guard gate_keeper_spawn(tableFD, &writeFD, &pid) == 0 else { return nil }
        return Keeper(table: table, writeFD: writeFD, pid: pid)
    }

    /// Lists a process group; returns its slot, or -1 when the table is full (the group is then covered
    /// by PR_SET_PDEATHSIG on its first process only).
    func add(_ group: pid_t) -> Int32 {
        let slot: Int32 = slots.withLock { s in
            if s.finished { return -1 }
            if let free = s.free.popLast() { return free }
            guard s.next < Self.capacity else { return -1 }
            s.next += 1
            return s.next - 1
        }
        if slot >= 0 { gate_keeper_table_set_group(table, slot, group) }
        return slot
    }

    /// Takes a reaped group off the table.
    func remove(slot: Int32) {
        guard slot >= 0 else { return }
        gate_keeper_table_set_group(table, slot, 0)
        slots.withLock { $0.free.append(slot) }
    }

    /// gate cleaned up itself: the keeper exits without acting, and is reaped here.
    func finish() { end(done: true) }

    /// Closes the pipe without marking the run done, as gate's death would, and reaps the keeper once it
    /// has acted. For tests: gate itself never needs this.
    func endAsIfKilled() { end(done: false) }

    private func end(done: Bool) {
        let first = slots.withLock { s in defer { s.finished = true }; return !s.finished }
        guard first else { return }
        if done { gate_keeper_table_set_done(table) }
        close(writeFD)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
