import CGateSupport
import Foundation

/// The blocking loop for one child: spawn, poll its pipes and its pidfd, enforce the deadline and
/// cancellation, kill leftovers, reap. Runs on its own thread.
struct Monitor {
    let prepared: Prepared
    let control: CancelControl

    private static let drainAfterExit: Duration = .milliseconds(250)

    func run() throws -> ProcessResult {
        let spec = prepared.spec
        let clock = ContinuousClock()
        let start = clock.now

        // Descriptors the child gets.
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer { close(devNull) }
        var outPipe: [Int32] = [-1, -1], errPipe: [Int32] = [-1, -1]
        let childOut = try childDescriptor(spec.stdout, pipe: &outPipe, devNull: devNull)
        let childErr = try childDescriptor(spec.stderr, pipe: &errPipe, devNull: devNull)
        var cancelPipe: [Int32] = [-1, -1]
        _ = gate_pipe_cloexec(&cancelPipe)
        _ = gate_set_nonblocking(cancelPipe[0])

        // Spawn.
        var pid: pid_t = 0
        let rc = withCStrings(prepared.argv) { argv in
            withCStrings(prepared.env) { envp in
                gate_spawn(prepared.executable, argv, envp, spec.cwd, devNull, childOut, childErr, &pid)
            }
        }
        // The parent's copies of the child's ends.
        if outPipe[1] >= 0 { close(outPipe[1]) } else if childOut != devNull { close(childOut) }
        if errPipe[1] >= 0 { close(errPipe[1]) } else if childErr != devNull { close(childErr) }
        guard rc == 0 else {
            for fd in [outPipe[0], errPipe[0], cancelPipe[0], cancelPipe[1]] where fd >= 0 { close(fd) }
            throw ProcessError.spawnFailed(program: prepared.argv[0], errno: rc)
        }
        ProcessGroups.shared.add(pid)
        defer { ProcessGroups.shared.remove(pid) }

        let alreadyCancelled = control.attach(cancelPipe[1])
        defer {
            control.detach()
            close(cancelPipe[0])
        }
        let pidfd = gate_pidfd_open(pid)
        defer { if pidfd >= 0 { close(pidfd) } }

        var out = TailBuffer(limit: spec.captureLimit), err = TailBuffer(limit: spec.captureLimit)
        var outFD = outPipe[0], errFD = errPipe[0]
        if outFD >= 0 { _ = gate_set_nonblocking(outFD) }
        if errFD >= 0 { _ = gate_set_nonblocking(errFD) }
        defer {
            if outFD >= 0 { close(outFD) }
            if errFD >= 0 { close(errFD) }
        }

        let deadline = spec.timeout.map { start + $0 }
        var timedOut = false, cancelled = false, stopping = false
        var killAt: ContinuousClock.Instant?
        var exitStatus: Int32?
        var killedLeftovers = false
        var drainUntil: ContinuousClock.Instant?
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buffer.deallocate() }

        func stop() {
            guard !stopping else { return }
            stopping = true
            kill(-pid, SIGTERM)
            killAt = clock.now + spec.killGrace
        }
        if alreadyCancelled { cancelled = true; stop() }

        while true {
            if exitStatus != nil && outFD < 0 && errFD < 0 { break }
            if let d = drainUntil, clock.now >= d { break }

            // Sleep until something happens or the next deadline.
            var wake: ContinuousClock.Instant? = [deadline, killAt, drainUntil].compactMap { $0 }.min()
            if pidfd < 0 && exitStatus == nil {
                let tick = clock.now + .milliseconds(20)
                wake = wake.map { min($0, tick) } ?? tick
            }
            var fds: [pollfd] = []
            if outFD >= 0 { fds.append(pollfd(fd: outFD, events: Int16(POLLIN), revents: 0)) }
            if errFD >= 0 { fds.append(pollfd(fd: errFD, events: Int16(POLLIN), revents: 0)) }
            fds.append(pollfd(fd: cancelPipe[0], events: Int16(POLLIN), revents: 0))
            if pidfd >= 0 && exitStatus == nil { fds.append(pollfd(fd: pidfd, events: Int16(POLLIN), revents: 0)) }
            let timeoutMs: Int32 = wake.map { w in
                let ms = (w - clock.now).milliseconds
                return Int32(clamping: max(0, ms + 1))
            } ?? -1
            let n = poll(&fds, nfds_t(fds.count), timeoutMs)
            if n < 0 && errno != EINTR { break }

            for p in fds where p.revents != 0 {
                if p.fd == outFD || p.fd == errFD {
                    let r = read(p.fd, buffer.baseAddress, buffer.count)
                    if r > 0 {
                        let chunk = UnsafeRawBufferPointer(rebasing: buffer[0..<r])
                        if p.fd == outFD { out.append(chunk) } else { err.append(chunk) }
                    } else if r == 0 || (errno != EAGAIN && errno != EINTR) {
                        if p.fd == outFD { close(outFD); outFD = -1 } else { close(errFD); errFD = -1 }
                    }
                } else if p.fd == cancelPipe[0] {
                    var sink = [UInt8](repeating: 0, count: 16)
                    _ = read(cancelPipe[0], &sink, 16)
                    if exitStatus == nil { cancelled = true; stop() }
                }
            }

            let now = clock.now
            if exitStatus == nil, let deadline, now >= deadline, !stopping {
                timedOut = true
                stop()
            }
            if exitStatus == nil, let k = killAt, now >= k {
                kill(-pid, SIGKILL)
                killAt = nil
            }
            // Exit detection: peek without reaping, reap, then kill whatever is still in the group. (Before
            // the reap the zombie leader itself still counts as a member, so the group test comes after.)
            if exitStatus == nil, gate_child_exited(pid) == 1 {
                var status: Int32 = 0
                while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
                exitStatus = status
                if kill(-pid, 0) == 0 {
                    kill(-pid, SIGKILL)
                    killedLeftovers = !stopping
                }
                if stopping || killedLeftovers { ProcessGroups.reapZombies(group: pid) }
                killAt = nil
                drainUntil = clock.now + Self.drainAfterExit
            }
        }

        var status = exitStatus ?? 0
        if exitStatus == nil {
            // Only reachable if poll failed hard: make sure nothing is left behind.
            kill(-pid, SIGKILL)
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        }
        var value: Int32 = 0
        let kind = gate_decode_wait_status(status, &value)
        let termination: ProcessResult.Termination = kind == 2 ? .signaled(value) : .exited(value)
        return ProcessResult(
            termination: termination, timedOut: timedOut, cancelled: cancelled && !timedOut,
            killedLeftovers: killedLeftovers, stdout: out.captured, stderr: err.captured,
            duration: clock.now - start, pid: pid)
    }

    /// Creates the descriptor a child stream writes to.
    private func childDescriptor(_ output: ProcessSpec.Output, pipe: inout [Int32], devNull: Int32) throws -> Int32 {
        switch output {
        case .capture:
            var fds: [Int32] = [-1, -1]
            guard gate_pipe_cloexec(&fds) == 0 else { throw ProcessError.spawnFailed(program: "pipe", errno: errno) }
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

/// Calls `body` with a NULL-terminated C string array that lives for the call.
func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { strdup($0) } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
