import Foundation
import GateHTTP

/// One request to send.
struct ProbeRequest: Sendable {
    var method: String
    /// The request target as sent: the path with placeholders filled and encoded.
    var target: String
    /// Index into the tenants whose token goes in the auth header; nil sends no credentials.
    var tenant: Int?
    var bodyLimit: Int
    /// A JSON body (sent with `Content-Type: application/json`).
    var body: [UInt8]? = nil
}

/// What came back: a status and the first bytes of the body, or why nothing came back.
struct ProbeAnswer: Sendable {
    var status: Int?
    var failure: String?
    var body: [UInt8] = []
}

/// Sends the probes through gate's shared HTTP client (GateHTTP, libcurl): `concurrency` in flight over
/// kept-alive connections, HTTP or HTTPS. Only the base URL's host is contacted, redirects are answers,
/// and a target is sent exactly as built (no dot-segment removal), so malformed ids reach the server as
/// written. Bodies keep their first `bodyLimit` bytes; a body past 64 MiB (or `bodyLimit`, when larger)
/// ends the transfer. Cancelling the calling task stops every transfer at once.
enum ProbePool {
    static func run(_ requests: [ProbeRequest], base: BaseURL, tls: TLSOptions, headers: @escaping @Sendable (Int?) -> [(String, String)],
                    concurrency: Int, timeout: Duration, environment: [String: String],
                    progress: @escaping @Sendable (Int, Int) -> Void) async -> [ProbeAnswer] {
        guard !requests.isEmpty else { return [] }
        let client = HTTPClient(maxConnectionsPerHost: concurrency)
        defer { client.shutdown() }
        let http = requests.map { r in
            HTTPRequest(method: r.method, url: base.origin + r.target,
                        headers: headers(r.tenant).map { HTTPHeader($0.0, $0.1) }
                            + (r.body == nil ? [] : [HTTPHeader("Content-Type", "application/json")]), body: r.body,
                        timeout: timeout, limits: HTTPLimits(keepBodyBytes: r.bodyLimit, maxBodyBytes: max(r.bodyLimit, 64 << 20)),
                        tls: tls, proxyEnvironment: environment)
        }
        let total = requests.count
        let results = await client.send(http, concurrency: concurrency) { done in
            if done % 100 == 0 || done == total { progress(done, total) }
        }
        return results.map { result in
            switch result {
            case .success(let r): ProbeAnswer(status: r.status, failure: nil, body: r.body)
            case .failure(let e): ProbeAnswer(status: nil, failure: e.message)
            }
        }
    }
}
