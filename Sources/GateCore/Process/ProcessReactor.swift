import CGateSupport
import Foundation
import Synchronization

/// One thread that starts and watches every child: their pipes, their pidfds and their deadlines, with
/// epoll(7). Replacing a thread per process keeps the cost of a check to a spawn and a few descriptors,
/// and bounds gate's own thread count however many programs run at once.
///
/// Children are started on this thread, which lives as long as gate: the kernel's parent-death signal
/// (PR_SET_PDEATHSIG, which kills a check's first process when gate dies) follows the thread that forked,
/// and the cooperative pool's threads exit after five idle seconds. Registrations are one-shot: a
/// descriptor that fires is re-armed after its read, and one at end of file is closed without another
/// system call. An event carries its job's number and which descriptor fired; one whose job has already
/// finished (a closed descriptor that a concurrent vfork child still held) is ignored.
final class ProcessReactor: @unchecked Sendable {
    // @unchecked: `jobs`, `nextID` and `buffer` are used only on the reactor thread; the inbox is behind a
    // lock, and the epoll and eventfd descriptors are safe to use from any thread.
    static let shared = ProcessReactor()

    /// Jobs handed over since the reactor last looked, not started yet.
    private let inbox = Locked<[ProcessJob]>([])
    private var nextID: UInt64 = 1
    private var firstSpawn = true
    private let epfd: Int32
    private let wakeFD: Int32
    /// `/dev/null`, open for the life of the process: the stdin of every child, and its output when discarded.
    static let devNull: Int32 = open("/dev/null", O_RDWR | O_CLOEXEC)
    private var jobs: [UInt64: ProcessJob] = [:]
    private let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)

    private static let wakeTag = UInt64.max
    private enum Stream: UInt64 { case stdout = 0, stderr = 1, exit = 2 }

    private init() {
        epfd = gate_epoll_create()
        wakeFD = gate_eventfd()
        if epfd < 0 || wakeFD < 0 || gate_epoll_watch(epfd, wakeFD, Self.wakeTag, 0) != 0 {
            fatalError("gate cannot watch processes: epoll or eventfd failed (\(String(cString: strerror(errno))))")
        }
        let thread = Thread { [unowned self] in self.loop() }
        thread.name = "gate-processes"
        thread.stackSize = 512 * 1024
        thread.start()
    }

    /// Hands a job to the reactor, which starts its child and calls its completion (on the reactor
    /// thread) with the result, or with the error that kept it from starting. The reactor also stops the
    /// job's process group on cancellation or timeout.
    func start(_ job: ProcessJob) {
        inbox.withLock { $0.append(job) }
        wake()
    }

    /// Starts a job from the inbox and registers its descriptors; a job cancelled before it started, or
    /// one that cannot start, completes at once.
    private func launch(_ job: ProcessJob) {
        if job.token.isCancelled {
            job.completion(.failure(CancellationError()))
            return
        }
        do {
            try job.spawn(devNull: Self.devNull, deathSignal: ProcessGroups.deathSignal)
        } catch {
            job.completion(.failure(error))
            return
        }
        let id = nextID
        nextID += 1
        job.reactorID = id
        jobs[id] = job
        for (fd, stream) in [(job.outFD, Stream.stdout), (job.errFD, .stderr), (job.pidfd, .exit)] where fd >= 0 {
            _ = gate_epoll_watch(epfd, fd, id << 2 | stream.rawValue, 0)
        }
        if firstSpawn && PhaseTimer.enabled { PhaseTimer.mark("first child started") }
        firstSpawn = false
    }

    /// Makes the reactor look at cancellation tokens and deadlines now.
    func wake() {
        var one: UInt64 = 1
        _ = Glibc.write(wakeFD, &one, 8)
    }

    private func rearm(_ fd: Int32, _ job: ProcessJob, _ stream: Stream) {
        _ = gate_epoll_watch(epfd, fd, job.reactorID << 2 | stream.rawValue, 1)
    }

    private func loop() {
        var tags = [UInt64](repeating: 0, count: 64)
        var timeout: Int32 = -1
        while true {
            let n = tags.withUnsafeMutableBufferPointer { gate_epoll_wait(epfd, $0.baseAddress, 64, timeout) }
            if n < 0 && errno != EINTR { usleep(1000) }

            // New jobs first: an event can only name a job that is already started.
            for job in inbox.withLock({ box in defer { box.removeAll() }; return box }) { launch(job) }
            for k in 0..<max(0, Int(n)) {
                let tag = tags[k]
                if tag == Self.wakeTag {
                    var count: UInt64 = 0
                    _ = read(wakeFD, &count, 8)
                    _ = gate_epoll_watch(epfd, wakeFD, Self.wakeTag, 1)
                    continue
                }
                guard let job = jobs[tag >> 2], let stream = Stream(rawValue: tag & 3) else { continue }
                switch stream {
                case .exit:
                    guard job.pidfd >= 0 else { continue }
                    job.checkExit()
                    // A readable pidfd means the child exited; should the wait still see it running, listen again.
                    if job.pidfd >= 0 { rearm(job.pidfd, job, .exit) }
                case .stdout, .stderr:
                    let fd = stream == .stdout ? job.outFD : job.errFD
                    guard fd >= 0 else { continue }
                    if job.drain(fd, into: buffer) { rearm(fd, job, stream) }
                }
            }

            // Timers, cancellation, exits, completions.
            let now = ContinuousClock.now
            var wakeAt: ContinuousClock.Instant?
            for (id, job) in jobs {
                job.tick(now: now)
                if job.pidfd < 0 { job.checkExit() }
                if job.isDone(now: now) {
                    jobs[id] = nil
                    job.completion(.success(job.finish()))
                } else if let w = job.nextWake {
                    wakeAt = wakeAt.map { min($0, w) } ?? w
                }
            }
            // A job that arrived since the inbox was emptied is started at once instead of after a sleep.
            let arrived = inbox.withLock { !$0.isEmpty }
            timeout = arrived ? 0 : wakeAt.map { Int32(clamping: max(0, ($0 - .now).milliseconds + 1)) } ?? -1
        }
    }
}
