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

    /// Tenant index to its token (read from `token-env`, or from its login).
    private(set) var tokens: [String] = []
    /// The cookies each tenant's login ended with (empty for a tenant with a ready token).
    private var cookies: [Int: [(name: String, value: String)]] = [:]
    /// Values never shown (tokens and passwords), each with what replaces it.
    private var secrets: [(value: String, label: String)] = []
    /// Tenant index to its password, for tenants that log in.
    private var passwords: [Int: String] = [:]
    /// Tenants whose token has worked at least once (a later 401 means it expired).
    private var worked: Set<Int> = []
    /// Logins made: one per tenant that logs in, plus one per renewal after a 401.
    var logins = 0
    /// Objects created for the purpose (2xx answers to `create`'s first batch and to the creates made for
    /// the mutating probes).
    var created = 0
    /// Of those, the objects made for mutating probes to change or delete.
    var createdForWrites = 0
    /// Objects gate removed at the end (2xx to the owner's DELETE), and those a probe had removed already (404/410).
    var removed = 0, alreadyGone = 0
    /// Resource pattern to what its mutating probes ran against (objects created for them, or the tenants' own).
    var writeTargets: [String: String] = [:]
    /// Resource to tenant to the ids of the objects gate created, for the cleanup.
    private var made: [Int: [Int: [String]]] = [:]

    init(options: HTTPOptions, context: CheckContext, maxIDs: Int) {
        self.options = options
        self.context = context
        self.maxIDs = maxIDs
    }

    /// Returns the answered probes of the matrix phase, for the matrix.
    mutating func run() async throws -> [Answered] {
        for (i, t) in options.tenants.enumerated() {
            if let file = t.tokenFile {
                // Bounded, and never blocking: a FIFO or a device at the path is refused, not read for ever.
                let read = BoundedFile.read(file, limit: 64 << 10)
                guard case .success(let got) = read, !got.truncated, let text = String(data: got.data, encoding: .utf8) else {
                    let why = if case .failure(let e) = read { e.message } else if case .success(let g) = read, g.truncated {
                        "it is larger than 64 KiB" } else { "it is not UTF-8 text" }
                    throw VerifierError("tenant '\(t.name)': cannot read its 'token-file' '\(context.relative(file))': \(why); "
                        + "write the token there before the check runs")
                }
                let token = text.trimmingCharacters(in: .whitespacesAndNewlines)
                guard !token.isEmpty, !token.contains(where: \.isNewline) else {
                    throw VerifierError("tenant '\(t.name)': its 'token-file' '\(context.relative(file))' is empty or holds "
                        + "more than one line; it must hold the token alone")
                }
                try checkToken(token, tenant: t, from: "its 'token-file' '\(context.relative(file))'")
                secrets.append((token, "[redacted:token-file of \(t.name)]"))
                tokens.append(token)
                continue
            }
            let (key, env) = t.tokenEnv.map { ("token-env", $0) } ?? ("password-env", t.passwordEnv!)
            guard let value = context.environment[env], !value.isEmpty else {
                throw VerifierError("tenant '\(t.name)': the environment variable '\(env)' (its '\(key)') is not "
                    + "set or is empty; export it before running gate, or set it in the suite's or the check's 'env'")
            }
            secrets.append((value, "[redacted:\(env)]"))
            if t.tokenEnv != nil {
                try checkToken(value, tenant: t, from: "the variable '\(env)'")
                tokens.append(value)
            } else { passwords[i] = value; tokens.append("") }
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

        if let spec = options.login {
            for t in passwords.keys.sorted() {
                context.progress("logging in as tenant '\(options.tenants[t].name)'")
                try await renew(t, spec)
            }
        }

        ids = options.resources.map { r in options.tenants.map { Array((r.ids[$0.name] ?? []).prefix(maxIDs)) } }
        let lists = ProbePlan.lists(options)
        if !lists.isEmpty {
            context.progress("fetching ids from \(lists.count / 2) list endpoints")
            let answers = try await send(lists.map(\.request))
            try context.checkCancellation()
            try readLists(zip(lists, answers).map { ($0, $1) })
        }
        // Fresh each run, so that runs do not collide on the objects they create.
        let run = String(UInt64.random(in: 0...UInt64.max) & 0xFFFF_FFFF, radix: 16)
        var answered: [Answered] = []
        let forWrites = try await createForWrites(run: run, answered: &answered)
        let plan = ProbePlan.probes(options, ids: ids, made: forWrites, passwords: passwords)
        let hasCells = plan.contains { if case .cross = $0.kind { true } else { false } }
        guard hasCells else {
            if findings.contains(where: { $0.severity == .error }) { return [] }  // the lists failed; their findings say why
            if let overlap = findings.first(where: { $0.rule == "tenant-isolation/ids-overlap" }) {
                // A run that tested nothing must not pass on warnings alone.
                throw VerifierError("no tenant has an object of its own to probe: the tenants' ids overlap (\(overlap.message)); "
                    + "give 'ids-from' an 'owner-field' or a filter such as [?(@.owner == '{tenant}')]")
            }
            throw VerifierError("no tenant has an object to probe: every resource's ids are empty; give 'ids', or make "
                + "sure each tenant owns at least one object that its 'ids-from' list returns")
        }
        context.progress("sending \(plan.count) probes")
        // DELETEs of real objects (nothing could be created) go last, so that they do not void the other probes.
        func last(_ p: PlannedProbe) -> Bool {
            if case .malformed = p.kind { return false }
            return p.request.method == "DELETE" && !p.madeForProbe
        }
        for batch in [plan.filter { !last($0) }, plan.filter(last)] where !batch.isEmpty {
            let answers = try await send(batch.map(\.request))
            try context.checkCancellation()
            answered += zip(batch, answers).map { ($0, $1) }
        }
        // Creates in two batches: the duplicates must follow the objects they duplicate.
        for second in [false, true] {
            let creates = ProbePlan.creates(options, ids: ids, run: run, second: second)
            guard !creates.isEmpty else { break }
            context.progress("sending \(creates.count) create requests")
            let got = try await send(creates.map(\.request))
            try context.checkCancellation()
            if !second {
                for (p, a) in zip(creates, got) where Self.ok(a) { created += 1; made[p.resource, default: [:]][p.owner, default: []].append(p.objectID) }
            }
            answered += zip(creates, got).map { ($0, $1) }
        }
        try await removeMade()
        return answered
    }

    /// Creates the objects the mutating probes will change or delete, as their owners; the objects made per
    /// resource and tenant. A resource whose creates all fail, or that the API cannot create, is probed on
    /// the tenants' own objects, and `writeTargets` says so.
    private mutating func createForWrites(run: String, answered: inout [Answered]) async throws -> [Int: [Int: [String]]] {
        for r in options.resources.indices where !ProbePlan.writes(options, r).isEmpty && options.resources[r].create == nil {
            writeTargets[options.resources[r].path.description] = "the tenants' own objects: the API has no create operation for it"
        }
        let plan = ProbePlan.forProbes(options, run: run)
        guard !plan.isEmpty else { return [:] }
        context.progress("creating \(plan.count) objects for the mutating probes")
        let got = try await send(plan.map(\.request))
        try context.checkCancellation()
        answered += zip(plan, got).map { ($0, $1) }
        var out: [Int: [Int: [String]]] = [:]
        for (p, a) in zip(plan, got) where Self.ok(a) { out[p.resource, default: [:]][p.owner, default: []].append(p.objectID) }
        for r in Set(plan.map(\.resource)).sorted() {
            let path = options.resources[r].path.description
            let asked = plan.filter { $0.resource == r }
            let ok = out[r]?.values.map(\.count).reduce(0, +) ?? 0
            if ok == 0 {
                let statuses = Set(zip(plan, got).filter { $0.0.resource == r }.map { $0.1.status.map(String.init) ?? "no answer" }).sorted()
                writeTargets[path] = "the tenants' own objects: none of \(asked.count) creates succeeded (\(statuses.joined(separator: ", ")))"
                out[r] = nil
                continue
            }
            writeTargets[path] = ok == asked.count ? "\(ok) objects created for the purpose"
                : "\(ok) objects created for the purpose (\(asked.count - ok) creates failed: their probes were not sent)"
            created += ok
            createdForWrites += ok
            for (t, list) in out[r]! { made[r, default: [:]][t, default: []] += list }
        }
        return out
    }

    /// Removes what gate created, with each owner's DELETE, where the API has one. A 404 or 410 means a probe
    /// (the owner's DELETE, or another tenant's that got through) removed it already.
    private mutating func removeMade() async throws {
        let deletable = made.filter { options.resources[$0.key].create?.deletable == true }
        let plan = ProbePlan.cleanup(options, created: deletable)
        guard !plan.isEmpty else { return }
        context.progress("removing \(plan.count) objects gate created")
        let got = try await send(plan.map(\.request))
        removed += got.filter(Self.ok).count
        alreadyGone += got.filter { [404, 410].contains($0.status ?? 0) }.count
    }

    /// Logs tenant `t` in (again) and keeps its new token, redacted from then on.
    /// A token goes into a header (or a cookie) of every probe: a line break would start another header,
    /// and in a cookie a `;` another cookie. Refused, naming where it came from but never the token.
    private func checkToken(_ token: String, tenant t: HTTPOptions.Tenant, from source: String) throws {
        if token.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
            throw VerifierError("tenant '\(t.name)': the token from \(source) holds a line break or another control "
                + "character, which would change the request's headers; give the token alone")
        }
        if let cookie = options.authCookie, token.contains(where: { $0 == ";" || $0 == "," || $0 == " " || $0 == "\"" }) {
            throw VerifierError("tenant '\(t.name)': the token from \(source) holds ';', ',', a space or a quote, which "
                + "cannot be sent as the cookie '\(cookie)' without adding others")
        }
    }

    private mutating func renew(_ t: Int, _ spec: LoginSpec) async throws {
        let (token, captured, jar) = try await login(t, spec, password: passwords[t]!)
        secrets.append((token, "[redacted:login token of \(options.tenants[t].name)]"))
        for v in captured { secrets.append((v, "[redacted:login capture of \(options.tenants[t].name)]")) }
        try checkToken(token, tenant: options.tenants[t], from: "its login")
        if let csrf = options.csrf, jar.first(where: { $0.name == csrf.cookie }) == nil {
            let set = jar.map { "'\($0.name)'" }.joined(separator: ", ")
            throw VerifierError("tenant '\(options.tenants[t].name)': its login set no cookie '\(csrf.cookie)', which 'csrf' "
                + "sends back in '\(csrf.header)' (\(set.isEmpty ? "it set no cookie" : "it set \(set)")); fix 'csrf.cookie', "
                + "or add a login step that gets the cookie (such as GET of the login page)")
        }
        tokens[t] = token
        cookies[t] = jar
        logins += 1
    }

    /// Sends the requests; a tenant that logs in and whose token had worked, and that is now answered 401,
    /// logs in again and its 401 requests are sent once more with the new token.
    private mutating func send(_ requests: [ProbeRequest]) async throws -> [ProbeAnswer] {
        var answers = await sendOnce(requests)
        for (r, a) in zip(requests, answers) where a.status.map({ $0 != 401 && $0 < 500 }) == true { if let t = r.tenant { worked.insert(t) } }
        guard let spec = options.login else { return answers }
        let expired = Set(zip(requests, answers).compactMap { r, a in
            r.tenant.flatMap { t in a.status == 401 && passwords[t] != nil && worked.contains(t) ? t : nil }
        })
        guard !expired.isEmpty else { return answers }
        for t in expired.sorted() {
            context.progress("tenant '\(options.tenants[t].name)' was answered 401: logging in again")
            try await renew(t, spec)
        }
        let again = requests.indices.filter { i in answers[i].status == 401 && requests[i].tenant.map(expired.contains) == true }
        let retried = await sendOnce(again.map { requests[$0] })
        for (i, a) in zip(again, retried) { answers[i] = a }
        return answers
    }

    static func cookieHeader(_ jar: [(name: String, value: String)]) -> String {
        jar.map { "\($0.name)=\($0.value)" }.joined(separator: "; ")
    }

    private mutating func sendOnce(_ requests: [ProbeRequest]) async -> [ProbeAnswer] {
        let headerSets: [[(String, String)]] = tokens.enumerated().map { t, token in
            var set = [("Accept", "application/json"), ("User-Agent", "gate-tenant-isolation")]
            let jar = cookies[t] ?? []
            // A cookie login's probes carry every cookie it ended with (the session, a CSRF cookie, ...), the
            // token's as the current token; `csrf` sends its cookie back in its header as well.
            if let name = options.authCookie {
                set.append(("Cookie", Self.cookieHeader(jar.filter { $0.name != name } + [(name, token)])))
            } else {
                set.append((options.authHeader, options.authScheme.isEmpty ? token : "\(options.authScheme) \(token)"))
                if options.csrf != nil, !jar.isEmpty { set.append(("Cookie", Self.cookieHeader(jar))) }
            }
            if let csrf = options.csrf, let value = jar.first(where: { $0.name == csrf.cookie })?.value {
                set.append((csrf.header, value))
            }
            return set
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
                ids[r][p.owner] = Array(ownIDs(r, p, a, json).prefix(maxIDs))
            }
        }
        idsOverlap()
    }

    /// The ids a tenant's list answers, without those its `owner-field` gives to another tenant (their
    /// presence is a `cross-tenant-list` finding).
    private mutating func ownIDs(_ r: Int, _ p: PlannedProbe, _ a: ProbeAnswer, _ json: JSONValue) -> [String] {
        let src = options.resources[r].idsFrom!, tenant = options.tenants[p.owner]
        var seen = Set<String>(), others: [String: Int] = [:], out: [String] = []
        for v in src.selector.values(json, tenant: tenant.slug) {
            guard let id = IDSelector.id(v, field: src.idField) ?? IDSelector.id(v, field: "id") else { continue }
            if let field = src.ownerField, let owner = IDSelector.text(IDSelector.field(v, field)),
               owner != tenant.slug, owner != tenant.name {
                others[owner, default: 0] += 1
                continue
            }
            if seen.insert(id).inserted { out.append(id) }
        }
        if !others.isEmpty, let field = src.ownerField {
            let count = others.values.reduce(0, +)
            let whose = others.keys.sorted().prefix(5).map { "'\($0)'" }.joined(separator: ", ")
            add(Finding(
                rule: "tenant-isolation/cross-tenant-list",
                message: "\(p.display) as tenant '\(tenant.name)' lists \(count) \(count == 1 ? "object" : "objects") of other "
                    + "owners (\(whose), by '\(field)'); they are left out of its ids",
                identity: "list|\(options.resources[r].path)|\(tenant.name)",
                evidence: evidence((p, a), ["tenant": tenant.name, "owner-field": field, "others": String(count)]),
                help: "Filter the list by the caller's tenant on the server (WHERE owner = caller), as the object route does."), r)
        }
        return out
    }

    /// Two tenants with an id in common cannot both own it: a list that returns others' objects (or ids
    /// typed twice) would make gate accuse a tenant of reading what may be its own. Such ids are warned
    /// about and dropped from both tenants.
    private mutating func idsOverlap() {
        for r in options.resources.indices {
            var dropped = Set<String>()
            for a in options.tenants.indices {
                for b in options.tenants.indices where b > a {
                    let common = Set(ids[r][a]).intersection(ids[r][b]).sorted()
                    guard !common.isEmpty else { continue }
                    dropped.formUnion(common)
                    let (ta, tb) = (options.tenants[a].name, options.tenants[b].name)
                    let fix = options.resources[r].idsFrom == nil ? "fix 'ids'"
                        : "give 'ids-from' an 'owner-field' or a filter such as [?(@.owner == '{tenant}')]"
                    add(Finding(
                        rule: "tenant-isolation/ids-overlap", severity: .warning,
                        message: "tenants '\(ta)' and '\(tb)' both have \(common.count == 1 ? "the id" : "\(common.count) ids") "
                            + "\(common.prefix(3).map { "'\($0)'" }.joined(separator: ", ")) for '\(options.resources[r].path)'; "
                            + "\(common.count == 1 ? "it is" : "they are") not probed, since no one can tell whose \(common.count == 1 ? "it is" : "they are")",
                        identity: "overlap|\(options.resources[r].path)|\(ta)|\(tb)",
                        evidence: ["tenants": "\(ta), \(tb)", "ids": String(common.count)],
                        help: "Each tenant's ids must be its own: \(fix)."), r)
                }
            }
            guard !dropped.isEmpty else { continue }
            for t in options.tenants.indices { ids[r][t].removeAll { dropped.contains($0) } }
        }
    }

    /// A body as one line of text: control characters become spaces, credentials are redacted (also a
    /// token cut short where the captured body ends).
    func preview(_ body: [UInt8], limit: Int = 160, also values: [String: String] = [:]) -> String {
        var text = String(decoding: body, as: UTF8.self)
        // A login flow's values so far (the password, what earlier steps captured), but not the names.
        let more = values.filter { !["username", "tenant"].contains($0.key) && $0.value.count >= 4 }.sorted { $0.key < $1.key }
            .map { ($0.value, "[redacted:{\($0.key)}]") }
        for (token, mark) in more + secrets where !token.isEmpty {
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
