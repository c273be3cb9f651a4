import GateCore
import GateOpenAPI
import GateHTTP

/// A health check's `with:` block, validated at load time: what to start, what to wait for, and the
/// probes, flow, metrics, TLS, compatibility and OpenAPI parts, each optional.
struct HealthPlan: Sendable {
    var defaults: ProbeDefaults
    var service: ServiceSpec?
    var wait: WaitSpec?
    /// The top-level target (when given) first, then `requests:`.
    var probes: [ProbeSpec]
    var hasTopLevelProbe: Bool
    var flow: [ProbeSpec]
    var metrics: MetricsSpec?
    var tls: TLSSpec?
    var compat: CompatSpec?
    var openapi: OpenAPISpec?

    static let checkKeys = ["base-url", "service", "wait", "requests", "flow", "metrics", "tls", "compat-lock", "compat-fields",
                            "record", "openapi", "allow-mutations", "connect-timeout", "insecure", "ca", "http-version",
                            "max-body", "follow-redirects", "allow-hosts"]
    static var allKeys: [String] { Array(Set(checkKeys + ProbeSpec.keys)).sorted() }

    init(_ p: Parameters) throws(ConfigError) {
        let b = Block(parameters: p)
        let root = p.root
        service = try b["service"].map { (v: ConfigValue) throws(ConfigError) in try ServiceSpec(v, root: root) }
        defaults = try Self.defaults(b, service: service, root: root)

        hasTopLevelProbe = ProbeSpec.targetKeys.contains(where: b.has)
        probes = []
        if hasTopLevelProbe {
            probes.append(try ProbeSpec(b, defaults: defaults, root: root, index: nil))
        } else if let k = (Expectations.keys + ["method", "body", "latency", "capture", "repeat", "same"]).first(where: b.has) {
            throw b.error(k, "'\(k)' applies to a target; give 'url', 'tcp' or 'run' beside it, or put it in a 'requests' item")
        }
        if let rv = b["requests"] {
            guard let items = rv.sequence, !items.isEmpty else { throw b.mismatch("requests", "a list of requests") }
            for (i, item) in items.enumerated() {
                let rb = try Block(item, context: "request \(i + 1)")
                try rb.only(ProbeSpec.keys)
                probes.append(try ProbeSpec(rb, defaults: defaults, root: root, index: i))
            }
        }
        flow = []
        if let fv = b["flow"] {
            guard let items = fv.sequence, !items.isEmpty else { throw b.mismatch("flow", "a list of steps") }
            for (i, item) in items.enumerated() {
                let fb = try Block(item, context: "flow step \(i + 1)")
                try fb.only(ProbeSpec.keys)
                flow.append(try ProbeSpec(fb, defaults: defaults, root: root, index: i))
            }
        }
        wait = try b["wait"].map { (v: ConfigValue) throws(ConfigError) in try WaitSpec(v, defaults: defaults, root: root) }
        metrics = try b["metrics"].map { (v: ConfigValue) throws(ConfigError) in try MetricsSpec(v, defaults: defaults, root: root) }
        tls = try b["tls"].map { (v: ConfigValue) throws(ConfigError) in try TLSSpec(v) }
        compat = try CompatSpec(b, root: root, hasProbe: hasTopLevelProbe)
        openapi = try OpenAPISpec(b, defaults: defaults, root: root)
        if !b.has("openapi"), b.has("allow-mutations") { throw b.error("allow-mutations", "'allow-mutations' belongs to 'openapi'") }

        guard !probes.isEmpty || !flow.isEmpty || metrics != nil || tls != nil || openapi != nil || wait != nil else {
            throw .invalidParameter(p.location, key: "with", message: "give something to check: 'url', 'tcp' or 'run' (one "
                + "target), 'requests', 'flow', 'metrics', 'tls' or 'openapi'")
        }
        if tls != nil, tls?.url == nil, tlsURL == nil {
            throw b.error("tls", "give 'tls.url' (an https URL), or an https 'url' or 'base-url' for it to inspect")
        }
        try checkPlaceholders()
    }

    /// The https URL whose certificate `tls` inspects.
    var tlsURL: Template? {
        if let u = tls?.url { return u }
        if case .url(let t)? = probes.first?.target, t.description.lowercased().hasPrefix("https://") { return t }
        if let base = defaults.baseURL, base.description.lowercased().hasPrefix("https://") { return base }
        return nil
    }

    private static func defaults(_ b: Block, service: ServiceSpec?, root: String) throws(ConfigError) -> ProbeDefaults {
        var d = ProbeDefaults()
        if let base = try b.string("base-url") {
            let lower = base.lowercased()
            guard lower.hasPrefix("http://") || lower.hasPrefix("https://") else {
                throw b.error("base-url", "'\(base)' is not an http:// or https:// URL")
            }
            d.baseURL = Template(base.hasSuffix("/") ? String(base.dropLast()) : base)
        } else if service?.portFile != nil {
            d.baseURL = Template("http://127.0.0.1:{port}")
        }
        d.auth = try ProbeSpec.parseAuth(b, defaults: nil)
        d.headers = try ProbeSpec.parseHeaders(b)
        d.timeout = try b.duration("timeout") ?? d.timeout
        d.connectTimeout = try b.duration("connect-timeout")
        d.tls = TLSOptions(insecure: try b.bool("insecure") ?? false, caFile: try b.string("ca").map { PathUtil.resolve($0, against: root) })
        if d.tls.insecure && d.tls.caFile != nil { throw b.error("ca", "'ca' has no effect with 'insecure: true'; keep one") }
        if let v = try b.string("http-version") {
            guard let pref = HTTPVersionPreference(rawValue: v) else {
                throw b.error("http-version", "'\(v)' is not one of " + HTTPVersionPreference.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "))
            }
            d.version = pref
        }
        d.maxBody = try b.size("max-body") ?? d.maxBody
        if let fv = b["follow-redirects"] {
            if let flag = fv.bool { d.followRedirects = flag ? 10 : 0 } else { d.followRedirects = try b.int("follow-redirects", range: 0...50) ?? 0 }
        }
        d.allowHosts = try b.stringList("allow-hosts") ?? []
        if !d.allowHosts.isEmpty && d.followRedirects == 0 {
            throw b.error("allow-hosts", "'allow-hosts' names where redirects may go; set 'follow-redirects' too")
        }
        return d
    }

    /// Every `{name}` must be known where it is used: `port` needs a service with a port file, and a
    /// flow step may use only what earlier steps capture.
    private func checkPlaceholders() throws(ConfigError) {
        var known: Set<String> = ["uuid"]
        if service?.portFile != nil { known.insert("port") }
        func check(_ names: [String], at location: SourceLocation, known: Set<String>) throws(ConfigError) {
            for n in names where !known.contains(n) {
                var m = "'{\(n)}' names no value"
                if let s = DidYouMean.suggest(n, among: Array(known)) { m += "; did you mean '{\(s)}'?" }
                m += n == "port" ? " '{port}' needs a 'service' with a 'port-file'." : " Known here: "
                    + known.sorted().map { "{\($0)}" }.joined(separator: ", ") + "."
                throw .invalidParameter(location, key: n, message: m)
            }
        }
        let baseNames = defaults.baseURL?.names ?? []
        for p in probes + (wait?.probe.map { [$0] } ?? []) { try check(p.placeholders + baseNames, at: p.location, known: known) }
        var flowKnown = known
        for step in flow {
            try check(step.placeholders + baseNames, at: step.location, known: flowKnown)
            for c in step.capture { flowKnown.insert(c.name) }
        }
        if let m = metrics { try check(m.probe.placeholders + baseNames, at: m.probe.location, known: known) }
        if let t = tls?.url { try check(t.names, at: tls!.location, known: known) }
    }
}
