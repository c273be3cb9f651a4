#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// One answer: the status, the headers, and the body's first `bodyLimit` bytes (the rest is read and
/// dropped so that the connection stays usable).
struct HTTPResponse: Sendable {
    var status: Int
    var headers: [(name: String, value: String)]
    var body: [UInt8]
    var bodyBytes: Int

    func header(_ name: String) -> String? {
        headers.first { $0.name.lowercased() == name.lowercased() }?.value
    }
}

/// A minimal HTTP/1.1 client connection over plain TCP, kept alive across requests.
///
/// It exists because the probes need exactly this and nothing more: one host, GET/HEAD (and opted-in
/// mutating methods), no redirects (a 3xx is an answer, never followed, so no other host is ever
/// contacted), raw control over the request target (malformed ids must reach the server as written),
/// and per-request deadlines. It reads Content-Length, chunked and read-until-close bodies.
/// Not thread-safe: each worker owns one.
final class HTTPConnection {
    let endpoint: Endpoint
    private let hostHeader: String
    private var fd: Int32 = -1
    private var buffer: [UInt8] = []
    private var start = 0
    private var served = 0

    init(endpoint: Endpoint, hostHeader: String) {
        self.endpoint = endpoint
        self.hostHeader = hostHeader
    }

    deinit { disconnect() }

    func disconnect() {
        if fd >= 0 { close(fd) }
        fd = -1
        buffer.removeAll(keepingCapacity: true)
        start = 0
        served = 0
    }

    /// Sends one request and reads its answer. A kept-alive connection that the server closed in the
    /// meantime is reopened and the request sent again, for methods that are safe to repeat.
    func request(method: String, target: String, headers: [(String, String)], bodyLimit: Int,
                 timeout: Duration, cancelled: () -> Bool) throws(HTTPFailure) -> HTTPResponse {
        let deadline = SocketIO.now() + UInt64(max(1, timeout.milliseconds)) * 1_000_000
        let retryable = ["GET", "HEAD", "OPTIONS"].contains(method)
        for attempt in 0..<2 {
            let reused = fd >= 0 && served > 0
            do {
                if fd < 0 { fd = try SocketIO.connect(endpoint, deadline: deadline, cancelled: cancelled) }
                var text = "\(method) \(target) HTTP/1.1\r\nHost: \(hostHeader)\r\n"
                for (k, v) in headers { text += "\(k): \(v)\r\n" }
                if !["GET", "HEAD", "OPTIONS", "DELETE"].contains(method) { text += "Content-Length: 0\r\n" }
                text += "\r\n"
                try SocketIO.send(fd, Array(text.utf8), deadline: deadline, cancelled: cancelled)
                let response = try readResponse(head: method == "HEAD", bodyLimit: bodyLimit, deadline: deadline,
                                                cancelled: cancelled)
                served += 1
                return response
            } catch {
                disconnect()
                if case .closed(answered: false) = error, reused, retryable, attempt == 0 { continue }
                throw error
            }
        }
        throw .closed(answered: false)
    }

    // MARK: Reading

    /// The most of a response's head (status line and headers, interim answers included) gate reads:
    /// libcurl's limit is 300 KB; real answers carry a few KB.
    static let maxHeadBytes = 256 << 10
    static let maxHeadLines = 500

    private var available: Int { buffer.count - start }

    private func fill(_ deadline: UInt64, _ cancelled: () -> Bool, answered: Bool) throws(HTTPFailure) {
        if start > 65_536 { buffer.removeFirst(start); start = 0 }
        if try SocketIO.receive(fd, into: &buffer, deadline: deadline, cancelled: cancelled) == 0 {
            throw .closed(answered: answered)
        }
    }

    /// The next CRLF-terminated line, without its terminator.
    private func line(_ deadline: UInt64, _ cancelled: () -> Bool, answered: Bool, limit: Int = 65_536) throws(HTTPFailure) -> String {
        var scanned = 0  // bytes after `start` already known to hold no CRLF
        while true {
            var i = start + scanned
            while i + 1 < buffer.count {
                if buffer[i] == 13 && buffer[i + 1] == 10 {
                    let s = String(decoding: buffer[start..<i], as: UTF8.self)
                    start = i + 2
                    return s
                }
                i += 1
            }
            scanned = max(0, available - 1)
            if available > limit { throw .malformed("a header line longer than \(limit) bytes") }
            try fill(deadline, cancelled, answered: answered || available > 0)
        }
    }

    private func readResponse(head: Bool, bodyLimit: Int, deadline: UInt64, cancelled: () -> Bool) throws(HTTPFailure) -> HTTPResponse {
        var status = 0
        var version = ""
        var headers: [(name: String, value: String)] = []
        // The head's size and line count are capped, interim answers included, so that a server cannot make
        // gate hold its headers without end.
        var headBytes = 0, headLines = 0
        func counted(_ line: String) throws(HTTPFailure) -> String {
            headBytes += line.utf8.count + 2
            headLines += 1
            if headBytes > Self.maxHeadBytes || headLines > Self.maxHeadLines {
                throw .malformed("the response headers pass \(headLines > Self.maxHeadLines ? "\(Self.maxHeadLines) lines" : "\(Self.maxHeadBytes >> 10) KiB") "
                    + "(gate reads at most \(Self.maxHeadBytes >> 10) KiB in \(Self.maxHeadLines) lines)")
            }
            return line
        }
        repeat {  // skip interim 1xx answers
            let statusLine = try counted(try line(deadline, cancelled, answered: false))
            let parts = statusLine.split(separator: " ", maxSplits: 2)
            guard parts.count >= 2, parts[0].hasPrefix("HTTP/"), let code = Int(parts[1]), (100...999).contains(code) else {
                throw .malformed("status line '\(statusLine.prefix(60))'")
            }
            version = String(parts[0])
            status = code
            headers = []
            while true {
                let h = try counted(try line(deadline, cancelled, answered: true))
                if h.isEmpty { break }
                guard let colon = h.firstIndex(of: ":") else { throw .malformed("header line '\(h.prefix(60))'") }
                headers.append((String(h[..<colon]), h[h.index(after: colon)...].trimmingCharacters(in: .whitespaces)))
            }
        } while (100...199).contains(status)

        var response = HTTPResponse(status: status, headers: headers, body: [], bodyBytes: 0)
        let connection = response.header("Connection")?.lowercased() ?? ""
        var keepAlive = version == "HTTP/1.1" ? !connection.contains("close") : connection.contains("keep-alive")
        if head || status == 204 || status == 304 {
            // no body
        } else if response.header("Transfer-Encoding")?.lowercased().contains("chunked") == true {
            while true {
                let sizeLine = try line(deadline, cancelled, answered: true)
                guard let size = Int(sizeLine.split(separator: ";")[0].trimmingCharacters(in: .whitespaces), radix: 16),
                      size >= 0 else { throw .malformed("chunk size '\(sizeLine.prefix(20))'") }
                if size == 0 {
                    while try !line(deadline, cancelled, answered: true).isEmpty {}  // trailers
                    break
                }
                try body(size, into: &response, limit: bodyLimit, deadline, cancelled)
                _ = try line(deadline, cancelled, answered: true)
            }
        } else if let lengthText = response.header("Content-Length") {
            guard let length = Int(lengthText), length >= 0 else { throw .malformed("Content-Length '\(lengthText)'") }
            try body(length, into: &response, limit: bodyLimit, deadline, cancelled)
        } else {
            keepAlive = false
            while true {
                take(available, into: &response, limit: bodyLimit)
                do { try fill(deadline, cancelled, answered: true) } catch { if case .closed = error { break }; throw error }
            }
        }
        if !keepAlive { disconnect() }
        return response
    }

    private func body(_ length: Int, into r: inout HTTPResponse, limit: Int, _ deadline: UInt64, _ cancelled: () -> Bool) throws(HTTPFailure) {
        var remaining = length
        while remaining > 0 {
            if available == 0 { try fill(deadline, cancelled, answered: true) }
            let n = min(remaining, available)
            take(n, into: &r, limit: limit)
            remaining -= n
        }
    }

    private func take(_ n: Int, into r: inout HTTPResponse, limit: Int) {
        let keep = max(0, min(n, limit - r.body.count))
        if keep > 0 { r.body.append(contentsOf: buffer[start..<(start + keep)]) }
        r.bodyBytes += n
        start += n
    }
}
