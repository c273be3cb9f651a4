import CCurl
import Synchronization

/// One request on its way through the loop: its options, what has arrived, and whom to tell.
/// The receive state is touched only by the loop thread (libcurl calls the callbacks there); `cancelled`
/// and `completion` are the only cross-thread parts.
final class CurlTransfer: @unchecked Sendable {
    let request: HTTPRequest
    let cancelled = Atomic<Bool>(false)
    /// How many times to send the request back to back (latency samples), on the loop thread without a
    /// hop back to the caller between them.
    let repeats: Int
    /// Results of the runs finished so far.
    var results: [HTTPResult] = []
    private let completion: @Sendable ([HTTPResult]) -> Void

    /// The raw lines of the current header block.
    private var head: [UInt8] = []
    var headerBytes = 0
    var headerCount = 0
    var body: [UInt8] = []
    var bodyBytes = 0
    /// Set when a callback stopped the transfer because a cap was passed.
    var abortReason: String?
    let errorBuffer = UnsafeMutablePointer<CChar>.allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
    var headerList: UnsafeMutablePointer<curl_slist>?

    init(_ request: HTTPRequest, repeats: Int = 1, completion: @escaping @Sendable ([HTTPResult]) -> Void) {
        self.request = request
        self.repeats = max(1, repeats)
        self.completion = completion
        errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit {
        errorBuffer.deallocate()
        if let headerList { curl_slist_free_all(headerList) }
    }

    /// Records one run's result. Returns true when another run is due (the receive state is then cleared).
    func record(_ result: HTTPResult) -> Bool {
        results.append(result)
        guard results.count < repeats, !cancelled.load(ordering: .acquiring) else { return false }
        head.removeAll(keepingCapacity: true)
        headerBytes = 0
        headerCount = 0
        body.removeAll(keepingCapacity: true)
        bodyBytes = 0
        abortReason = nil
        errorBuffer[0] = 0
        return true
    }

    /// Ends the transfer with the runs recorded.
    func complete() { completion(results) }

    /// Ends the transfer with `result` as its last run (or its only one).
    func finish(_ result: HTTPResult) {
        results.append(result)
        completion(results)
    }

    // MARK: Callbacks (loop thread)

    /// One header line, kept as bytes: parsing waits until the transfer is done, so that it does not count
    /// in the measured time. Each status line starts a new block, so that only the final block is kept.
    func receiveHeader(_ bytes: UnsafeRawBufferPointer) -> Bool {
        headerBytes += bytes.count
        headerCount += 1
        let limits = request.limits
        if headerBytes > limits.maxHeaderBytes || headerCount > limits.maxHeaderCount {
            abortReason = Self.headCapMessage(limits, byBytes: headerBytes > limits.maxHeaderBytes)
            return false
        }
        if bytes.count >= 5, bytes[0] == UInt8(ascii: "H"), bytes[1] == UInt8(ascii: "T"), bytes[2] == UInt8(ascii: "T"),
           bytes[3] == UInt8(ascii: "P"), bytes[4] == UInt8(ascii: "/") {
            head.removeAll(keepingCapacity: true)
        }
        head.append(contentsOf: bytes)
        return true
    }

    /// Says which cap a response's head passed, and both caps: "the response headers pass 256 KiB (gate
    /// reads at most 256 KiB in 500 lines)". tenant-isolation's findings carry these words.
    static func headCapMessage(_ limits: HTTPLimits, byBytes: Bool) -> String {
        let size = limits.maxHeaderBytes % 1024 == 0 ? "\(limits.maxHeaderBytes / 1024) KiB" : "\(limits.maxHeaderBytes) bytes"
        return "the response headers pass \(byBytes ? size : "\(limits.maxHeaderCount) lines") "
            + "(gate reads at most \(size) in \(limits.maxHeaderCount) lines)"
    }

    /// The final block's headers, in order; folded continuation lines join the header before them.
    var headers: [HTTPHeader] {
        var out: [HTTPHeader] = []
        for raw in head.split(separator: 10, omittingEmptySubsequences: true) {
            var end = raw.endIndex
            while end > raw.startIndex, raw[end - 1] == 13 { end -= 1 }
            let line = String(decoding: raw[raw.startIndex..<end], as: UTF8.self)
            if line.isEmpty || line.hasPrefix("HTTP/") { continue }
            if line.first == " " || line.first == "\t", !out.isEmpty {
                out[out.count - 1].value += " " + line.trimmed(" \t")
            } else if let colon = line.firstIndex(of: ":") {
                out.append(HTTPHeader(String(line[..<colon]), String(line[line.index(after: colon)...]).trimmed(" \t")))
            }
        }
        return out
    }

    func receiveBody(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bodyBytes += bytes.count
        let limits = request.limits
        let room = limits.keepBodyBytes - body.count
        if room > 0 { body.append(contentsOf: bytes.prefix(room)) }
        if bodyBytes > limits.maxBodyBytes {
            abortReason = "the response body exceeds \(limits.maxBodyBytes) bytes"
            return false
        }
        return true
    }
}

extension String {
    func trimmed(_ set: String) -> String {
        var s = Substring(self)
        while let f = s.first, set.contains(f) { s.removeFirst() }
        while let l = s.last, set.contains(l) { s.removeLast() }
        return String(s)
    }
}

// C entry points: libcurl passes the transfer back as the user pointer.
let curlHeaderCallback: gate_curl_data_fn = { ptr, size, count, user in
    let n = size * count
    guard let user, let ptr else { return n }
    let t = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return t.receiveHeader(UnsafeRawBufferPointer(start: ptr, count: n)) ? n : 0
}

let curlWriteCallback: gate_curl_data_fn = { ptr, size, count, user in
    let n = size * count
    guard let user, let ptr else { return n }
    let t = Unmanaged<CurlTransfer>.fromOpaque(user).takeUnretainedValue()
    return t.receiveBody(UnsafeRawBufferPointer(start: ptr, count: n)) ? n : 0
}
