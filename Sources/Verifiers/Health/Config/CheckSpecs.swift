import GateCore
import GateOpenAPI

/// `wait:` readiness before anything else: first the port accepts connections, then the startup probe
/// passes once. `{timeout: 5m, interval: 10s}` retries every 10 s for up to 5 minutes.
struct WaitSpec: Sendable {
    var timeout: Duration
    var interval: Duration
    /// The startup probe (`url`, `tcp` or `run`); nil probes the check's first target.
    var probe: ProbeSpec?

    init(_ v: ConfigValue, defaults: ProbeDefaults, root: String) throws(ConfigError) {
        let b = try Block(v, context: "'wait'")
        try b.only(["timeout", "interval", "url", "tcp", "run", "status", "exit-code"])
        timeout = try b.duration("timeout") ?? .seconds(60)
        interval = try b.duration("interval") ?? .seconds(1)
        guard interval <= timeout else { throw b.error("interval", "must not exceed 'timeout'") }
        if ProbeSpec.targetKeys.contains(where: b.has) {
            var probeDefaults = defaults
            probeDefaults.timeout = min(defaults.timeout, interval > .seconds(1) ? interval : .seconds(1))
            let pb = try Block(v.filtered(["url", "tcp", "run", "status", "exit-code"]), context: "'wait'")
            probe = try ProbeSpec(pb, defaults: probeDefaults, root: root, index: nil)
            probe?.name = "startup probe"
        } else if b.has("status") || b.has("exit-code") {
            throw b.error(b.has("status") ? "status" : "exit-code", "give the startup probe ('url', 'tcp' or 'run') it applies to")
        }
    }
}

/// `tls:` what the server's certificate must satisfy.
struct TLSSpec: Sendable {
    var url: Template?
    var serverName: String?
    var warningDays: Int?
    var errorDays: Int?
    var minVersion: Int?
    var location: SourceLocation

    init(_ v: ConfigValue) throws(ConfigError) {
        let b = try Block(v, context: "'tls'")
        try b.only(["url", "server-name", "expiry", "min-version"])
        location = v.location
        url = try b.string("url").map(Template.init)
        serverName = try b.string("server-name")
        if let ev = b["expiry"] {
            let eb = try Block(ev, context: "'tls.expiry'")
            try eb.only(["warning", "error"])
            warningDays = try eb.duration("warning").map { $0.milliseconds / 86_400_000 }
            errorDays = try eb.duration("error").map { $0.milliseconds / 86_400_000 }
            if let w = warningDays, let e = errorDays, e > w {
                throw eb.error("error", "the error threshold (\(e) days) must not exceed the warning threshold (\(w) days)")
            }
        } else {
            warningDays = 30
            errorDays = 7
        }
        if let text = try b.string("min-version") {
            let t = text.lowercased().replacingOccurrences(of: "tlsv", with: "").replacingOccurrences(of: "tls", with: "")
            guard let minor = ["1.0": 0, "1.1": 1, "1.2": 2, "1.3": 3][t.trimmingCharacters(in: .whitespaces)] else {
                throw b.error("min-version", "'\(text)' is not a TLS version; use 1.0, 1.1, 1.2 or 1.3")
            }
            minVersion = minor
        }
    }
}

extension ConfigValue {
    /// A mapping with only the given keys.
    func filtered(_ keys: Set<String>) -> ConfigValue {
        guard let map = mapping else { return self }
        return ConfigValue(.mapping(map.filter { keys.contains($0.key) }), at: location)
    }
}
