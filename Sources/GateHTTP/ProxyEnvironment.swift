/// The proxy curl would pick from an environment, read from the check's environment rather than gate's
/// own process (a suite's `env:` may set or clear a proxy for one check).
///
/// The rules are curl's (lib/url.c, detect_proxy): `http_proxy` in lower case only for http (the upper-case
/// name can be set by a CGI request's Proxy header), `<scheme>_proxy` then `<SCHEME>_PROXY` for others,
/// then `all_proxy` and `ALL_PROXY`. `no_proxy` (then `NO_PROXY`) lists hosts that go direct, handed to
/// curl's own matcher (CURLOPT_NOPROXY).
public struct ProxyChoice: Sendable, Hashable {
    /// The proxy URL, or "" for a direct connection.
    public var proxy: String
    public var noProxy: String?

    public static func from(_ env: [String: String]?, scheme: String) -> ProxyChoice {
        guard let env else { return ProxyChoice(proxy: "", noProxy: nil) }
        func value(_ name: String) -> String? {
            guard let v = env[name], !v.isEmpty else { return nil }
            return v
        }
        let lower = scheme.lowercased() + "_proxy"
        var proxy = value(lower)
        if proxy == nil && lower != "http_proxy" { proxy = value(lower.uppercased()) }
        if proxy == nil { proxy = value("all_proxy") ?? value("ALL_PROXY") }
        return ProxyChoice(proxy: proxy ?? "", noProxy: value("no_proxy") ?? value("NO_PROXY"))
    }
}
