import Foundation

/// One request to send.
struct ProbeRequest: Sendable {
    var method: String
    /// The request target as sent: the path with placeholders filled and encoded.
    var target: String
    /// Index into the tenants whose token goes in the auth header; nil sends no credentials.
    var tenant: Int?
    var bodyLimit: Int
}

/// What came back: a status and the first bytes of the body, or why nothing came back.
struct ProbeAnswer: Sendable {
    var status: Int?
    var failure: String?
    var body: [UInt8] = []
}

/// Sends requests over `concurrency` kept-alive connections, each owned by its own thread.
///
/// The client blocks in poll(2), so the work runs on dedicated threads rather than on Swift's
/// cooperative pool (two threads on a two-core machine, which blocking calls would starve). The calling
/// task suspends until every request is answered; cancelling it stops every worker within 100 ms.
enum ProbePool {
    static func run(_ requests: [ProbeRequest], endpoint: Endpoint, hostHeader: String, headers: @escaping @Sendable (Int?) -> [(String, String)],
                    concurrency: Int, timeout: Duration, progress: @escaping @Sendable (Int, Int) -> Void) async -> [ProbeAnswer] {
        guard !requests.isEmpty else { return [] }
        let state = PoolState(count: requests.count)
        let workers = min(concurrency, requests.count)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (done: CheckedContinuation<[ProbeAnswer], Never>) in
                state.start(workers: workers) { done.resume(returning: $0) }
                for _ in 0..<workers {
                    let thread = Thread {
                        let connection = HTTPConnection(endpoint: endpoint, hostHeader: hostHeader)
                        while let i = state.next() {
                            let r = requests[i]
                            var answer = ProbeAnswer()
                            do throws(HTTPFailure) {
                                let response = try connection.request(
                                    method: r.method, target: r.target, headers: headers(r.tenant), bodyLimit: r.bodyLimit,
                                    timeout: timeout, cancelled: { state.isCancelled })
                                answer.status = response.status
                                answer.body = response.body
                            } catch {
                                answer.failure = error.description
                            }
                            if let n = state.store(answer, at: i), n % 100 == 0 || n == requests.count {
                                progress(n, requests.count)
                            }
                        }
                        connection.disconnect()
                        state.workerFinished()
                    }
                    thread.stackSize = 1 << 20
                    thread.start()
                }
            }
        } onCancel: {
            state.cancel()
        }
    }
}

/// The work queue and results, shared by the workers under one lock.
private final class PoolState: @unchecked Sendable {
    private let lock = NSLock()
    private var nextIndex = 0
    private var completed = 0
    private var running = 0
    private var cancelled = false
    private var answers: [ProbeAnswer]
    private var finish: (([ProbeAnswer]) -> Void)?

    init(count: Int) {
        answers = Array(repeating: ProbeAnswer(status: nil, failure: "not sent"), count: count)
    }

    func start(workers: Int, finish: @escaping ([ProbeAnswer]) -> Void) {
        lock.withLock {
            running = workers
            self.finish = finish
        }
    }

    var isCancelled: Bool { lock.withLock { cancelled } }

    func cancel() { lock.withLock { cancelled = true } }

    /// The next request index, or nil when the queue is empty or the run was cancelled.
    func next() -> Int? {
        lock.withLock {
            guard !cancelled, nextIndex < answers.count else { return nil }
            defer { nextIndex += 1 }
            return nextIndex
        }
    }

    /// Stores an answer; returns how many are complete.
    func store(_ answer: ProbeAnswer, at i: Int) -> Int? {
        lock.withLock {
            answers[i] = answer
            completed += 1
            return completed
        }
    }

    func workerFinished() {
        let done: (([ProbeAnswer]) -> Void, [ProbeAnswer])? = lock.withLock {
            running -= 1
            guard running == 0, let f = finish else { return nil }
            finish = nil
            return (f, answers)
        }
        if let (f, a) = done { f(a) }
    }
}
