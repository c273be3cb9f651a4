import Foundation
import GateCore
import GateOpenAPI
import GateHTTP

/// Turns an answer into findings, one per failed expectation, each naming the request, where it failed,
/// what was expected and what came (values redacted when they look like secrets).
struct ProbeJudge {
    let session: ProbeSession
    var findings: [Finding] = []

    init(session: ProbeSession) { self.session = session }

    mutating func add(_ rule: String, _ message: String, identity: String, evidence: [String: String] = [:],
                      help: String? = nil) {
        add(rule, .error, message, identity: identity, evidence: evidence, help: help)
    }

    mutating func add(_ rule: String, _ severity: Severity, _ message: String, identity: String,
                      evidence: [String: String] = [:], help: String? = nil) {
        findings.append(Finding(rule: "health/" + rule, severity: severity, message: message, identity: identity,
                                evidence: evidence, help: help))
    }

    /// Judges an answer against every expectation of `p`. Returns the JSON body when one was parsed.
    @discardableResult
    mutating func judge(_ p: ProbeSpec, _ a: ProbeAnswer) -> JSONValue? {
        let name = p.name
        if let f = a.failure {
            if f.kind == .cancelled { return nil }  // the run is ending; the caller stops
            if f.kind == .tooLarge {
                add("size", "\(name): \(f.message); the answer was cut off", identity: "\(name)|too-large",
                    help: "Raise 'max-body' if the answer is meant to be this large.")
            } else {
                add("unreachable", "\(name): no answer: \(session.shown(f.message))", identity: "\(name)|unreachable",
                    evidence: ["request": session.shown(a.request), "failure": f.kind.rawValue],
                    help: "Start the service, check the address and port, or raise 'timeout'.")
            }
            return nil
        }
        if let away = a.refusedRedirect {
            add("redirect", "\(name): redirected to \(session.shown(away)), a host this check may not contact; not followed",
                identity: "\(name)|redirect", help: "Probe the final address directly, or list the host in 'allow-hosts'.")
        }
        if let status = a.status, let want = p.expect.status, !want.matches(status) {
            add("status", "\(name): answered \(status), expected \(want)" + preview(a), identity: "\(name)|status",
                evidence: ["expected": want.description, "actual": String(status)])
        }
        if let want = p.expect.exitCode, let code = a.exitCode, Int(code) != want {
            let err = a.stderr.isEmpty ? "" : ": \(session.shown(a.stderr))"
            add("command", "\(name): exited with \(code), expected \(want)\(err)", identity: "\(name)|exit",
                evidence: ["expected": String(want), "actual": String(code)])
        }
        for h in p.expect.headers {
            let values = a.header(h.name)
            if h.absent {
                if let v = values.first { add("header", "\(name): header '\(h.name)' is present ('\(session.shown(v))'), expected absent", identity: "\(name)|header|\(h.name)") }
            } else if values.isEmpty {
                add("header", "\(name): header '\(h.name)' is missing", identity: "\(name)|header|\(h.name)")
            } else if let exact = h.exact, !values.contains(exact) {
                add("header", "\(name): header '\(h.name)' is '\(session.shown(values[0]))', expected '\(exact)'", identity: "\(name)|header|\(h.name)")
            } else if let re = h.regex, !values.contains(where: re.matches) {
                add("header", "\(name): header '\(h.name)' is '\(session.shown(values[0]))', which does not match /\(re.expression.pattern)/",
                    identity: "\(name)|header|\(h.name)")
            }
        }
        let text = String(decoding: a.body, as: UTF8.self)
        for (pattern, re) in p.expect.bodyPatterns where !re.matches(text) {
            add("body", "\(name): the body does not match /\(pattern)/" + preview(a), identity: "\(name)|body|\(pattern)")
        }
        if let max = p.expect.maxSize, a.bodyBytes > max {
            add("size", "\(name): the body is \(a.bodyBytes) bytes, more than \(Sizes.format(max))", identity: "\(name)|max-size",
                evidence: ["expected": "<= \(max)", "actual": String(a.bodyBytes)])
        }
        guard p.expect.needsJSON else { return a.json }
        guard let json = a.json else {
            add("invalid-json", "\(name): the body is not JSON (\(session.shown(a.jsonError, limit: 120)))" + preview(a),
                identity: "\(name)|invalid-json", help: "Fix the service's output; JSON assertions cannot be judged until it parses.")
            return nil
        }
        judgeJSON(p, json)
        return json
    }

    mutating func judgeJSON(_ p: ProbeSpec, _ json: JSONValue) {
        let name = p.name
        for assertion in p.expect.json {
            guard let miss = assertion.check(json) else { continue }
            add("json", "\(name): \(miss.path) is \(session.shown(miss.actual)), expected \(session.shown(miss.expected))",
                identity: "\(name)|json|\(assertion.description)",
                evidence: ["path": miss.path, "expected": session.shown(miss.expected), "actual": session.shown(miss.actual)])
        }
        for band in p.expect.bands {
            let found = band.path.evaluate(json)
            if found.isEmpty {
                add("json", "\(name): nothing at \(band.text) to judge against its bands", identity: "\(name)|band|\(band.text)")
            }
            for (path, v) in found {
                guard let x = v.number else {
                    add("json", "\(name): \(path) is \(session.shown(v.compactText)), not a number", identity: "\(name)|band|\(path)")
                    continue
                }
                if let c = band.critical, x >= c {
                    add("critical", "\(name): \(path) is \(v.compactText), at or past critical (\(Self.number(c)))",
                        identity: "\(name)|band|\(path)", evidence: ["value": v.compactText, "critical": Self.number(c)])
                } else if let d = band.degraded, x >= d {
                    add("degraded", .warning, "\(name): \(path) is \(v.compactText), at or past degraded (\(Self.number(d)))",
                        identity: "\(name)|band|\(path)", evidence: ["value": v.compactText, "degraded": Self.number(d)])
                }
            }
        }
        if let schema = p.expect.schema {
            let problems = schema.violations(json)
            if !problems.isEmpty {
                let listed = problems.prefix(3).map { "\($0.path) \(session.shown($0.problem, limit: 120))" }.joined(separator: "; ")
                let more = problems.count > 3 ? " (and \(problems.count - 3) more)" : ""
                add("schema", "\(name): the body does not match its schema: \(listed)\(more)", identity: "\(name)|schema")
            }
        }
        if let rule = p.expect.version {
            let found = rule.path.evaluate(json)
            if case .string(let text)? = found.first?.value {
                if let v = SemVer(text) {
                    if !rule.range.contains(v) {
                        add("version", "\(name): version \(v) is outside '\(rule.range)'", identity: "\(name)|version",
                            evidence: ["expected": rule.range.description, "actual": v.description])
                    }
                } else {
                    add("version", "\(name): \(rule.path) is '\(session.shown(text))', not a semantic version", identity: "\(name)|version")
                }
            } else {
                add("version", "\(name): no version string at \(rule.path)", identity: "\(name)|version")
            }
        }
    }

    private func preview(_ a: ProbeAnswer) -> String {
        guard !a.body.isEmpty else { return "" }
        return " (body: '\(session.shown(String(decoding: a.body.prefix(400), as: UTF8.self), limit: 120))')"
    }

    static func number(_ x: Double) -> String {
        x == x.rounded() && abs(x) < 1e15 ? String(Int(x)) : String(x)
    }
}
