import CGateSupport
import Foundation
import Synchronization

/// Set from any thread when the task that owns a process is cancelled; the reactor polls it.
final class CancelToken: Sendable {
    private let flag = Locked(false)
    func cancel() { flag.withLock { $0 = true } }
    var isCancelled: Bool { flag.withLock { $0 } }
}

/// One child process as the reactor sees it: its descriptors, captured tails, deadlines and exit.
/// @unchecked Sendable: the calling thread creates it and starts the child (`spawn`), then hands it to
/// the reactor, which is the only thread that touches it from `ProcessReactor.watch` on.
final class ProcessJob: @unchecked Sendable {
    let prepared: Prepared
    let token: CancelToken
    let completion: @Sendable (Result<ProcessResult, any Error>) -> Void

    /// The reactor's number for this job, carried by its descriptors' events.
    var reactorID: UInt64 = 0
    private(set) var pid: pid_t = 0
    private(set) var pidfd: Int32 = -1
    private(set) var outFD: Int32 = -1
    private(set) var errFD: Int32 = -1
    private var out: TailBuffer
    private var err: TailBuffer
    private var start = ContinuousClock.now
    private var deadline: ContinuousClock.Instant?
    private var killAt: ContinuousClock.Instant?
    private var drainUntil: ContinuousClock.Instant?
    private var exitStatus: Int32?
    private var timedOut = false, cancelled = false, stopping = false, killedLeftovers = false
    /// The check's own cgroup, when gate runs checks in cgroups (see `CheckCgroups`).
    private var cgroup: CheckCgroup?
    /// Processes outside the group were killed through the cgroup: their zombies are reaped at the finish.
    private var escapedKilled = false

    /// How long output may keep arriving after the main process exited (a leftover holding the pipe).
    static let drainAfterExit: Duration = .milliseconds(250)

    init(prepared: Prepared, token: CancelToken,
         completion: @escaping @Sendable (Result<ProcessResult, any Error>) -> Void) {
        self.prepared = prepared
        self.token = token
        self.completion = completion
        out = TailBuffer(limit: prepared.spec.captureLimit)
        err = TailBuffer(limit: prepared.spec.captureLimit)
    }

    var hasExited: Bool { exitStatus != nil }

    /// Starts the child in its own process group, and in a cgroup of its own when gate has them.
    /// `deathSignal` (PR_SET_PDEATHSIG) is for a caller on a thread that lives as long as gate.
    func spawn(devNull: Int32, deathSignal: Int32) throws {
        let spec = prepared.spec
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        let childOut = try childDescriptor(spec.stdout, pipe: &outPipe, devNull: devNull)
        let childErr: Int32
        do {
            childErr = try childDescriptor(spec.stderr, pipe: &errPipe, devNull: devNull)
        } catch {
            for fd in [outPipe[0], outPipe[1]] where fd >= 0 { close(fd) }
            if outPipe[1] < 0 && childOut != devNull { close(childOut) }
            throw error
        }
        let groups = ProcessGroups.shared
        let tree = groups.cgroups
        let joining = tree?.acquire()
        var cgroupErrno: Int32 = 0
        let rc = withCStrings(prepared.argv) { argv in
            withCStrings(prepared.env) { envp in
                gate_spawn(prepared.executable, argv, envp, spec.cwd, devNull, childOut, childErr,
                           joining?.procsFD ?? -1, deathSignal, &pid, &cgroupErrno)
            }
        }
        if let joining, let tree {
            // A hierarchy that refuses the move refuses every later one: process groups only from here on.
            if rc != 0 { tree.release(joining) } else if cgroupErrno != 0 { tree.disable(joining) } else { cgroup = joining }
        }
        // The parent's copies of the child's ends.
        if outPipe[1] >= 0 { close(outPipe[1]) } else if childOut != devNull { close(childOut) }
        if errPipe[1] >= 0 { close(errPipe[1]) } else if childErr != devNull { close(childErr) }
        guard rc == 0 else {
            for fd in [outPipe[0], errPipe[0]] where fd >= 0 { close(fd) }
            throw ProcessError.spawnFailed(program: prepared.argv[0], errno: rc)
        }
        start = .now
        deadline = spec.timeout.map { start + $0 }
        groups.add(pid)
        pidfd = gate_pidfd_open(pid)
        outFD = outPipe[0]
        errFD = errPipe[0]
    }

    /// The next instant at which `tick` has something to do, if any.
    var nextWake: ContinuousClock.Instant? {
        var wake = killAt
        if let d = drainUntil { wake = wake.map { min($0, d) } ?? d }
        if !stopping, let d = deadline { wake = wake.map { min($0, d) } ?? d }
        if pidfd < 0 && exitStatus == nil {
            let tick = ContinuousClock.now + .milliseconds(20)
            wake = wake.map { min($0, tick) } ?? tick
        }
        return wake
    }

    /// Reads what is available on `fd`, closing it at end of file. Returns true while `fd` stays open.
    func drain(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Bool {
        let r = read(fd, buffer.baseAddress, buffer.count)
        if r > 0 {
            let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<r])
            if fd == outFD { out.append(chunk) } else { err.append(chunk) }
            return true
        }
        if r < 0 && (errno == EAGAIN || errno == EINTR) { return true }
        close(fd)
        if fd == outFD { outFD = -1 } else { errFD = -1 }
        return false
    }

    /// SIGTERM to the whole group (and everything in the check's cgroup) now, SIGKILL when the grace
    /// period ends: the spec's `killGrace`, at most `ProcessSpec.maxKillGrace`.
    func stop() {
        guard !stopping, exitStatus == nil else { return }
        stopping = true
        kill(-pid, SIGTERM)
        cgroup?.signalAll(SIGTERM)
        killAt = EmergencyStop.isTriggered ? .now : .now + min(prepared.spec.killGrace, ProcessSpec.maxKillGrace)
    }

    /// Deadlines and cancellation.
    func tick(now: ContinuousClock.Instant) {
        if exitStatus == nil {
            if token.isCancelled && !stopping { cancelled = true; stop() }
            if let d = deadline, now >= d, !stopping { timedOut = true; stop() }
            if let k = killAt, now >= k {
                kill(-pid, SIGKILL)
                cgroup?.kill()
                killAt = nil
            }
        }
    }

    /// Exit detection: peek without reaping, reap, then kill whatever is still in the group. (Before the
    /// reap the zombie leader still counts as a member, so the group test comes after.)
    func checkExit() {
        guard exitStatus == nil, gate_child_exited(pid) == 1 else { return }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        exitStatus = status
        if kill(-pid, 0) == 0 {
            kill(-pid, SIGKILL)
            killedLeftovers = !stopping
        }
        // What left the group (setsid, a double fork) is still in the check's cgroup.
        if let c = cgroup, c.isPopulated {
            c.kill()
            killedLeftovers = killedLeftovers || !stopping
            escapedKilled = true
        }
        if stopping || killedLeftovers { ProcessGroups.reapZombies(group: pid) }
        killAt = nil
        drainUntil = .now + Self.drainAfterExit
        if pidfd >= 0 { close(pidfd); pidfd = -1 }
    }

    /// True when the child has exited and its output is drained (or the drain time ran out).
    func isDone(now: ContinuousClock.Instant) -> Bool {
        guard exitStatus != nil else { return false }
        return (outFD < 0 && errFD < 0) || drainUntil.map { now >= $0 } ?? true
    }

    /// Closes what is left and builds the result.
    func finish() -> ProcessResult {
        for fd in [outFD, errFD, pidfd] where fd >= 0 { close(fd) }
        outFD = -1; errFD = -1; pidfd = -1
        let groups = ProcessGroups.shared
        if let c = cgroup {
            groups.cgroups?.release(c)
            cgroup = nil
        }
        groups.remove(pid)
        if escapedKilled { groups.reapOrphanZombies() }
        var value: Int32 = 0
        let kind = gate_decode_wait_status(exitStatus ?? 0, &value)
        let termination: ProcessResult.Termination = kind == 2 ? .signaled(value) : .exited(value)
        return ProcessResult(
            termination: termination, timedOut: timedOut, cancelled: cancelled && !timedOut,
            killedLeftovers: killedLeftovers, stdout: out.captured, stderr: err.captured,
            duration: .now - start, pid: pid)
    }

    private func childDescriptor(_ output: ProcessSpec.Output, pipe: inout [Int32], devNull: Int32) throws -> Int32 {
        switch output {
        case .capture:
            var fds: [Int32] = [-1, -1]
            guard gate_pipe_cloexec_nonblocking_read(&fds) == 0 else {
                throw ProcessError.spawnFailed(program: "pipe", errno: errno)
            }
            pipe = fds
            return fds[1]
        case .file(let path):
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw ProcessError.outputFile(path: path, errno: errno) }
            return fd
        case .discard:
            return devNull
        }
    }
}

/// Calls `body` with a NULL-terminated C string array that lives for the call. The strings share one
/// allocation (an environment is dozens of them, and this runs for every child).
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let total = strings.reduce(0) { $0 + $1.utf8.count + 1 }
    let bytes = UnsafeMutablePointer<CChar>.allocate(capacity: max(1, total))
    defer { bytes.deallocate() }
    var pointers = [UnsafeMutablePointer<CChar>?]()
    pointers.reserveCapacity(strings.count + 1)
    var offset = 0
    for s in strings {
        let start = bytes + offset
        var copy = s
        copy.withUTF8 { utf8 in
            if let base = utf8.baseAddress, utf8.count > 0 {
                UnsafeRawPointer(base).withMemoryRebound(to: CChar.self, capacity: utf8.count) {
                    start.update(from: $0, count: utf8.count)
                }
            }
            offset += utf8.count
        }
        bytes[offset] = 0
        offset += 1
        pointers.append(start)
    }
    pointers.append(nil)
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
