/// One header, as sent or received.
public struct HTTPHeader: Sendable, Hashable {
    public var name: String
    public var value: String

    public init(_ name: String, _ value: String) {
        self.name = name
        self.value = value
    }
}

/// Caps that keep memory bounded whatever the server sends.
public struct HTTPLimits: Sendable, Hashable {
    /// Bytes of all response header lines together (every header block, interim ones included).
    public var maxHeaderBytes: Int
    /// Header lines in all.
    public var maxHeaderCount: Int
    /// Body bytes kept in the response; more are counted and dropped.
    public var keepBodyBytes: Int
    /// Body bytes after which the transfer is aborted (`HTTPError.Kind.tooLarge`). At least `keepBodyBytes`.
    public var maxBodyBytes: Int

    public init(maxHeaderBytes: Int = 256 * 1024, maxHeaderCount: Int = 500, keepBodyBytes: Int = 1 << 20,
                maxBodyBytes: Int = 64 << 20) {
        self.maxHeaderBytes = maxHeaderBytes
        self.maxHeaderCount = maxHeaderCount
        self.keepBodyBytes = keepBodyBytes
        self.maxBodyBytes = max(maxBodyBytes, keepBodyBytes)
    }
}

/// How to treat the server's certificate on https.
public struct TLSOptions: Sendable, Hashable {
    /// Skip chain and hostname verification, as `curl -k` does.
    public var insecure: Bool
    /// A PEM file of trusted CA certificates instead of the system store, as `curl --cacert`.
    public var caFile: String?

    public init(insecure: Bool = false, caFile: String? = nil) {
        self.insecure = insecure
        self.caFile = caFile
    }
}

/// The HTTP versions a request may use.
public enum HTTPVersionPreference: String, Sendable, Hashable, CaseIterable {
    /// HTTP/2 over TLS when the server offers it (ALPN), HTTP/1.1 otherwise: curl's default.
    case automatic = "auto"
    case http1 = "1.1"
    /// HTTP/2, also on plain http (an upgrade is attempted).
    case http2 = "2"
    /// HTTP/2 without an upgrade on plain http (the server must speak it).
    case http2PriorKnowledge = "2-prior-knowledge"
}

/// One request. Nothing but `url`'s host is contacted: redirects are answers unless `maxRedirects` allows
/// following them, and then only to the hosts in `redirectHosts` (the request's own host always counts).
public struct HTTPRequest: Sendable, Hashable {
    public var method: String
    /// An absolute http:// or https:// URL, sent as written (no dot-segment removal), so that malformed
    /// paths reach the server unchanged.
    public var url: String
    public var headers: [HTTPHeader]
    public var body: [UInt8]?
    /// Time limit of the whole transfer, connection included.
    public var timeout: Duration
    public var connectTimeout: Duration
    public var limits: HTTPLimits
    public var tls: TLSOptions
    public var version: HTTPVersionPreference
    /// Open the connection (and the TLS session on https) and send nothing: the `tcp:` probe.
    public var connectOnly: Bool
    public var maxRedirects: Int
    public var redirectHosts: Set<String>
    /// The environment to take proxy variables from (http_proxy, https_proxy, all_proxy, no_proxy), the
    /// way curl reads its own; nil uses no proxy.
    public var proxyEnvironment: [String: String]?

    public init(method: String = "GET", url: String, headers: [HTTPHeader] = [], body: [UInt8]? = nil,
                timeout: Duration = .seconds(10), connectTimeout: Duration? = nil, limits: HTTPLimits = HTTPLimits(),
                tls: TLSOptions = TLSOptions(), version: HTTPVersionPreference = .automatic, connectOnly: Bool = false,
                maxRedirects: Int = 0, redirectHosts: Set<String> = [], proxyEnvironment: [String: String]? = nil) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.timeout = timeout
        self.connectTimeout = connectTimeout ?? timeout
        self.limits = limits
        self.tls = tls
        self.version = version
        self.connectOnly = connectOnly
        self.maxRedirects = maxRedirects
        self.redirectHosts = redirectHosts
        self.proxyEnvironment = proxyEnvironment
    }
}
