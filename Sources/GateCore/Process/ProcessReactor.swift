import CGateSupport
import Foundation
import Synchronization

/// One thread that watches every running child: their pipes, their pidfds and their deadlines, with
/// poll(2). Replacing a thread per process keeps the cost of a check to a spawn and a few descriptors,
/// and bounds gate's own thread count however many programs run at once.
final class ProcessReactor: @unchecked Sendable {
    // @unchecked: `jobs`, `buffer` and `devNull` are used only on the reactor thread; the inbox and the
    // wake pipe are the only state other threads touch, and the inbox is behind a lock.
    static let shared = ProcessReactor()

    private let inbox = Locked<[ProcessJob]>([])
    private let wakeRead: Int32
    private let wakeWrite: Int32
    private let devNull: Int32
    private var jobs: [ProcessJob] = []
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    private init() {
        var fds: [Int32] = [-1, -1]
        _ = gate_pipe_cloexec(&fds)
        _ = gate_set_nonblocking(fds[0])
        _ = gate_set_nonblocking(fds[1])
        wakeRead = fds[0]
        wakeWrite = fds[1]
        devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "gate-processes"
        thread.stackSize = 512 * 1024
        thread.start()
    }

    /// Hands a job to the reactor; its completion runs on the reactor thread.
    func submit(_ job: ProcessJob) {
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
            // New jobs.
            for job in inbox.withLock({ pending in defer { pending.removeAll() }; return pending }) {
                if job.token.isCancelled {
                    job.completion(.failure(CancellationError()))
                    continue
                }
                do {
                    try job.spawn(devNull: devNull)
                    jobs.append(job)
                } catch {
                    job.completion(.failure(error))
                }
            }

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
                for fd in [job.outFD, job.errFD, job.pidfd] where fd >= 0 {
                    fds.append(pollfd(fd: fd, events: Int16(POLLIN), revents: 0))
                    owners.append(i)
                }
                if let w = job.nextWake { wakeAt = wakeAt.map { min($0, w) } ?? w }
            }
            let timeout: Int32 = wakeAt.map { Int32(clamping: max(0, ($0 - .now).milliseconds + 1)) } ?? -1
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 && errno != EINTR { usleep(1000) }
            guard n > 0 else { continue }

            for (k, p) in fds.enumerated() where p.revents != 0 {
                let owner = owners[k]
                if owner < 0 {
                    var sink = [UInt8](repeating: 0, count: 256)
                    while read(wakeRead, &sink, sink.count) > 0 {}
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
