import CCurl
import GateCore

/// Setting a transfer's options on an easy handle, and reading its outcome back. Loop thread only.
enum CurlEasy {
    typealias Handle = UnsafeMutableRawPointer

    static let userAgent = "gate-health (libcurl/\(CurlGlobal.version))"

    /// Sets every option the request needs; returns an error when libcurl refuses one that matters.
    static func configure(_ h: Handle, _ t: CurlTransfer) -> HTTPError? {
        let r = t.request
        let user = Unmanaged.passUnretained(t).toOpaque()
        func long(_ o: CURLoption, _ v: Int) { _ = gate_curl_set_long(h, o, v) }
        func ms(_ d: Duration) -> Int { max(1, d.milliseconds) }

        guard gate_curl_set_string(h, CURLOPT_URL, r.url) == CURLE_OK else {
            return HTTPError(.badRequest, "'\(r.url)' is not a URL libcurl accepts")
        }
        _ = gate_curl_set_string(h, CURLOPT_PROTOCOLS_STR, "http,https")
        long(CURLOPT_PATH_AS_IS, 1)
        long(CURLOPT_NOSIGNAL, 1)
        long(CURLOPT_FOLLOWLOCATION, 0)
        long(CURLOPT_TIMEOUT_MS, ms(r.timeout))
        long(CURLOPT_CONNECTTIMEOUT_MS, ms(min(r.connectTimeout, r.timeout)))
        _ = gate_curl_set_pointer(h, CURLOPT_ERRORBUFFER, t.errorBuffer)
        _ = gate_curl_set_data_fn(h, CURLOPT_HEADERFUNCTION, curlHeaderCallback)
        _ = gate_curl_set_pointer(h, CURLOPT_HEADERDATA, user)
        _ = gate_curl_set_data_fn(h, CURLOPT_WRITEFUNCTION, curlWriteCallback)
        _ = gate_curl_set_pointer(h, CURLOPT_WRITEDATA, user)
        _ = gate_curl_set_string(h, CURLOPT_USERAGENT, userAgent)

        let version: Int = switch r.version {
        case .automatic: Int(CURL_HTTP_VERSION_2TLS)
        case .http1: Int(CURL_HTTP_VERSION_1_1)
        case .http2: Int(CURL_HTTP_VERSION_2_0)
        case .http2PriorKnowledge: Int(CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE)
        }
        long(CURLOPT_HTTP_VERSION, version)
        long(CURLOPT_SSL_VERIFYPEER, r.tls.insecure ? 0 : 1)
        long(CURLOPT_SSL_VERIFYHOST, r.tls.insecure ? 0 : 2)
        if let ca = r.tls.caFile { _ = gate_curl_set_string(h, CURLOPT_CAINFO, ca) }

        let scheme = r.url.lowercased().hasPrefix("https:") ? "https" : "http"
        let proxy = r.connectOnly ? ProxyChoice(proxy: "", noProxy: nil) : ProxyChoice.from(r.proxyEnvironment, scheme: scheme)
        _ = gate_curl_set_string(h, CURLOPT_PROXY, proxy.proxy)
        if let no = proxy.noProxy { _ = gate_curl_set_string(h, CURLOPT_NOPROXY, no) }

        if r.connectOnly {
            long(CURLOPT_CONNECT_ONLY, 1)
            return nil
        }
        let method = r.method.uppercased()
        switch method {
        case "GET": long(CURLOPT_HTTPGET, 1)
        case "HEAD": long(CURLOPT_NOBODY, 1)
        default:
            if method == "POST" { long(CURLOPT_POST, 1) } else { _ = gate_curl_set_string(h, CURLOPT_CUSTOMREQUEST, method) }
        }
        if let body = r.body ?? (method == "POST" || method == "PUT" || method == "PATCH" ? [] : nil) {
            _ = gate_curl_set_offset(h, CURLOPT_POSTFIELDSIZE_LARGE, curl_off_t(body.count))
            body.withUnsafeBufferPointer { b in
                _ = b.baseAddress.map { gate_curl_set_pointer(h, CURLOPT_COPYPOSTFIELDS, UnsafeMutableRawPointer(mutating: $0)) }
            }
            if body.isEmpty { _ = gate_curl_set_string(h, CURLOPT_COPYPOSTFIELDS, "") }
        }
        var list: UnsafeMutablePointer<curl_slist>?
        // No "Expect: 100-continue" pause on bodies: the server answers the whole request at once.
        for line in r.headers.map({ "\($0.name): \($0.value)" }) + ["Expect:"] {
            list = curl_slist_append(list, line)
        }
        t.headerList = list
        _ = gate_curl_set_list(h, CURLOPT_HTTPHEADER, list)
        return nil
    }

    /// The outcome of a finished transfer.
    static func collect(_ h: Handle, _ t: CurlTransfer, code: CURLcode) -> HTTPResult {
        func off(_ i: CURLINFO) -> Int {
            var v: curl_off_t = 0
            _ = gate_curl_get_offset(h, i, &v)
            return Int(v)
        }
        func long(_ i: CURLINFO) -> Int {
            var v = 0
            _ = gate_curl_get_long(h, i, &v)
            return v
        }
        func string(_ i: CURLINFO) -> String? {
            var p: UnsafeMutablePointer<CChar>?
            guard gate_curl_get_string(h, i, &p) == CURLE_OK, let p else { return nil }
            return String(cString: p)
        }
        let dns = off(CURLINFO_NAMELOOKUP_TIME_T), connect = off(CURLINFO_CONNECT_TIME_T)
        let app = off(CURLINFO_APPCONNECT_TIME_T), pre = off(CURLINFO_PRETRANSFER_TIME_T)
        let start = off(CURLINFO_STARTTRANSFER_TIME_T), total = off(CURLINFO_TOTAL_TIME_T)
        let tlsEnd = app > 0 ? app : connect
        let timings = HTTPTimings(
            dns: dns, connect: max(0, connect - dns), tls: app > 0 ? max(0, app - connect) : 0,
            firstByte: start > 0 ? max(0, start - max(pre, tlsEnd)) : 0,
            transfer: start > 0 ? max(0, total - start) : 0, total: total)

        guard code == CURLE_OK else {
            // A reused connection has no connect time: the request having gone out (pretransfer) says more.
            return .failure(error(code, t, timings: timings, reached: (pre > 0 || connect > 0, start > 0)))
        }
        let version: String = switch long(CURLINFO_HTTP_VERSION) {
        case Int(CURL_HTTP_VERSION_1_0): "1.0"
        case Int(CURL_HTTP_VERSION_2_0): "2"
        case Int(CURL_HTTP_VERSION_3): "3"
        default: "1.1"
        }
        var response = HTTPResponse(
            status: long(CURLINFO_RESPONSE_CODE), httpVersion: version, headers: t.headers, body: t.body,
            bodyBytes: t.bodyBytes, timings: timings, redirectURL: string(CURLINFO_REDIRECT_URL),
            reusedConnection: long(CURLINFO_NUM_CONNECTS) == 0, remoteAddress: string(CURLINFO_PRIMARY_IP) ?? "")
        if t.request.connectOnly { response.status = 0 }
        return .success(response)
    }

    private static func error(_ code: CURLcode, _ t: CurlTransfer, timings: HTTPTimings,
                              reached: (connected: Bool, answered: Bool)) -> HTTPError {
        let detail = String(cString: t.errorBuffer)
        let text = detail.isEmpty ? String(cString: curl_easy_strerror(code)) : detail
        let r = t.request
        func make(_ kind: HTTPError.Kind, _ message: String) -> HTTPError {
            HTTPError(kind, message, elapsed: timings.total, timings: timings)
        }
        if let reason = t.abortReason { return make(.tooLarge, reason) }
        switch code {
        case CURLE_OPERATION_TIMEDOUT:
            let phase = !reached.connected ? "connecting" : (!reached.answered ? "waiting for the answer" : "reading the answer")
            return HTTPError(.timeout, "timed out after \(format(r.timeout)) while \(phase)", elapsed: timings.total,
                             timings: timings)
        case CURLE_COULDNT_RESOLVE_HOST, CURLE_COULDNT_RESOLVE_PROXY: return make(.resolve, text)
        case CURLE_COULDNT_CONNECT: return make(.connect, text)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CACERT_BADFILE, CURLE_SSL_CERTPROBLEM,
             CURLE_SSL_CIPHER, CURLE_SSL_ISSUER_ERROR, CURLE_SSL_PINNEDPUBKEYNOTMATCH:
            return make(.tls, text)
        case CURLE_GOT_NOTHING: return make(.closed, "the server closed the connection without answering")
        case CURLE_RECV_ERROR, CURLE_SEND_ERROR, CURLE_PARTIAL_FILE:
            return make(.closed, reached.answered ? "the connection broke mid-answer: \(text)" : "the connection broke: \(text)")
        case CURLE_WEIRD_SERVER_REPLY, CURLE_HTTP2, CURLE_HTTP2_STREAM, CURLE_BAD_CONTENT_ENCODING, CURLE_UNSUPPORTED_PROTOCOL:
            return make(.malformed, "malformed answer: \(text)")
        case CURLE_URL_MALFORMAT: return make(.badRequest, text)
        case CURLE_ABORTED_BY_CALLBACK: return make(.cancelled, "cancelled")
        default: return make(.other, "\(text) (curl error \(code.rawValue))")
        }
    }

    static func format(_ d: Duration) -> String { DurationParsing.format(d) }
}
