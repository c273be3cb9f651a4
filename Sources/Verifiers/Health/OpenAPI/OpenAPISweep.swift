import Foundation
import GateCore
import GateOpenAPI
import GateHTTP

/// The "no hard 500s" sweep over an OpenAPI document. For each operation it sends one request with
/// valid values, then varies one path or query parameter at a time through malformed and boundary
/// values (and leaves out required query parameters); mutating operations also get an invalid JSON body.
/// Any 5xx is `health/server-error`, one finding per operation, parameter and kind of value, carrying the
/// first request that caused it and pointing at the operation's line in the document.
enum OpenAPISweep {
    struct Planned: Sendable {
        var op: Int
        var parameter: String
        var kind: String
        var shown: String
        var request: HTTPRequest
    }

    static func run(_ o: OpenAPISpec, values: [String: String], session: ProbeSession,
                    judge: inout ProbeJudge) async throws -> (JSONValue, String) {
        let doc = try OpenAPIDocument.load(path: o.path, display: o.display)
        let ops = doc.operations.filter { $0.method == "GET" || o.allowMutations }
        let base = o.base.render(values, encode: true)
        var planned: [Planned] = []
        for (i, op) in ops.enumerated() { planned += plan(op, index: i, base: base, spec: o, session: session) }
        let total = planned.count
        session.context.progress("OpenAPI sweep: \(total) requests over \(ops.count) operations")
        let results = await session.client.send(planned.map(\.request), concurrency: 4) { done in
            if done % 200 == 0 { session.context.progress("OpenAPI sweep: \(done) / \(total) requests") }
        }
        try session.context.checkCancellation()
        var classes: [String: Int] = [:]
        var unanswered = 0
        var crashes: [String: (Planned, Int, Int)] = [:]  // key → (first request, status, count)
        for (p, r) in zip(planned, results) {
            switch r {
            case .success(let response):
                classes["\(response.status / 100)xx", default: 0] += 1
                guard response.status >= 500 else { continue }
                let key = "\(p.op)|\(p.parameter)|\(p.kind)"
                if let existing = crashes[key] { crashes[key] = (existing.0, existing.1, existing.2 + 1) } else {
                    crashes[key] = (p, response.status, 1)
                }
            case .failure(let e):
                if e.kind == .cancelled { throw CancellationError() }
                unanswered += 1
            }
        }
        for key in crashes.keys.sorted() {
            let (p, status, count) = crashes[key]!
            let op = ops[p.op]
            let what = p.parameter.isEmpty ? "valid values" : "\(p.parameter) = \(p.shown) (\(p.kind))"
            judge.findings.append(Finding(
                rule: "health/server-error", severity: .error,
                message: "\(op.label) answered \(status) to \(what): \(p.request.method) \(session.shown(p.request.url, limit: 300))"
                    + (count > 1 ? " (\(count) such requests)" : ""),
                path: o.display, line: op.line, identity: "openapi|\(op.label)|\(p.parameter)|\(p.kind)",
                evidence: ["request": "\(p.request.method) \(session.shown(p.request.url, limit: 300))", "status": String(status),
                           "operation": op.id ?? op.label],
                help: "Validate the parameter and answer 4xx; a 5xx means the input reached code that did not expect it."))
        }
        if unanswered == planned.count && !planned.isEmpty {
            judge.add("unreachable", "OpenAPI sweep: none of \(planned.count) requests got an answer from \(session.shown(base))",
                      identity: "openapi|unreachable")
        }
        let stats: JSONValue = .object([
            "document": .string(o.display), "operations": .int(ops.count), "skippedOperations": .int(doc.operations.count - ops.count),
            "requests": .int(planned.count), "unanswered": .int(unanswered), "serverErrors": .int(crashes.count),
            "statusClasses": .object(classes.mapValues { .int($0) }),
        ])
        return (stats, "OpenAPI: \(ops.count) operations, \(planned.count) requests, \(crashes.count) 5xx "
                + (crashes.count == 1 ? "finding" : "findings"))
    }

    static func plan(_ op: OpenAPIDocument.Operation, index: Int, base: String, spec o: OpenAPISpec,
                     session: ProbeSession) -> [Planned] {
        let params = op.parameters.filter { $0.location == "path" || $0.location == "query" }
        let valid = Dictionary(params.map { ($0.name + "|" + $0.location, ValueGenerator.valid($0.schema)) }, uniquingKeysWith: { a, _ in a })
        let body = op.bodySchema.map { Array(ValueGenerator.body($0).compactText.utf8) } ?? (op.method == "GET" ? nil : Array("{}".utf8))
        func make(_ overrides: [String: String?], body: [UInt8]?) -> HTTPRequest {
            var path = op.path
            var query: [String] = []
            for p in params {
                let key = p.name + "|" + p.location
                let v: String? = overrides.keys.contains(key) ? overrides[key]! : valid[key]
                if p.location == "path" {
                    path = path.replacingOccurrences(of: "{\(p.name)}", with: Template.percentEncode(v ?? ""))
                } else if let v, p.required || overrides.keys.contains(key) {
                    query.append(Template.percentEncode(p.name) + "=" + Template.percentEncode(v))
                }
            }
            var headers = [HTTPHeader("Accept", "application/json")]
            if body != nil { headers.append(HTTPHeader("Content-Type", "application/json")) }
            if let auth = o.auth, let token = session.tokens[auth.tokenEnv] { headers.append(HTTPHeader(auth.header, auth.value(token))) }
            let d = session.defaults
            return HTTPRequest(method: op.method, url: base + path + (query.isEmpty ? "" : "?" + query.joined(separator: "&")),
                               headers: headers, body: body, timeout: d.timeout, connectTimeout: d.connectTimeout,
                               limits: HTTPLimits(keepBodyBytes: 4096, maxBodyBytes: d.maxBody), tls: d.tls, version: d.version,
                               proxyEnvironment: session.context.environment)
        }
        var out = [Planned(op: index, parameter: "", kind: "valid", shown: "", request: make([:], body: body))]
        for p in params {
            let key = p.name + "|" + p.location
            for c in ValueGenerator.cases(p.schema, required: p.required, inPath: p.location == "path") where c.kind != "valid" {
                let shown = c.value.map { "'\($0.count > 40 ? String($0.prefix(40)) + "…" : $0)'" } ?? "(left out)"
                out.append(Planned(op: index, parameter: p.name, kind: c.kind, shown: shown, request: make([key: c.value], body: body)))
            }
        }
        if op.method != "GET" && op.method != "HEAD" && op.method != "DELETE" {
            out.append(Planned(op: index, parameter: "body", kind: "malformed", shown: "'{'", request: make([:], body: Array("{".utf8))))
        }
        return out
    }
}
