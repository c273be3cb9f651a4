import Foundation
import GateCore
import GateHTTP

/// Checks a live service the way deploy runbooks do, without the shell: wait for the port and a startup
/// probe, then HTTP(S) status, header, body, JSON, schema and size assertions, k6-style latency bands,
/// smoke flows with captures and idempotency, Prometheus metrics, the TLS certificate, version ranges and
/// an ABI lock, and an OpenAPI "no hard 500s" sweep.
///
/// A failed expectation is a finding (`health/<kind>`), one per expectation, naming the request, the path,
/// the expected and the actual value; a service that does not answer is `health/unreachable`, not an error
/// of the check. The check errors only when it cannot run (a service that will not start, an unreadable
/// lock or OpenAPI document). Parameters: a target (`url`, `tcp` or `run`) with its expectations, or
/// `requests`, `flow`, `metrics`, `tls`, `openapi`; `service` and `wait` prepare; the rest are shared
/// settings (see `gate explain health`). Requests go through the shared libcurl client (GateHTTP).
public struct HealthVerifier: Verifier {
    let plan: HealthPlan

    public init(parameters p: Parameters) throws(ConfigError) {
        plan = try HealthPlan(p)
    }

    public static var stopsPromptlyWhenCancelled: Bool { true }

    /// A live service is not a file: its checks are never cached.
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? { nil }

    public var evaluatedRules: [String] {
        var kinds: Set<String> = []
        let probes = plan.probes + plan.flow + (plan.metrics.map { [$0.probe] } ?? [])
        if !probes.isEmpty || plan.openapi != nil { kinds.formUnion(["unreachable", "size"]) }
        for p in probes {
            if p.expect.status != nil { kinds.formUnion(["status", "redirect"]) }
            if p.expect.exitCode != nil { kinds.insert("command") }
            if !p.expect.headers.isEmpty { kinds.insert("header") }
            if !p.expect.bodyPatterns.isEmpty { kinds.insert("body") }
            if p.expect.needsJSON { kinds.formUnion(["invalid-json", "json"]) }
            if !p.expect.bands.isEmpty || p.latency.map({ !$0.bands.isEmpty }) == true { kinds.formUnion(["degraded", "critical"]) }
            if p.expect.schema != nil { kinds.insert("schema") }
            if p.expect.version != nil { kinds.insert("version") }
        }
        if plan.wait != nil { kinds.insert("not-ready") }
        if !plan.flow.isEmpty { kinds.insert("capture") }
        if plan.flow.contains(where: { !$0.same.isEmpty }) { kinds.insert("not-idempotent") }
        if let m = plan.metrics {
            kinds.insert("metrics-format")
            if m.lint { kinds.insert("metrics-lint") }
            if !m.requirements.isEmpty { kinds.insert("metrics-missing") }
        }
        if plan.tls != nil { kinds.formUnion(["cert-expiry", "cert-expiry-warning", "cert-hostname", "cert-chain", "tls-version"]) }
        if plan.compat != nil { kinds.insert("compat-break") }
        if plan.openapi != nil { kinds.insert("server-error") }
        return Self.descriptor.rules.map(\.id).filter { kinds.contains(String($0.dropFirst("health/".count))) }
    }

    /// Every token-env this check reads: unset or empty is a configuration error (exit 2) before the run.
    public var requiredEnvironment: [RequiredVariable] {
        var seen: Set<String> = []
        var out: [RequiredVariable] = []
        let auths = (plan.probes + plan.flow + (plan.metrics.map { [$0.probe] } ?? [])).compactMap(\.auth)
            + [plan.defaults.auth, plan.openapi?.auth].compactMap { $0 }
        for a in auths where seen.insert(a.tokenEnv).inserted {
            out.append(RequiredVariable(name: a.tokenEnv, key: "token-env", location: a.location))
        }
        return out
    }

    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        var run = HealthRun(plan: plan, context: context)
        return try await run.run()
    }
}
