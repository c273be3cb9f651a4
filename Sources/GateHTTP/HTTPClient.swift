import Foundation
import GateCore

/// gate's HTTP(S) client, over libcurl: HTTPS and HTTP/2, proxies from the check's environment, per-phase
/// timings, capped headers and bodies, and no redirects unless a request allows them (and then only to
/// the hosts it names). Shared by every verifier that talks HTTP.
///
/// One client is one libcurl multi handle on one thread of its own; its transfers run concurrently and
/// reuse kept-alive connections. Cancelling the task that awaits a request aborts the transfer at once.
/// Call `shutdown()` when done (deinit does too).
public final class HTTPClient: Sendable {
    private let loop: CurlLoop

    /// `maxConnectionsPerHost` caps parallel connections to one host (transfers beyond wait for one).
    public init(maxConnectionsPerHost: Int = 8) {
        loop = CurlLoop(maxConnectionsPerHost: maxConnectionsPerHost)
    }

    deinit { loop.shutdown() }

    public func shutdown() { loop.shutdown() }

    /// The libcurl version in use, such as "7.88.1".
    public static var libcurlVersion: String { CurlGlobal.version }

    /// Sends one request, following redirects as far as it allows.
    public func send(_ request: HTTPRequest) async -> HTTPResult {
        var current = request
        var hops = 0
        let allowed: Set<String>
        switch URLParts.parse(request.url) {
        case .failure(let e): return .failure(e)
        case .success(let p):
            if p.hasCredentials {
                return .failure(HTTPError(.badRequest, "the URL carries credentials (user:password@); send them as a header instead"))
            }
            allowed = Set(request.redirectHosts.map { $0.lowercased() } + [p.host])
        }
        while true {
            let result = await sendOnce(current)
            guard case .success(var response) = result, (300...399).contains(response.status),
                  let next = response.redirectURL, current.maxRedirects > hops else {
                if case .success(var r) = result {
                    r.redirects = hops
                    return .success(r)
                }
                return result
            }
            guard case .success(let target) = URLParts.parse(next), allowed.contains(target.host) else {
                response.refusedRedirect = next
                response.redirects = hops
                return .success(response)
            }
            hops += 1
            current.url = next
            // 301, 302 and 303 turn a request with a body into a GET, as browsers and curl -L do.
            if [301, 302, 303].contains(response.status) && current.method != "GET" && current.method != "HEAD" {
                current.method = "GET"
                current.body = nil
            }
        }
    }

    private func sendOnce(_ request: HTTPRequest) async -> HTTPResult {
        await run(request, times: 1)[0]
    }

    /// Sends the same request `times` times, one after another over a kept-alive connection, without a
    /// hop back to the caller between them, so that latency samples are as close together as curl's own
    /// loop over its URLs. Redirects are not followed here (use `send(_:)`); a cancelled run ends early,
    /// with a cancelled result last.
    public func send(_ request: HTTPRequest, times: Int) async -> [HTTPResult] {
        guard times > 1, request.maxRedirects == 0 else {
            var out: [HTTPResult] = []
            for _ in 0..<max(1, times) { out.append(await send(request)) }
            return out
        }
        if case .failure(let e) = URLParts.parse(request.url) { return [.failure(e)] }
        return await run(request, times: times)
    }

    private func run(_ request: HTTPRequest, times: Int) async -> [HTTPResult] {
        // A line break in a header (a captured value, a token variable) would end it and start another
        // that nobody wrote: refused here, for every request gate sends.
        if let h = request.headers.first(where: { Self.breaksHeader($0.name) || Self.breaksHeader($0.value) }) {
            // The name is shown when it is sound; the value never is (it may be a token).
            let which = Self.breaksHeader(h.name) ? "a header name" : "the header '\(h.name)'"
            return [.failure(HTTPError(.badRequest, "\(which) holds a line break or a NUL byte, which would smuggle in "
                + "another header; fix the value that fills it"))]
        }
        let box = Locked<CurlTransfer?>(nil)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<[HTTPResult], Never>) in
                let t = CurlTransfer(request, repeats: times) { c.resume(returning: $0) }
                box.withLock { $0 = t }
                if Task.isCancelled { t.cancelled.store(true, ordering: .releasing) }
                loop.submit(t)
            }
        } onCancel: {
            box.withLock { $0?.cancelled.store(true, ordering: .releasing) }
            loop.wake()
        }
    }

    static func breaksHeader(_ s: String) -> Bool {
        s.utf8.contains { $0 == 0x0D || $0 == 0x0A || $0 == 0x00 }
    }

    /// Sends requests with at most `concurrency` in flight; results in request order. `progress` gets the
    /// number done after each.
    public func send(_ requests: [HTTPRequest], concurrency: Int,
                     progress: @escaping @Sendable (Int) -> Void = { _ in }) async -> [HTTPResult] {
        guard !requests.isEmpty else { return [] }
        let state = Locked((next: 0, done: 0, results: [HTTPResult?](repeating: nil, count: requests.count)))
        await withTaskGroup(of: Void.self) { group in
            for _ in 0..<max(1, min(concurrency, requests.count)) {
                group.addTask {
                    while !Task.isCancelled {
                        let i: Int? = state.withLock { s in
                            guard s.next < requests.count else { return nil }
                            defer { s.next += 1 }
                            return s.next
                        }
                        guard let i else { return }
                        let r = await self.send(requests[i])
                        let done = state.withLock { s in
                            s.results[i] = r
                            s.done += 1
                            return s.done
                        }
                        progress(done)
                    }
                }
            }
        }
        return state.withLock { s in
            s.results.map { $0 ?? .failure(HTTPError(.cancelled, "cancelled")) }
        }
    }
}
