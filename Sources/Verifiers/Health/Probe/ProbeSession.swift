import Foundation
import GateCore
import GateOpenAPI
import GateHTTP

/// Everything probes of one check share while it runs: the HTTP client, the tokens read from the
/// environment, and how to show values without leaking them.
struct ProbeSession: Sendable {
    let client: HTTPClient
    let context: CheckContext
    let defaults: ProbeDefaults
    /// token-env name to its value.
    let tokens: [String: String]

    /// Sends one probe with placeholders filled from `values`.
    func send(_ p: ProbeSpec, values: [String: String]) async -> ProbeAnswer {
        switch p.target {
        case .url(let t):
            let request = httpRequest(p, t, values: values)
            return answer(await client.send(request), request)
        case .tcp(let t):
            let target = t.render(values)
            var answer = ProbeAnswer(request: "connect to \(target)")
            var host = target, port = ""
            if let colon = target.lastIndex(of: ":") {
                host = String(target[..<colon])
                port = String(target[target.index(after: colon)...])
            }
            if host.contains(":") && !host.hasPrefix("[") { host = "[\(host)]" }
            let request = HTTPRequest(url: "http://\(host):\(port)", timeout: p.timeout, connectOnly: true)
            switch await client.send(request) {
            case .success(let r): answer.timings = r.timings
            case .failure(let e):
                answer.failure = e
                answer.timings = e.timings
            }
            return answer
        case .run(let command):
            return await runCommand(command, timeout: p.timeout)
        }
    }

    /// Sends an http(s) probe `times` times back to back over a kept-alive connection (latency samples);
    /// other targets one after another.
    func send(_ p: ProbeSpec, values: [String: String], times: Int) async -> [ProbeAnswer] {
        guard case .url(let t) = p.target else {
            var out: [ProbeAnswer] = []
            for _ in 0..<times { out.append(await send(p, values: values)) }
            return out
        }
        let request = httpRequest(p, t, values: values)
        return await client.send(request, times: times).map { answer($0, request) }
    }

    private func httpRequest(_ p: ProbeSpec, _ t: Template, values: [String: String]) -> HTTPRequest {
        var headers = p.headers.map { HTTPHeader($0.name, $0.value.render(values)) }
        if let auth = p.auth, let token = tokens[auth.tokenEnv] { headers.append(HTTPHeader(auth.header, auth.value(token))) }
        return HTTPRequest(
            method: p.method, url: resolve(t, values: values), headers: headers,
            body: p.body.map { Array($0.render(values).utf8) }, timeout: p.timeout, connectTimeout: defaults.connectTimeout,
            limits: HTTPLimits(keepBodyBytes: min(defaults.maxBody, 16 << 20), maxBodyBytes: defaults.maxBody),
            tls: defaults.tls, version: defaults.version, maxRedirects: defaults.followRedirects,
            redirectHosts: Set(defaults.allowHosts), proxyEnvironment: context.environment)
    }

    private func answer(_ result: HTTPResult, _ request: HTTPRequest) -> ProbeAnswer {
        var answer = ProbeAnswer(request: "\(request.method) \(request.url)")
        switch result {
        case .success(let r):
            answer.status = r.status
            answer.headers = r.headers
            answer.body = r.body
            answer.bodyBytes = r.bodyBytes
            answer.timings = r.timings
            answer.refusedRedirect = r.refusedRedirect
        case .failure(let e):
            answer.failure = e
            answer.timings = e.timings
        }
        return answer
    }

    /// A URL template made absolute against `base-url`.
    func resolve(_ t: Template, values: [String: String]) -> String {
        if let followed = follow(t, values: values), case .success(let url) = followed { return url }
        // Otherwise captured values go in as one encoded piece each, so `../x` or a space cannot change the URL's shape.
        let text = t.render(values, encode: true)
        if text.hasPrefix("/"), let base = defaults.baseURL { return base.render(values, encode: true) + text }
        return text
    }

    /// A URL that is one placeholder and nothing else (`url: '{where}'` after `capture: {where:
    /// header:Location}`) follows what was captured, as a browser follows a Location (RFC 3986 5.2) but only
    /// on the service's own origin: an absolute path replaces `base-url`'s path, a URL on the same origin is
    /// taken as it is. Nil for any other template; a failure says why a value cannot be followed.
    func follow(_ t: Template, values: [String: String]) -> Result<String, VerifierError>? {
        guard t.names.count == 1, t.description == "{\(t.names[0])}", let v = values[t.names[0]] else { return nil }
        let base = defaults.baseURL.map { $0.render(values, encode: true) } ?? ""
        var origin = ""
        if let scheme = base.range(of: "://") {
            let rest = base[scheme.upperBound...]
            origin = String(base[..<scheme.upperBound]) + String(rest.prefix { $0 != "/" })
        }
        let shownValue = v.count > 120 ? String(v.prefix(120)) + "…" : v
        guard !v.contains(where: { $0.isWhitespace || $0.isNewline || $0 == "#" }) else {
            return .failure(VerifierError("'{\(t.names[0])}' is '\(shownValue)', which holds a space or a fragment: not a URL to follow"))
        }
        if v.hasPrefix("/") && !v.hasPrefix("//") && !origin.isEmpty { return .success(origin + v) }
        if !origin.isEmpty, v.lowercased() == origin.lowercased() || v.lowercased().hasPrefix(origin.lowercased() + "/") {
            return .success(v)
        }
        return .failure(VerifierError("'{\(t.names[0])}' is '\(shownValue)', neither an absolute path ('/jobs/7') nor a URL on "
            + "\(origin.isEmpty ? "the service's origin (give 'base-url')" : origin); a flow follows only the service's own URLs"))
    }

    private func runCommand(_ command: ProcessSpec.Command, timeout: Duration) async -> ProbeAnswer {
        var answer = ProbeAnswer(request: "run \(command)")
        let spec = ProcessSpec(command, environment: context.environment, cwd: context.cwd, captureLimit: defaults.maxBody,
                               timeout: timeout, killGrace: .seconds(2))
        let start = ContinuousClock.now
        do {
            let r = try await ProcessRunner.run(spec)
            answer.body = r.stdout.bytes
            answer.bodyBytes = r.stdout.totalBytes
            answer.stderr = String(r.stderr.text.suffix(400))
            answer.timings.total = Int((ContinuousClock.now - start).milliseconds * 1000)
            if r.timedOut {
                answer.failure = HTTPError(.timeout, "timed out after \(DurationParsing.format(timeout))", elapsed: answer.timings.total)
            } else if case .signaled(let s) = r.termination {
                answer.failure = HTTPError(.closed, "killed by \(SignalNames.name(s))")
            } else {
                answer.exitCode = r.exitCode
            }
        } catch is CancellationError {
            answer.failure = HTTPError(.cancelled, "cancelled")
        } catch {
            answer.failure = HTTPError(.other, "could not start: \(error)")
        }
        return answer
    }

    /// A value safe to show: tokens become `[redacted:ENV]`, then the run's redactor scrubs known shapes;
    /// control characters become spaces and the text is cut at `limit` characters.
    func shown(_ text: String, limit: Int = 200) -> String {
        var t = text
        for (env, token) in tokens where token.count >= 4 {
            t = t.replacingOccurrences(of: token, with: "[redacted:\(env)]")
            // A token cut short where a kept body ends.
            for k in stride(from: token.count - 1, through: 6, by: -1) where t.hasSuffix(token.prefix(k)) {
                t = String(t.dropLast(k)) + "[redacted:\(env)]"
                break
            }
        }
        t = context.redactor.redact(t)
        t = String(t.map { $0.isNewline || ($0.asciiValue.map { $0 < 32 } ?? false) ? " " : $0 })
        return t.count > limit ? String(t.prefix(limit)) + "…" : t
    }
}
