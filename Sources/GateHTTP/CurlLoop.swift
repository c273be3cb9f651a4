import CCurl
import Foundation

/// One thread driving one libcurl multi handle: every transfer of a client runs here, concurrently, and the
/// multi handle's connection cache keeps connections alive between them.
///
/// The thread sleeps in curl_multi_poll and is woken (curl_multi_wakeup, the one multi call that is safe
/// from other threads) when work arrives or a transfer is cancelled; a cancelled transfer is removed from
/// the multi handle at once, which closes its connection mid-transfer. Blocking work stays off Swift's
/// cooperative pool, which has one thread per core.
final class CurlLoop: @unchecked Sendable {
    private let lock = NSLock()
    private let multi: UnsafeMutableRawPointer
    private var queue: [CurlTransfer] = []
    private var stopping = false
    private var running = false

    // Loop thread only.
    private var active: [Int: (handle: UnsafeMutableRawPointer, transfer: CurlTransfer)] = [:]
    private var spare: [UnsafeMutableRawPointer] = []

    init(maxConnectionsPerHost: Int) {
        CurlGlobal.ensure()
        multi = curl_multi_init()
        _ = gate_curl_multi_set_long(multi, CURLMOPT_MAX_HOST_CONNECTIONS, max(1, maxConnectionsPerHost))
        _ = gate_curl_multi_set_long(multi, CURLMOPT_MAXCONNECTS, max(8, maxConnectionsPerHost * 2))
    }

    deinit {
        for h in spare { curl_easy_cleanup(h) }
        curl_multi_cleanup(multi)
    }

    func submit(_ t: CurlTransfer) {
        let start: Bool = lock.withLock {
            if stopping { return false }
            queue.append(t)
            defer { running = true }
            return !running
        }
        guard !isStopped(t) else { return }
        if start {
            let thread = Thread { [self] in run() }
            thread.name = "gate-http"
            thread.stackSize = 1 << 20
            thread.start()
        } else {
            wake()
        }
    }

    private func isStopped(_ t: CurlTransfer) -> Bool {
        let stopped = lock.withLock { stopping && !queue.contains { $0 === t } }
        if stopped { t.finish(.failure(HTTPError(.cancelled, "the HTTP client was shut down"))) }
        return stopped
    }

    func wake() { _ = curl_multi_wakeup(multi) }

    /// Stops the thread once the transfers in flight are cancelled.
    func shutdown() {
        lock.withLock { stopping = true }
        wake()
    }

    private func run() {
        while true {
            let (incoming, stop): ([CurlTransfer], Bool) = lock.withLock {
                defer { queue.removeAll() }
                return (queue, stopping)
            }
            for t in incoming { start(t) }
            for (key, entry) in active where stop || entry.transfer.cancelled.load(ordering: .acquiring) {
                finish(key, .failure(HTTPError(.cancelled, "cancelled")))
            }
            if stop {
                lock.withLock { running = false }
                return
            }
            var still: Int32 = 0
            _ = curl_multi_perform(multi, &still)
            var left: Int32 = 0
            while let msg = curl_multi_info_read(multi, &left) {
                guard msg.pointee.msg == CURLMSG_DONE, let h = msg.pointee.easy_handle else { continue }
                let key = Int(bitPattern: h)
                guard let entry = active[key] else { continue }
                let result = CurlEasy.collect(h, entry.transfer, code: msg.pointee.data.result)
                if entry.transfer.record(result) {
                    // The next sample at once, on the same handle and kept-alive connection.
                    _ = curl_multi_remove_handle(multi, h)
                    _ = curl_multi_add_handle(multi, h)
                } else {
                    finish(key, nil)
                }
            }
            if active.isEmpty {
                // Idle: park until new work arrives (or a second passes, to notice shutdown).
                let idle = lock.withLock { queue.isEmpty && !stopping }
                if idle { _ = curl_multi_poll(multi, nil, 0, 1000, nil) }
            } else {
                _ = curl_multi_poll(multi, nil, 0, 100, nil)
            }
        }
    }

    private func start(_ t: CurlTransfer) {
        if t.cancelled.load(ordering: .acquiring) {
            t.finish(.failure(HTTPError(.cancelled, "cancelled")))
            return
        }
        guard let h = spare.popLast() ?? curl_easy_init() else {
            t.finish(.failure(HTTPError(.other, "libcurl could not create a handle")))
            return
        }
        curl_easy_reset(h)
        if let e = CurlEasy.configure(h, t) {
            spare.append(h)
            t.finish(.failure(e))
            return
        }
        active[Int(bitPattern: h)] = (h, t)
        _ = curl_multi_add_handle(multi, h)
    }

    /// Ends a transfer: with `result` as its last run, or (nil) with the runs it recorded.
    private func finish(_ key: Int, _ result: HTTPResult?) {
        guard let (h, t) = active.removeValue(forKey: key) else { return }
        _ = curl_multi_remove_handle(multi, h)
        if t.request.connectOnly {
            curl_easy_cleanup(h)  // a connect-only handle owns its connection; cleaning up closes it
        } else {
            spare.append(h)
        }
        if let result { t.finish(result) } else { t.complete() }
    }
}
