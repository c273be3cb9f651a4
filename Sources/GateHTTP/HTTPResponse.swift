/// Where the time of one transfer went, in microseconds, as libcurl measures it (CURLINFO_*_TIME_T).
/// The phases add up to `total`; a reused connection has no DNS, connect or TLS time.
public struct HTTPTimings: Sendable, Hashable {
    public var dns: Int
    public var connect: Int
    public var tls: Int
    /// From the request being sent to the first response byte: the server's think time.
    public var firstByte: Int
    /// Reading the rest of the response.
    public var transfer: Int
    public var total: Int

    public init(dns: Int = 0, connect: Int = 0, tls: Int = 0, firstByte: Int = 0, transfer: Int = 0, total: Int = 0) {
        self.dns = dns
        self.connect = connect
        self.tls = tls
        self.firstByte = firstByte
        self.transfer = transfer
        self.total = total
    }

    /// The phases by name, for stats: dns, connect, tls, firstByte, transfer.
    public static let phaseNames = ["dns", "connect", "tls", "firstByte", "transfer"]

    public func phase(_ name: String) -> Int {
        switch name {
        case "dns": dns
        case "connect": connect
        case "tls": tls
        case "firstByte": firstByte
        case "transfer": transfer
        default: total
        }
    }
}

/// An answer. The body holds at most `HTTPLimits.keepBodyBytes`; `bodyBytes` counts everything received.
public struct HTTPResponse: Sendable, Hashable {
    public var status: Int
    /// "1.1", "2" or "3".
    public var httpVersion: String
    /// The final header block (interim 1xx blocks are dropped), in order.
    public var headers: [HTTPHeader]
    public var body: [UInt8]
    public var bodyBytes: Int
    public var timings: HTTPTimings
    /// The Location of a redirect that was not followed.
    public var redirectURL: String?
    /// Set when a redirect pointed at a host the request may not contact, which was therefore not followed.
    public var refusedRedirect: String?
    /// Redirects followed to reach this answer.
    public var redirects: Int
    /// True when the transfer reused a kept-alive connection.
    public var reusedConnection: Bool
    public var remoteAddress: String

    public init(status: Int, httpVersion: String = "1.1", headers: [HTTPHeader] = [], body: [UInt8] = [],
                bodyBytes: Int? = nil, timings: HTTPTimings = HTTPTimings(), redirectURL: String? = nil,
                refusedRedirect: String? = nil, redirects: Int = 0, reusedConnection: Bool = false,
                remoteAddress: String = "") {
        self.status = status
        self.httpVersion = httpVersion
        self.headers = headers
        self.body = body
        self.bodyBytes = bodyBytes ?? body.count
        self.timings = timings
        self.redirectURL = redirectURL
        self.refusedRedirect = refusedRedirect
        self.redirects = redirects
        self.reusedConnection = reusedConnection
        self.remoteAddress = remoteAddress
    }

    /// The first header of that name, compared without case.
    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.name.lowercased() == lower }?.value
    }

    /// Every value of a header, in order.
    public func headers(named name: String) -> [String] {
        let lower = name.lowercased()
        return headers.filter { $0.name.lowercased() == lower }.map(\.value)
    }

    /// True when `bodyBytes` exceeds what was kept.
    public var bodyTruncated: Bool { bodyBytes > body.count }
}

/// Why a request got no usable answer. Messages never carry a credential: they come from libcurl's error
/// text and gate's own words, never from request headers.
public struct HTTPError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        case resolve, connect, timeout, tls, tooLarge = "too-large", closed, malformed, badRequest = "bad-request",
             cancelled, other
    }

    public var kind: Kind
    public var message: String
    /// Time spent before the failure, in microseconds (the timeout itself for `timeout`).
    public var elapsed: Int
    /// The phases reached before the failure.
    public var timings: HTTPTimings

    public init(_ kind: Kind, _ message: String, elapsed: Int = 0, timings: HTTPTimings = HTTPTimings()) {
        self.kind = kind
        self.message = message
        self.elapsed = elapsed
        self.timings = timings
    }

    public var description: String { message }
}

/// A request's result.
public typealias HTTPResult = Result<HTTPResponse, HTTPError>
