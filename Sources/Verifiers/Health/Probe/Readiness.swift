import GateCore
import GateHTTP

/// `wait:` first the port accepts a connection, then the startup probe passes once; retried every
/// `interval` until `timeout`. The result is how long it took and how many attempts it needed.
enum Readiness {
    struct Outcome: Sendable {
        var ready: Bool
        var ms: Int
        var attempts: Int
        var last: String
    }

    static func wait(_ w: WaitSpec, fallback: ProbeSpec?, values: [String: String], session: ProbeSession) async throws -> Outcome {
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + w.timeout
        guard let probe = w.probe ?? fallback else { return Outcome(ready: true, ms: 0, attempts: 0, last: "") }
        var attempts = 0
        var last = ""
        // The port first: a refused connection is cheap to retry and says the process is not listening yet.
        var portReady = true
        var connect: HTTPRequest?
        if case .url(let t) = probe.target, case .success(let u) = URLParts.parse(session.resolve(t, values: values)) {
            let host = u.host.contains(":") ? "[\(u.host)]" : u.host
            connect = HTTPRequest(url: "http://\(host):\(u.port)", timeout: min(w.interval, .seconds(5)), connectOnly: true)
            portReady = false
        }
        while true {
            try session.context.checkCancellation()
            attempts += 1
            if !portReady, let connect {
                switch await session.client.send(connect) {
                case .success: portReady = true
                case .failure(let e): last = "the port is not open: \(e.message)"
                }
            }
            if portReady {
                let a = await session.send(probe, values: values)
                if let f = a.failure {
                    last = "\(probe.name): \(session.shown(f.message))"
                } else if let want = probe.expect.status, let s = a.status, !want.matches(s) {
                    last = "\(probe.name): answered \(s), expected \(want)"
                } else if let want = probe.expect.exitCode, let c = a.exitCode, Int(c) != want {
                    last = "\(probe.name): exited with \(c), expected \(want)"
                } else {
                    return Outcome(ready: true, ms: (clock.now - start).milliseconds, attempts: attempts, last: "")
                }
            }
            session.context.progress("waiting for readiness: attempt \(attempts), \(last)")
            let next = clock.now + w.interval
            guard next < deadline else {
                return Outcome(ready: false, ms: (clock.now - start).milliseconds, attempts: attempts, last: last)
            }
            try await Task.sleep(until: next, clock: clock)
        }
    }
}
