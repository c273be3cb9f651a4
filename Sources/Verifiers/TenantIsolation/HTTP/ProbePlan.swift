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
    }

    var kind: Kind
    var resource: Int
    /// The tenant whose credentials are sent (nil: none).
    var actor: Int?
    /// The tenant that owns the object (or whose list it is).
    var owner: Int
    var objectID: String
    var request: ProbeRequest

    var display: String { "\(request.method) \(request.target)" }
}

enum ProbePlan {
    /// Ids that must never produce a server error, with what each tries.
    static let malformedIDs: [(label: String, value: String)] = [
        ("a path traversal", "../x"),
        ("a very long id", String(repeating: "9", count: 1000)),
        ("a non-numeric id", "abc"),
        ("a unicode id", "\u{00FC}n\u{00EF}-\u{2603}"),
        ("an empty id", ""),
    ]

    static let previewBytes = 2048
    static let listBytes = 8 << 20

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

    /// The matrix: own, anonymous and cross-tenant reads of every owner's objects, then malformed ids.
    /// `ids[r][t]` holds tenant t's object ids for resource r.
    static func probes(_ o: HTTPOptions, ids: [[[String]]]) -> [PlannedProbe] {
        var out: [PlannedProbe] = []
        func add(_ kind: PlannedProbe.Kind, _ r: Int, _ method: String, actor: Int?, owner: Int, pathTenant: Int, id: String) {
            let target = o.resources[r].path.render(prefix: o.base.prefix, tenant: o.tenants[pathTenant].slug, id: id)
            out.append(PlannedProbe(kind: kind, resource: r, actor: actor, owner: owner, objectID: id,
                                    request: ProbeRequest(method: method, target: target, tenant: actor, bodyLimit: previewBytes)))
        }
        for (r, res) in o.resources.enumerated() {
            for method in o.methods {
                for owner in o.tenants.indices {
                    for id in ids[r][owner] {
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
