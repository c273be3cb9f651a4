import Foundation
import GateCore
import GateHTTP

/// One run of a health check: start the service, wait for it, run each part, stop the service.
struct HealthRun {
    let plan: HealthPlan
    let context: CheckContext
    private var stats: [String: JSONValue] = [:]
    private var summary: [String] = []

    init(plan: HealthPlan, context: CheckContext) {
        self.plan = plan
        self.context = context
    }

    mutating func run() async throws -> CheckOutcome {
        var tokens: [String: String] = [:]
        for v in HealthVerifier(plan: plan).requiredEnvironment {
            // Normally caught before the run starts (exit 2); a direct caller of the verifier lands here.
            guard let t = context.environment[v.name], !t.isEmpty else {
                throw VerifierError("the environment variable '\(v.name)' (its 'token-env') is not set or is empty")
            }
            tokens[v.name] = t
        }
        let client = HTTPClient(maxConnectionsPerHost: 8)
        defer { client.shutdown() }
        let session = ProbeSession(client: client, context: context, defaults: plan.defaults, tokens: tokens)
        var judge = ProbeJudge(session: session)
        var values = ["uuid": UUID().uuidString.lowercased()]

        var service: ServiceRun?
        if let s = plan.service {
            context.progress("starting the service")
            let credentials = Array(tokens.values)
            let (started, port) = try await ServiceRun.start(s, context: context, secrets: { credentials })
            service = started
            if let port { values["port"] = port }
        }
        do {
            try await runParts(session: session, judge: &judge, values: values)
        } catch {
            await service?.stop()
            throw error
        }
        if let service {
            let output = await service.stop()
            if service.exited, !output.isEmpty { stats["serviceOutput"] = .string(session.shown(output, limit: 600)) }
        }
        var findings = judge.findings
        findings.sort(by: Finding.reportOrder)
        let errors = findings.filter { $0.severity == .error }.count
        let warnings = findings.count - errors
        var line = summary.joined(separator: "; ")
        if errors + warnings > 0 {
            line += line.isEmpty ? "" : "; "
            line += [errors > 0 ? "\(errors) \(errors == 1 ? "problem" : "problems")" : nil,
                     warnings > 0 ? "\(warnings) \(warnings == 1 ? "warning" : "warnings")" : nil].compactMap { $0 }.joined(separator: ", ")
        }
        return CheckOutcome(findings: findings, summary: line, stats: stats, rules: HealthVerifier(plan: plan).evaluatedRules)
    }

    private mutating func runParts(session: ProbeSession, judge: inout ProbeJudge, values: [String: String]) async throws {
        if let w = plan.wait {
            let r = try await Readiness.wait(w, fallback: plan.probes.first ?? plan.flow.first, values: values, session: session)
            stats["ready"] = .object(["ready": .bool(r.ready), "ms": .int(r.ms), "attempts": .int(r.attempts)])
            guard r.ready else {
                judge.add("not-ready", "not ready after \(DurationParsing.format(w.timeout)) (\(r.attempts) attempts): \(r.last)",
                          identity: "not-ready", help: "Start the service before the check, or raise 'wait.timeout'.")
                summary.append("not ready after \(DurationParsing.format(w.timeout))")
                return
            }
            summary.append("ready in \(DurationParsing.format(.milliseconds(r.ms)))")
        }
        if !plan.probes.isEmpty {
            var requests: [String: JSONValue] = [:]
            var ok = 0
            for (i, p) in plan.probes.enumerated() {
                let before = judge.findings.count
                try context.checkCancellation()
                context.progress("probing \(p.name)")
                let a = await session.send(p, values: values)
                try context.checkCancellation()
                let json = judge.judge(p, a)
                var s: [String: JSONValue] = ["request": .string(session.shown(a.request)), "ms": .double(LatencyRun.round1(a.totalMs))]
                if let status = a.status { s["status"] = .int(status) }
                if let code = a.exitCode { s["exitCode"] = .int(Int(code)) }
                if let f = a.failure { s["failure"] = .string(f.kind.rawValue) }
                if let l = p.latency, a.answered || !l.bands.isEmpty {
                    s["latency"] = try await LatencyRun.run(p, spec: l, first: a, values: values, session: session, judge: &judge)
                }
                if i == 0, plan.hasTopLevelProbe, let c = plan.compat {
                    stats["compat"] = try CompatRun.run(c, json: json, answered: a.answered, judge: &judge, context: context)
                }
                requests[p.name] = .object(s)
                if judge.findings.count == before { ok += 1 }
            }
            stats["requests"] = .object(requests)
            summary.append("\(ok) of \(plan.probes.count) \(plan.probes.count == 1 ? "probe" : "probes") as expected")
        }
        if !plan.flow.isEmpty {
            try context.checkCancellation()
            context.progress("running the flow")
            let f = try await FlowRun.run(plan.flow, values: values, session: session, judge: &judge)
            stats["flow"] = f
            if case .object(let o) = f, case .int(let done)? = o["completed"] {
                summary.append("flow: \(done) of \(plan.flow.count) steps")
            }
        }
        if let m = plan.metrics {
            try context.checkCancellation()
            context.progress("scraping metrics")
            let (s, line) = await MetricsRun.run(m, values: values, session: session, judge: &judge)
            stats["metrics"] = s
            summary.append(line)
        }
        if let t = plan.tls, let url = plan.tlsURL {
            try context.checkCancellation()
            context.progress("inspecting the TLS certificate")
            let (s, line) = try await TLSRun.run(t, url: session.resolve(url, values: values), session: session, judge: &judge)
            stats["tls"] = s
            summary.append(line)
        }
        if let o = plan.openapi {
            try context.checkCancellation()
            let (s, line) = try await OpenAPISweep.run(o, values: values, session: session, judge: &judge)
            stats["openapi"] = s
            summary.append(line)
        }
    }
}

extension HealthVerifier {
    init(plan: HealthPlan) { self.plan = plan }
}
