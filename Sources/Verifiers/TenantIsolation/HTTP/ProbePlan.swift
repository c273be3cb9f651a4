import Foundation
import GateCore

/// Every request of an HTTP run, with what each one means. Built in a fixed order (resource, method,
/// owner, id, actor), so that the same configuration always sends the same probes and reports the same.
struct PlannedProbe: Sendable {
    enum Kind: Sendable, Hashable {
        /// The owner reads its own object: must succeed, or the matrix proves nothing.
        case own
        /// Another tenant reads the owner's object: through the owner's path, or through its own path
        /// carrying the owner's id (the classic IDOR).
        case cross(actorPath: Bool)
        /// No credentials at all.
        case anonymous
        /// The actor's own path with a malformed id (index into `ProbePlan.malformedIDs`).
        case malformed(Int)
        /// A tenant's list endpoint for `ids-from`, with its own credentials or with none.
        case list(anonymous: Bool)
        /// A create request of the resource's collection (`create`), which must never produce a 5xx.
        case create(CreateStep)
    }

    enum CreateStep: String, Sendable, Hashable {
        /// A new object, with an id made for the purpose.
        case new
        /// The same body again: a duplicate must be refused with a 4xx (409), not crash.
        case duplicate
        /// A body carrying another tenant's existing id.
        case othersID = "others-id"
        /// An object the owner creates for one mutating probe to change or delete (never a real object).
        case forProbe = "for-probe"

        var label: String {
            switch self {
            case .new: "to creating an object made for the purpose"
            case .duplicate: "to a duplicate create (the same body twice)"
            case .othersID: "to a create carrying another tenant's id"
            case .forProbe: "to creating an object for a mutating probe"
            }
        }
    }

    var kind: Kind
    var resource: Int
    /// The tenant whose credentials are sent (nil: none).
    var actor: Int?
    /// The tenant that owns the object (or whose list it is).
    var owner: Int
    var objectID: String
    var request: ProbeRequest
    /// The object was created by gate for this probe (a mutating probe never touches a real object then).
    var madeForProbe = false

    var display: String { "\(request.method) \(request.target)" }
}

enum ProbePlan {
    /// Ids that must never produce a server error, with what each tries. Each value is sent percent-encoded
    /// as one path segment: the NUL byte reaches the server as `%00`, a slash as `%2F`.
    static let malformedIDs: [(label: String, value: String)] = [
        ("a path traversal", "../x"),
        ("a very long id", String(repeating: "9", count: 1000)),
        ("a non-numeric id", "abc"),
        ("a unicode id", "\u{00FC}n\u{00EF}-\u{2603}"),
        ("an empty id", ""),
        // What schemathesis and VAmPI's write-up found 500s with: a quote breaks a hand-built SQL string.
        ("a single quote", "x'"),
        ("a double quote", "x\""),
        ("an SQL fragment", "1' OR '1'='1"),
        ("SQL comment and terminator", "1;--"),
        ("a template expression", "{{7*7}}${7*7}<%= 7*7 %>"),
        ("a NUL byte (%00)", "x\u{0}y"),
        ("a very long unicode id", String(repeating: "\u{00E9}\u{4E2D}\u{1F600}", count: 700)),
        ("a negative number", "-1"),
        ("a number past 64 bits", "9223372036854775808"),
        ("a number below -2^63", "-9223372036854775809"),
        ("an encoded slash (%2F)", "a/b"),
        ("an encoded traversal (%2F..%2F)", "x/../../etc/passwd"),
    ]

    static let previewBytes = 2048
    static let listBytes = 8 << 20

    /// A body's strings with `{tenant}` and the object placeholder (`{id}`, `{username}`) filled in.
    static func fill(_ v: JSONValue, tenant: String, idName: String, id: String) -> JSONValue {
        switch v {
        case .string(let s):
            .string(s.replacingOccurrences(of: "{tenant}", with: tenant).replacingOccurrences(of: "{\(idName)}", with: id))
        case .array(let a): .array(a.map { fill($0, tenant: tenant, idName: idName, id: id) })
        case .object(let o): .object(o.mapValues { fill($0, tenant: tenant, idName: idName, id: id) })
        default: v
        }
    }

    /// Compact JSON with sorted keys: the same body for the same suite.
    static func encode(_ v: JSONValue) -> [UInt8] {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? Array(e.encode(v))) ?? Array("null".utf8)
    }

    /// Create requests for resources with `create`: each tenant makes one object for the purpose (its id
    /// `gate-<run>-<tenant>`, fresh each run so that runs do not collide), then, in a second batch, sends the
    /// same body again and a body carrying the next tenant's first id.
    static func creates(_ o: HTTPOptions, ids: [[[String]]], run: String, second: Bool) -> [PlannedProbe] {
        var out: [PlannedProbe] = []
        for (r, res) in o.resources.enumerated() {
            guard let c = res.create else { continue }
            for (t, tenant) in o.tenants.enumerated() {
                let mine = "gate-\(run)-\(tenant.slug)"
                let target = c.path.render(prefix: o.base.prefix, tenant: tenant.slug)
                func add(_ step: PlannedProbe.CreateStep, _ id: String) {
                    var body = c.body
                    if case .object(var fields) = body { fields[c.idField] = .string(id); body = .object(fields) }
                    out.append(PlannedProbe(kind: .create(step), resource: r, actor: t, owner: t, objectID: id,
                                            request: ProbeRequest(method: "POST", target: target, tenant: t,
                                                                  bodyLimit: previewBytes, body: encode(body))))
                }
                if !second { add(.new, mine); continue }
                add(.duplicate, mine)
                let next = (t + 1) % o.tenants.count
                if let theirs = ids[r][next].first { add(.othersID, theirs) }
            }
        }
        return out
    }

    /// The methods of resource `r` that change data other than by creating (PUT, PATCH, DELETE, POST on an object).
    static func writes(_ o: HTTPOptions, _ r: Int) -> [String] {
        (o.resources[r].methods ?? o.methods).filter { mutatingMethods.contains($0) }
    }

    static let mutatingMethods = HTTPOptions.mutatingMethods

    /// How many objects one owner needs for the mutating probes of resource `r`: one per write method and
    /// per probe of that owner's objects (own, anonymous, each other tenant at the owner's path and, with a
    /// `{tenant}` in the path, at its own), since a DELETE consumes its object.
    static func writeSlots(_ o: HTTPOptions, _ r: Int, owner: Int) -> Int {
        let res = o.resources[r]
        let cross = o.tenants.indices.filter { $0 != owner }.map { a in
            res.path.hasTenant && o.tenants[a].slug != o.tenants[owner].slug ? 2 : 1
        }.reduce(0, +)
        return writes(o, r).count * (2 + cross)
    }

    /// Creates, as each owner, the objects its mutating probes will change or delete, for resources the API
    /// can create (`create`): ids `gate-<run>-<tenant>-w<k>`, so that no probe touches a tenant's real data.
    static func forProbes(_ o: HTTPOptions, run: String) -> [PlannedProbe] {
        var out: [PlannedProbe] = []
        for (r, res) in o.resources.enumerated() {
            guard let c = res.create, !writes(o, r).isEmpty else { continue }
            for (t, tenant) in o.tenants.enumerated() {
                for k in 0..<writeSlots(o, r, owner: t) {
                    let id = "gate-\(run)-\(tenant.slug)-w\(k + 1)"
                    var body = c.body
                    if case .object(var fields) = body { fields[c.idField] = .string(id); body = .object(fields) }
                    out.append(PlannedProbe(kind: .create(.forProbe), resource: r, actor: t, owner: t, objectID: id,
                                            request: ProbeRequest(method: "POST", target: c.path.render(prefix: o.base.prefix, tenant: tenant.slug),
                                                                  tenant: t, bodyLimit: previewBytes, body: encode(body)),
                                            madeForProbe: true))
                }
            }
        }
        return out
    }

    /// The DELETE requests that remove objects gate created (`created[r][t]`), as their owner.
    static func cleanup(_ o: HTTPOptions, created: [Int: [Int: [String]]]) -> [PlannedProbe] {
        var out: [PlannedProbe] = []
        for r in created.keys.sorted() {
            for t in created[r]!.keys.sorted() {
                for id in created[r]![t]! {
                    let target = o.resources[r].path.render(prefix: o.base.prefix, tenant: o.tenants[t].slug, id: id)
                    out.append(PlannedProbe(kind: .own, resource: r, actor: t, owner: t, objectID: id,
                                            request: ProbeRequest(method: "DELETE", target: target, tenant: t, bodyLimit: 512),
                                            madeForProbe: true))
                }
            }
        }
        return out
    }

    /// The list requests that fetch ids for resources with `ids-from`.
    static func lists(_ o: HTTPOptions) -> [PlannedProbe] {
        var out: [PlannedProbe] = []
        for (r, res) in o.resources.enumerated() {
            guard let src = res.idsFrom else { continue }
            for (t, tenant) in o.tenants.enumerated() {
                let target = src.path.render(prefix: o.base.prefix, tenant: tenant.slug)
                for anonymous in [false, true] {
                    out.append(PlannedProbe(
                        kind: .list(anonymous: anonymous), resource: r, actor: anonymous ? nil : t, owner: t, objectID: "",
                        request: ProbeRequest(method: "GET", target: target, tenant: anonymous ? nil : t,
                                              bodyLimit: anonymous ? previewBytes : listBytes)))
                }
            }
        }
        return out
    }

    /// Whether a body key names a password: its last word (split at `_`, `-`, `.`, spaces and camelCase)
    /// is password, passwd, pwd, pass or passphrase (`password`, `new_password`, `currentPassword`,
    /// `user.pwd`), and not `password_hint`, `passwordless`, `passport` or `bypass`.
    static func isPasswordKey(_ key: String) -> Bool {
        var words: [String] = [], word = ""
        for c in key {
            if c == "_" || c == "-" || c == "." || c == " " {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                if c.isUppercase, let last = word.last, last.isLowercase || last.isNumber {
                    words.append(word)
                    word = ""
                }
                word.append(c)
            }
        }
        if !word.isEmpty { words.append(word) }
        return ["password", "passwd", "pwd", "pass", "passphrase"].contains(words.last?.lowercased() ?? "")
    }

    /// `v` with every password-named string field set to `password`: a write on a real user (a password
    /// change) then sets the password it already has, so a probe that succeeds proves the flaw and changes
    /// nothing.
    static func keepingPassword(_ v: JSONValue, _ password: String) -> JSONValue {
        switch v {
        case .object(let o):
            .object(Dictionary(uniqueKeysWithValues: o.map { k, x in
                if case .string = x, isPasswordKey(k) { (k, JSONValue.string(password)) } else { (k, keepingPassword(x, password)) }
            }))
        case .array(let a): .array(a.map { keepingPassword($0, password) })
        default: v
        }
    }

    /// The matrix: own, anonymous and cross-tenant reads of every owner's objects, then malformed ids.
    /// `ids[r][t]` holds tenant t's object ids for resource r. `made[r][t]`, when given for a resource, holds
    /// objects tenant t created for the mutating probes: each such probe then takes the next one, in the
    /// order `forProbes` created them, and a probe left without one is not sent. `passwords[t]`, tenant t's
    /// current password (it logs in), goes into the password fields of writes on t's real objects.
    static func probes(_ o: HTTPOptions, ids: [[[String]]], made: [Int: [Int: [String]]] = [:],
                       passwords: [Int: String] = [:]) -> [PlannedProbe] {
        var out: [PlannedProbe] = []
        var made = made
        func add(_ kind: PlannedProbe.Kind, _ r: Int, _ method: String, actor: Int?, owner: Int, pathTenant: Int, id: String) {
            var id = id, forProbe = false
            if case .malformed = kind {} else if mutatingMethods.contains(method), made[r] != nil {
                guard let next = made[r]?[owner]?.first else { return }
                made[r]![owner]!.removeFirst()
                id = next
                forProbe = true
            }
            let res = o.resources[r]
            let target = res.path.render(prefix: o.base.prefix, tenant: o.tenants[pathTenant].slug, id: id)
            let body = ["POST", "PUT", "PATCH"].contains(method)
                ? res.body.map { b in
                    let filled = Self.fill(b, tenant: o.tenants[pathTenant].slug, idName: res.path.idName, id: id)
                    guard !forProbe, let pw = passwords[owner] else { return Self.encode(filled) }
                    return Self.encode(Self.keepingPassword(filled, pw))
                }
                : nil
            out.append(PlannedProbe(kind: kind, resource: r, actor: actor, owner: owner, objectID: id,
                                    request: ProbeRequest(method: method, target: target, tenant: actor, bodyLimit: previewBytes,
                                                          body: body), madeForProbe: forProbe))
        }
        for (r, res) in o.resources.enumerated() {
            for method in res.methods ?? o.methods {
                for owner in o.tenants.indices {
                    // Objects made for the purpose: one round of probes per owner, whatever its real ids.
                    let targets = mutatingMethods.contains(method) && made[r] != nil ? [""] : ids[r][owner]
                    for id in targets {
                        add(.own, r, method, actor: owner, owner: owner, pathTenant: owner, id: id)
                        add(.anonymous, r, method, actor: nil, owner: owner, pathTenant: owner, id: id)
                        for actor in o.tenants.indices where actor != owner {
                            add(.cross(actorPath: false), r, method, actor: actor, owner: owner, pathTenant: owner, id: id)
                            if res.path.hasTenant && o.tenants[actor].slug != o.tenants[owner].slug {
                                add(.cross(actorPath: true), r, method, actor: actor, owner: owner, pathTenant: actor, id: id)
                            }
                        }
                    }
                }
                guard o.malformedIDs else { continue }
                for actor in o.tenants.indices {
                    for (v, bad) in malformedIDs.enumerated() {
                        add(.malformed(v), r, method, actor: actor, owner: actor, pathTenant: actor, id: bad.value)
                    }
                }
            }
        }
        return out
    }
}
