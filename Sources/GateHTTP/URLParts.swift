import CCurl

/// The parts of an absolute URL as libcurl itself reads them (curl_url), so that the host gate checks is
/// the host curl connects to.
public struct URLParts: Sendable, Hashable {
    public var scheme: String
    /// Lowercased; IPv6 addresses without brackets.
    public var host: String
    public var port: Int
    /// Path and query as written ("/" when empty).
    public var target: String
    public var hasCredentials: Bool

    /// Parses `text`, or returns a message saying what is wrong with it.
    public static func parse(_ text: String) -> Result<URLParts, HTTPError> {
        CurlGlobal.ensure()
        guard let handle = curl_url() else { return .failure(HTTPError(.other, "out of memory")) }
        defer { curl_url_cleanup(handle) }
        let flags = UInt32(CURLU_NON_SUPPORT_SCHEME) | UInt32(CURLU_PATH_AS_IS)
        let rc = curl_url_set(handle, CURLUPART_URL, text, flags)
        guard rc == CURLUE_OK else {
            return .failure(HTTPError(.badRequest, "'\(text)' is not a valid URL (\(String(cString: curl_url_strerror(rc))))"))
        }
        func part(_ p: CURLUPart, _ flags: UInt32 = 0) -> String? {
            var out: UnsafeMutablePointer<CChar>?
            guard curl_url_get(handle, p, &out, flags) == CURLUE_OK, let out else { return nil }
            defer { curl_free(out) }
            return String(cString: out)
        }
        let scheme = (part(CURLUPART_SCHEME) ?? "").lowercased()
        guard scheme == "http" || scheme == "https" else {
            return .failure(HTTPError(.badRequest, "'\(text)' is not an http:// or https:// URL"))
        }
        var host = (part(CURLUPART_HOST) ?? "").lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return .failure(HTTPError(.badRequest, "'\(text)' has no host")) }
        let port = part(CURLUPART_PORT, UInt32(CURLU_DEFAULT_PORT)).flatMap { Int($0) } ?? (scheme == "https" ? 443 : 80)
        var target = part(CURLUPART_PATH) ?? "/"
        if target.isEmpty { target = "/" }
        if let q = part(CURLUPART_QUERY) { target += "?" + q }
        let credentials = part(CURLUPART_USER) != nil || part(CURLUPART_PASSWORD) != nil
        return .success(URLParts(scheme: scheme, host: host, port: port, target: target, hasCredentials: credentials))
    }

    /// Whether `host` is on this machine: a request there never leaves it.
    public var isLoopback: Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.") || host.hasSuffix(".localhost")
    }

    /// Percent-encodes everything but RFC 3986's unreserved characters, so that a value placed in a path
    /// or query is one piece: `../x` becomes `..%2Fx`.
    public static func encodeComponent(_ s: String) -> String {
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(s.utf8.count)
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
                 UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
                 UInt8(ascii: "~"):
                out.append(byte)
            default:
                out += [UInt8(ascii: "%"), hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// scheme://host:port, the origin that keep-alive connections and allowed redirects are keyed by.
    public var origin: String {
        let h = host.contains(":") ? "[\(host)]" : host
        return "\(scheme)://\(h):\(port)"
    }
}

/// libcurl's process-wide initialisation, done once before any handle is made.
enum CurlGlobal {
    private static let initialised: Bool = {
        curl_global_init(Int(CURL_GLOBAL_DEFAULT)) == CURLE_OK
    }()

    static func ensure() { _ = initialised }

    /// The libcurl version, for logs ("7.88.1").
    static var version: String { String(cString: gate_curl_version()) }
}
