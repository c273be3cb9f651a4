import Foundation
import GateCore
import GateHTTP

/// Runs the HTTP mode: reads the tenants' tokens, fetches ids from list endpoints, sends the matrix of
/// probes, and turns the answers into matrix cells and findings (see `HTTPAudit+Findings.swift`).
struct HTTPAudit {
    let options: HTTPOptions
    let context: CheckContext
    let maxIDs: Int

    var findings: [Finding] = []
    /// Finding fingerprint to resource pattern: JUnit gets one testcase per resource.
    var testcaseOf: [String: String] = [:]
    var probesSent = 0
    var probesFailed = 0
    /// ids[r][t]: tenant t's object ids for resource r.
    var ids: [[[String]]] = []
    /// Resource pattern to the methods it answered 405 or 501 to (dropped from its judgement).
    var unsupported: [String: [String]] = [:]

    private var tokens: [String] = []

    init(options: HTTPOptions, context: CheckContext, maxIDs: Int) {
        self.options = options
        self.context = context
        self.maxIDs = maxIDs
    }

    /// Returns the answered probes of the matrix phase, for the matrix.
    mutating func run() async throws -> [Answered] {
        for t in options.tenants {
            guard let token = context.environment[t.tokenEnv], !token.isEmpty else {
                throw VerifierError("tenant '\(t.name)': the environment variable '\(t.tokenEnv)' (its 'token-env') is not "
                    + "set or is empty; export it before running gate, or set it in the suite's or the check's 'env'")
            }
            tokens.append(token)
        }
        let b = options.base
        // One connection before the probes, so that a service that is not up is an error, not a matrix of failures.
        let probe = HTTPClient()
        let reach = await probe.send(HTTPRequest(url: b.origin, timeout: options.timeout, tls: options.tls, connectOnly: true))
        probe.shutdown()
        try context.checkCancellation()
        if case .failure(let e) = reach {
            throw VerifierError("cannot reach 'base-url' \(b.origin)\(b.prefix): \(e.message); start the service first, or fix 'base-url'")
        }

        ids = options.resources.map { r in options.tenants.map { Array((r.ids[$0.name] ?? []).prefix(maxIDs)) } }
        let lists = ProbePlan.lists(options)
        if !lists.isEmpty {
            context.progress("fetching ids from \(lists.count / 2) list endpoints")
            let answers = await send(lists.map(\.request))
            try context.checkCancellation()
            try readLists(zip(lists, answers).map { ($0, $1) })
        }
        let plan = ProbePlan.probes(options, ids: ids)
        let hasCells = plan.contains { if case .cross = $0.kind { true } else { false } }
        guard hasCells else {
            if !findings.isEmpty { return [] }  // the lists failed; their findings say why
            throw VerifierError("no tenant has an object to probe: every resource's ids are empty; give 'ids', or make "
                + "sure each tenant owns at least one object that its 'ids-from' list returns")
        }
        context.progress("sending \(plan.count) probes")
        let answers = await send(plan.map(\.request))
        try context.checkCancellation()
        return zip(plan, answers).map { ($0, $1) }
    }

    private mutating func send(_ requests: [ProbeRequest]) async -> [ProbeAnswer] {
        let headerSets: [[(String, String)]] = tokens.map { token in
            [("Accept", "application/json"), ("User-Agent", "gate-tenant-isolation"),
             (options.authHeader, options.authScheme.isEmpty ? token : "\(options.authScheme) \(token)")]
        }
        let anonymous = [("Accept", "application/json"), ("User-Agent", "gate-tenant-isolation")]
        let context = self.context
        let answers = await ProbePool.run(
            requests, base: options.base, tls: options.tls, headers: { t in t.map { headerSets[$0] } ?? anonymous },
            concurrency: options.concurrency, timeout: options.timeout, environment: context.environment,
            progress: { done, total in context.progress("probes \(done) / \(total)") })
        probesSent += requests.count
        probesFailed += answers.filter { $0.status == nil }.count
        return answers
    }

    /// Judges the list answers like any probe, and takes ids from each tenant's own list.
    private mutating func readLists(_ answered: [Answered]) throws {
        for r in options.resources.indices {
            let mine = answered.filter { $0.probe.resource == r }
            let failures = mine.filter { $0.answer.status == nil }
            if !failures.isEmpty { failed(r, failures, phase: "list") }
            for (_, group) in Dictionary(grouping: mine.filter { Self.crashed($0.answer) }, by: { kindKey($0.probe.kind) })
                .sorted(by: { $0.key < $1.key }) {
                serverError(group)
            }
            judgeAnonymous(mine.filter { $0.probe.kind == .list(anonymous: true) })
            for (p, a) in mine where p.kind == .list(anonymous: false) {
                guard let status = a.status, status < 500 else { continue }
                guard (200...299).contains(status) else {
                    ownerDenied(r, p.owner, [(p, a)], what: "list its own objects")
                    continue
                }
                let res = options.resources[r]
                guard let json = try? JSONDecoder().decode(JSONValue.self, from: Data(a.body)) else {
                    throw VerifierError("\(p.display) (as tenant '\(options.tenants[p.owner].name)') did not answer JSON "
                        + "(\(a.body.count) bytes: '\(preview(a.body, limit: 60))'); fix 'ids-from' for '\(res.path)'")
                }
                var seen = Set<String>()
                let found = res.idsFrom!.selector.select(json).filter { seen.insert($0).inserted }
                ids[r][p.owner] = Array(found.prefix(maxIDs))
            }
        }
    }

    /// A body as one line of text: control characters become spaces, credentials are redacted (also a
    /// token cut short where the captured body ends).
    func preview(_ body: [UInt8], limit: Int = 160) -> String {
        var text = String(decoding: body, as: UTF8.self)
        for (i, token) in tokens.enumerated() {
            let mark = "[redacted:\(options.tenants[i].tokenEnv)]"
            if text.contains(token) { text = text.replacingOccurrences(of: token, with: mark) }
            for k in stride(from: token.count - 1, through: 4, by: -1) where text.hasSuffix(token.prefix(k)) {
                text = String(text.dropLast(k)) + mark
                break
            }
        }
        text = String(text.map { $0.isNewline || $0.asciiValue.map { $0 < 32 } == true ? " " : $0 })
        text = context.redactor.redact(text)
        return text.count > limit ? String(text.prefix(limit)) + "…" : text
    }
}
