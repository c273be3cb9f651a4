import CGateSupport
import Foundation
import Synchronization

/// One thread that watches every running child: their pipes, their pidfds and their deadlines, with
/// poll(2). Replacing a thread per process keeps the cost of a check to a spawn and a few descriptors,
/// and bounds gate's own thread count however many programs run at once.
final class ProcessReactor: @unchecked Sendable {
    // @unchecked: `jobs` and `buffer` are used only on the reactor thread; the inbox and the
    // wake pipe are the only state other threads touch, and the inbox is behind a lock.
    static let shared = ProcessReactor()

    private let inbox = Locked<[ProcessJob]>([])
    private let wakeRead: Int32
    private let wakeWrite: Int32
    /// `/dev/null`, open for the life of the process: the stdin of every child, and its output when discarded.
    static let devNull: Int32 = open("/dev/null", O_RDWR | O_CLOEXEC)
    private var jobs: [ProcessJob] = []
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    private init() {
        var fds: [Int32] = [-1, -1]
        _ = gate_pipe_cloexec(&fds)
        _ = gate_set_nonblocking(fds[0])
        _ = gate_set_nonblocking(fds[1])
        wakeRead = fds[0]
        wakeWrite = fds[1]
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "gate-processes"
        thread.stackSize = 512 * 1024
        thread.start()
    }

    /// Hands a started job to the reactor; its completion runs on the reactor thread, which also stops
    /// the job's process group on cancellation or timeout.
    func watch(_ job: ProcessJob) {
        inbox.withLock { $0.append(job) }
        wake()
    }

    /// Makes the reactor look at cancellation tokens now.
    func wake() {
        var byte: UInt8 = 1
        _ = Glibc.write(wakeWrite, &byte, 1)
    }

    private func loop() {
        var fds: [pollfd] = []
        var owners: [Int] = []
        while true {
            // New jobs (already started; a cancelled one is stopped by its first tick).
            jobs += inbox.withLock { pending in defer { pending.removeAll() }; return pending }

            // Timers, cancellation, exits, completions.
            let now = ContinuousClock.now
            var still: [ProcessJob] = []
            for job in jobs {
                job.tick(now: now)
                if job.pidfd < 0 { job.checkExit() }
                if job.isDone(now: now) {
                    job.completion(.success(job.finish()))
                } else {
                    still.append(job)
                }
            }
            jobs = still

            // Wait for output, an exit, a wake-up or the next deadline.
            fds.removeAll(keepingCapacity: true)
            owners.removeAll(keepingCapacity: true)
            fds.append(pollfd(fd: wakeRead, events: Int16(POLLIN), revents: 0))
            owners.append(-1)
            var wakeAt: ContinuousClock.Instant?
            for (i, job) in jobs.enumerated() {
                func watch(_ fd: Int32) {
                    guard fd >= 0 else { return }
                    fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                    owners.append(i)
                }
                watch(job.outFD)
                watch(job.errFD)
                watch(job.pidfd)
                if let w = job.nextWake { wakeAt = wakeAt.map { min($0, w) } ?? w }
            }
            let timeout: Int32 = wakeAt.map { Int32(clamping: max(0, ($0 - .now).milliseconds + 1)) } ?? -1
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 && errno != EINTR { usleep(1000) }
            guard n > 0 else { continue }

            for (k, p) in fds.enumerated() where p.revents != 0 {
                let owner = owners[k]
                if owner < 0 {
                    while read(wakeRead, buffer.baseAddress, buffer.count) > 0 {}
                    continue
                }
                let job = jobs[owner]
                if p.fd == job.pidfd {
                    job.checkExit()
                } else {
                    job.drain(p.fd, into: buffer)
                }
            }
        }
    }
}
