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
    // slots handed out under `state`'s lock.
    private let table: OpaquePointer
    private struct State {
        var free: [Int32] = []
        var next: Int32 = 0
        /// Set when gate is done with the keeper: true when gate cleaned up itself.
        var ending: Bool?
        /// Set once the process has started: the pipe's write end and the keeper's pid.
        var writeFD: Int32 = -1
        var pid: pid_t = 0
    }
    private let state = Locked(State())
    static let capacity: Int32 = 16384

    private init(table: OpaquePointer) { self.table = table }

    /// The keeper's pid, once it has started (0 before).
    var pid: pid_t { state.withLock { $0.pid } }

    /// Makes the shared table now and starts the keeper beside the run, off its critical path: the
    /// vfork waits for the exec of gate's own binary, milliseconds on a busy machine, while the table is
    /// all that checks need. Should gate die before the keeper has started, the parent-death signal
    /// still ends each check's first process. Nil (gate runs without a keeper) when the table cannot be made.
    static func start(cgroup: String?) -> Keeper? {
        var tableFD: Int32 = -1
        guard let table = gate_keeper_table_create(capacity, &tableFD) else { return nil }
        if let cgroup { gate_keeper_table_set_cgroup(table, cgroup) }
        let keeper = Keeper(table: table)
        let fd = tableFD
        DispatchQueue.global(qos: .utility).async {
            var writeFD: Int32 = -1
            var pid: pid_t = 0
            let rc = gate_keeper_spawn(fd, &writeFD, &pid)
            Glibc.close(fd)
            guard rc == 0 else { return }
            let ending = keeper.state.withLock { s in
                s.writeFD = writeFD
                s.pid = pid
                return s.ending
            }
            // The run ended while the keeper was starting: tell it now.
            if let ending { keeper.closePipe(done: ending, writeFD: writeFD, pid: pid) }
        }
        return keeper
    }

    /// Lists a process group; returns its slot, or -1 when the table is full (the group is then covered
    /// by PR_SET_PDEATHSIG on its first process only).
    func add(_ group: pid_t) -> Int32 {
        let slot: Int32 = state.withLock { s in
            if s.ending != nil { return -1 }
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
        state.withLock { $0.free.append(slot) }
    }

    /// gate cleaned up itself: the keeper exits without acting, and is reaped here.
    func finish() { end(done: true) }

    /// Closes the pipe without marking the run done, as gate's death would, and reaps the keeper once it
    /// has acted. For tests: gate itself never needs this.
    func endAsIfKilled() { end(done: false) }

    private func end(done: Bool) {
        let (first, fd, pid) = state.withLock { s in
            defer { if s.ending == nil { s.ending = done } }
            return (s.ending == nil, s.writeFD, s.pid)
        }
        // Not started yet: the starting thread sees `ending` and closes the pipe itself.
        guard first, fd >= 0 else { return }
        closePipe(done: done, writeFD: fd, pid: pid)
    }

    private func closePipe(done: Bool, writeFD: Int32, pid: pid_t) {
        if done { gate_keeper_table_set_done(table) }
        Glibc.close(writeFD)
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    }
}
