import GateCore

/// Judging answers: a 2xx to another tenant is a bypass, a 5xx anywhere is a server error, an owner that
/// cannot read its own object voids its cells, and a probe without an answer is an error cell.
extension HTTPAudit {
    typealias Answered = (probe: PlannedProbe, answer: ProbeAnswer)

    static func ok(_ a: ProbeAnswer) -> Bool { a.status.map { (200...299).contains($0) } ?? false }
    static func crashed(_ a: ProbeAnswer) -> Bool { a.status.map { $0 >= 500 } ?? false }

    /// Every finding and the matrix cells, resource by resource.
    mutating func judge(_ answered: [Answered]) -> [String: JSONValue] {
        var cells: [String: JSONValue] = [:]
        for r in options.resources.indices {
            let sent = answered.filter { $0.probe.resource == r }
            let mine = supportedOnly(r, sent)
            if mine.isEmpty && !sent.isEmpty {
                noMethodSupported(r, sent)
                cells[options.resources[r].path.description] = .object(Dictionary(uniqueKeysWithValues: options.tenants.map { a in
                    (a.name, JSONValue.object(Dictionary(uniqueKeysWithValues: options.tenants.map { ($0.name, JSONValue.string("error")) })))
                }))
                continue
            }
            let failures = mine.filter { $0.answer.status == nil }
            if !failures.isEmpty { failed(r, failures) }
            for (_, group) in Dictionary(grouping: mine.filter { Self.crashed($0.answer) }, by: { kindKey($0.probe.kind) })
                .sorted(by: { $0.key < $1.key }) {
                serverError(group)
            }
            judgeAnonymous(mine.filter { $0.probe.kind == .anonymous })
            let own = options.tenants.indices.map { t in
                ownCell(r, t, mine.filter { $0.probe.owner == t && $0.probe.kind == .own })
            }
            var grid: [String: JSONValue] = [:]
            for (a, actor) in options.tenants.enumerated() {
                var row: [String: JSONValue] = [:]
                for (o, owner) in options.tenants.enumerated() {
                    guard a != o else { row[owner.name] = .string(own[o]); continue }
                    let probes = mine.filter { p in
                        p.probe.owner == o && p.probe.actor == a && { if case .cross = p.probe.kind { true } else { false } }()
                    }
                    var cell = crossCell(r, a, o, probes)
                    // An actor refused even its own objects proves nothing by being refused others'.
                    if cell == "enforced" && own[a] == "denied" { cell = "untested" }
                    row[owner.name] = .string(cell)
                }
                grid[actor.name] = .object(row)
            }
            cells[options.resources[r].path.description] = .object(grid)
        }
        return cells
    }

    /// A 405 or 501 says the method is not implemented for this resource (Python's http.server answers
    /// HEAD with 501), not that the service failed: such a method is dropped for the resource, with a note,
    /// unless some probe with it was answered 2xx (then the 405s are real answers to judge).
    mutating func supportedOnly(_ r: Int, _ probes: [Answered]) -> [Answered] {
        let byMethod = Dictionary(grouping: probes, by: { $0.probe.request.method })
        var dropped: [String] = []
        for (method, group) in byMethod.sorted(by: { $0.key < $1.key }) {
            let refused = group.contains { [405, 501].contains($0.answer.status ?? 0) }
            if refused && !group.contains(where: { Self.ok($0.answer) }) { dropped.append(method) }
        }
        guard !dropped.isEmpty else { return probes }
        unsupported[options.resources[r].path.description] = dropped
        return probes.filter { !dropped.contains($0.probe.request.method) }
    }

    mutating func noMethodSupported(_ r: Int, _ probes: [Answered]) {
        let path = options.resources[r].path.description
        let answers = Dictionary(grouping: probes, by: { $0.probe.request.method }).sorted(by: { $0.key < $1.key }).map { m, g in
            "\(m) answered \(Set(g.compactMap(\.answer.status)).sorted().map(String.init).joined(separator: "/"))"
        }
        add(Finding(
            rule: "tenant-isolation/probe-failed",
            message: "no method in 'methods' is supported by '\(path)': \(answers.joined(separator: ", ")), so nothing "
                + "about it was tested",
            identity: "failed|\(path)|no-method",
            evidence: ["path": path, "methods": options.methods.joined(separator: ",")],
            help: "Add a method the service answers (GET) to 'methods', or fix the resource's path."), r)
    }

    func kindKey(_ k: PlannedProbe.Kind) -> String {
        switch k {
        case .own: "own"
        case .cross: "cross"
        case .anonymous: "anonymous"
        case .malformed(let v): "malformed-\(v)"
        case .list(let anonymous): anonymous ? "list-anonymous" : "list"
        case .create(let step): "create-\(step.rawValue)"
        }
    }

    private mutating func ownCell(_ r: Int, _ o: Int, _ probes: [Answered]) -> String {
        if probes.isEmpty { return "untested" }
        if probes.contains(where: { $0.answer.status == nil || Self.crashed($0.answer) }) { return "error" }
        let denied = probes.filter { !Self.ok($0.answer) }
        if denied.isEmpty { return "own" }
        // The identity keeps "read" for every method (fingerprints stay as they were); the message names what
        // the first refused probe tried.
        let verb = switch denied[0].probe.request.method {
        case "GET", "HEAD": "read"
        case "DELETE": "delete"
        default: "change"
        }
        ownerDenied(r, o, denied, what: "read its own objects", saying: "\(verb) its own objects")
        return "denied"
    }

    private mutating func crossCell(_ r: Int, _ a: Int, _ o: Int, _ probes: [Answered]) -> String {
        if probes.isEmpty { return "untested" }
        let leaks = probes.filter { Self.ok($0.answer) }
        for actorPath in [false, true] {
            for writes in [false, true] {
                func mine(_ p: Answered) -> Bool {
                    p.probe.kind == .cross(actorPath: actorPath) && HTTPOptions.mutatingMethods.contains(p.probe.request.method) == writes
                }
                let form = leaks.filter(mine)
                guard let first = form.first else { continue }
                let total = probes.filter(mine).count
                let actor = options.tenants[a].name, owner = options.tenants[o].name
                // With no {tenant} in the path there is one path per object, and the tenant is the token's.
                let how = actorPath ? "through its own path carrying the other tenant's id (IDOR)"
                    : options.resources[r].path.hasTenant ? "at the owner's path" : "by its id with its own token"
                let verb = !writes ? "read" : first.probe.request.method == "DELETE" ? "delete" : "change"
                let sent = (first.probe.request.body == nil ? "" : " with a valid body")
                    + (first.probe.madeForProbe ? " on an object it created for the purpose" : "")
                add(Finding(
                    rule: writes ? "tenant-isolation/cross-tenant-write" : "tenant-isolation/cross-tenant-read",
                    message: "tenant '\(actor)' can \(verb) objects of tenant '\(owner)' \(how): \(first.probe.display)\(sent) "
                        + "answered \(first.answer.status!) (\(form.count) of \(total) probes)",
                    identity: "\(writes ? "write" : "read")|\(options.resources[r].path)|\(actor)|\(owner)|\(actorPath ? "actor-path" : "owner-path")",
                    evidence: evidence(first, ["actor": actor, "owner": owner, "probes": "\(form.count) of \(total)"]),
                    help: "Load objects by id and tenant together (WHERE id = ? AND tenant_id = ?) and answer 404 when the "
                        + "caller's tenant does not own the object; check ownership before any change."), r)
            }
        }
        if !leaks.isEmpty { return "bypassed" }
        if probes.contains(where: { $0.answer.status == nil || Self.crashed($0.answer) }) { return "error" }
        return "enforced"
    }

    mutating func judgeAnonymous(_ items: [Answered]) {
        let leaks = items.filter { Self.ok($0.answer) }
        guard let first = leaks.first else { return }
        let r = first.probe.resource
        let isList = first.probe.kind == .list(anonymous: true)
        add(Finding(
            rule: "tenant-isolation/unauthenticated-read",
            message: "\(first.probe.display) answered \(first.answer.status!) without credentials (\(leaks.count) of "
                + "\(items.count) \(isList ? "list" : "anonymous") probes)",
            identity: "anonymous|\(options.resources[r].path)|\(isList ? "list" : "object")",
            evidence: evidence(first, ["probes": "\(leaks.count) of \(items.count)"]),
            help: "Require credentials on every route of this resource, and answer 401 without them."), r)
    }

    mutating func serverError(_ items: [Answered]) {
        guard let first = items.first else { return }
        let r = first.probe.resource
        let what: String
        switch first.probe.kind {
        case .own: what = "to the object's owner"
        case .cross: what = "to another tenant's credentials"
        case .anonymous: what = "without credentials"
        case .malformed(let v): what = "to \(ProbePlan.malformedIDs[v].label)"
        case .list: what = "to a list request"
        case .create(let step): what = step.label
        }
        add(Finding(
            rule: "tenant-isolation/server-error",
            message: "\(first.probe.display) answered \(first.answer.status!) \(what) (\(items.count) "
                + "\(items.count == 1 ? "probe" : "probes") of '\(options.resources[r].path)')",
            identity: "5xx|\(options.resources[r].path)|\(kindKey(first.probe.kind))",
            evidence: evidence(first, ["probes": String(items.count)]),
            help: "Validate the id and the caller's rights before loading, and answer 4xx; a 5xx on bad input is the "
                + "crash an attacker looks for."), r)
    }

    mutating func ownerDenied(_ r: Int, _ o: Int, _ items: [Answered], what: String, saying: String? = nil) {
        guard let first = items.first, let status = first.answer.status else { return }
        let t = options.tenants[o]
        var help = "Check \(t.credentialSource) and the ids given for '\(t.name)'; drop HEAD from 'methods' if the "
            + "service does not answer it."
        // A write refused by a CSRF check (Django answers 403 "CSRF verification failed") is not a credential problem.
        if status == 403, options.csrf == nil, HTTPOptions.mutatingMethods.contains(first.probe.request.method),
           String(decoding: first.answer.body.prefix(4096), as: UTF8.self).lowercased().contains("csrf") {
            help = "The answer names a CSRF check: set 'csrf' to the cookie and the header the service checks, such as "
                + "{cookie: csrftoken, header: X-CSRFToken} (Django) or {cookie: XSRF-TOKEN, header: X-XSRF-TOKEN} (Laravel)."
        }
        add(Finding(
            rule: "tenant-isolation/owner-denied",
            message: "tenant '\(t.name)' cannot \(saying ?? what): \(first.probe.display) answered \(status), so its cells prove "
                + "nothing",
            identity: "owner|\(options.resources[r].path)|\(t.name)|\(what)",
            evidence: evidence(first, ["tenant": t.name, "probes": String(items.count)]),
            help: help), r)
    }

    mutating func failed(_ r: Int, _ items: [Answered], phase: String = "matrix") {
        guard let first = items.first else { return }
        add(Finding(
            rule: "tenant-isolation/probe-failed",
            message: "\(items.count) \(items.count == 1 ? "probe" : "probes") of '\(options.resources[r].path)' got no "
                + "answer: \(first.probe.display): \(first.answer.failure ?? "no answer")",
            identity: "failed|\(options.resources[r].path)|\(phase)",
            evidence: ["method": first.probe.request.method, "path": first.probe.request.target,
                       "failure": first.answer.failure ?? "", "probes": String(items.count)],
            help: "Raise 'timeout', lower 'concurrency', or find why the service does not answer these requests."), r)
    }

    func evidence(_ item: Answered, _ extra: [String: String]) -> [String: String] {
        var e = extra
        e["method"] = item.probe.request.method
        e["path"] = item.probe.request.target
        e["status"] = item.answer.status.map(String.init) ?? ""
        let body = preview(item.answer.body)
        if !body.isEmpty { e["body"] = body }
        return e
    }

    mutating func add(_ f: Finding, _ r: Int) {
        findings.append(f)
        testcaseOf[f.fingerprint] = options.resources[r].path.description
    }
}
