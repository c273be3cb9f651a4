#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
import Foundation

/// A resolved TCP address: the bytes of a sockaddr, ready for connect(2).
struct Endpoint: Sendable {
    let host: String
    let port: Int
    let family: Int32
    let address: [UInt8]

    /// Resolves `host` (a name or a literal address) once, so that probes do not pay for DNS.
    static func resolve(host: String, port: Int) throws(HTTPFailure) -> Endpoint {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SocketIO.streamType)
        var list: UnsafeMutablePointer<addrinfo>?
        let rc = getaddrinfo(host, String(port), &hints, &list)
        guard rc == 0, let first = list else {
            throw .connect("cannot resolve '\(host)': \(String(cString: gai_strerror(rc)))")
        }
        defer { freeaddrinfo(list) }
        let bytes = UnsafeRawBufferPointer(start: first.pointee.ai_addr, count: Int(first.pointee.ai_addrlen))
        return Endpoint(host: host, port: port, family: first.pointee.ai_family, address: Array(bytes))
    }
}

/// Why a request got no HTTP answer. The message never contains a credential.
enum HTTPFailure: Error, Sendable, CustomStringConvertible {
    case connect(String)
    case timeout
    /// The peer closed or reset the connection; `answered` is false when no byte of a response arrived.
    case closed(answered: Bool)
    case malformed(String)
    case cancelled

    var description: String {
        switch self {
        case .connect(let m): m
        case .timeout: "timed out"
        case .closed(let answered): answered ? "connection closed mid-response" : "connection closed without an answer"
        case .malformed(let m): "malformed response: \(m)"
        case .cancelled: "cancelled"
        }
    }
}

/// Thin wrappers over non-blocking sockets and poll(2). Waits are sliced so that a cancelled run stops
/// within a tenth of a second even when a server never answers.
enum SocketIO {
    #if canImport(Glibc) || canImport(Musl)
    static let streamType = Int32(SOCK_STREAM.rawValue)
    static let noSignal = Int32(MSG_NOSIGNAL)
    #else
    static let streamType = SOCK_STREAM
    static let noSignal: Int32 = 0
    #endif

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func errorText(_ code: Int32 = errno) -> String { String(cString: strerror(code)) }

    /// Opens a non-blocking TCP connection with TCP_NODELAY, waiting until `deadline`.
    static func connect(_ e: Endpoint, deadline: UInt64, cancelled: () -> Bool) throws(HTTPFailure) -> Int32 {
        let fd = socket(e.family, streamType, 0)
        guard fd >= 0 else { throw .connect("socket: \(errorText())") }
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        var one: Int32 = 1
        _ = setsockopt(fd, Int32(IPPROTO_TCP), TCP_NODELAY, &one, socklen_t(MemoryLayout<Int32>.size))
        #if canImport(Darwin)
        _ = setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        let rc = e.address.withUnsafeBytes { raw in
            sysConnect(fd, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
        }
        if rc != 0 && errno != EINPROGRESS {
            let text = errorText()
            close(fd)
            throw .connect("cannot connect to \(e.host):\(e.port): \(text)")
        }
        do {
            try wait(fd, events: Int16(POLLOUT), deadline: deadline, cancelled: cancelled)
        } catch {
            close(fd)
            if case .timeout = error { throw .connect("cannot connect to \(e.host):\(e.port): timed out") }
            throw error
        }
        var err: Int32 = 0
        var len = socklen_t(MemoryLayout<Int32>.size)
        _ = getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len)
        if err != 0 {
            close(fd)
            throw .connect("cannot connect to \(e.host):\(e.port): \(errorText(err))")
        }
        return fd
    }

    /// Waits until `fd` is ready for `events`, the deadline passes, or the run is cancelled.
    static func wait(_ fd: Int32, events: Int16, deadline: UInt64, cancelled: () -> Bool) throws(HTTPFailure) {
        while true {
            if cancelled() { throw .cancelled }
            let now = now()
            guard now < deadline else { throw .timeout }
            let slice = Int32(min(100, (deadline - now) / 1_000_000 + 1))
            var p = pollfd(fd: fd, events: events, revents: 0)
            let rc = poll(&p, 1, slice)
            if rc > 0 { return }
            if rc < 0 && errno != EINTR { throw .closed(answered: false) }
        }
    }

    /// Sends every byte, or throws.
    static func send(_ fd: Int32, _ bytes: [UInt8], deadline: UInt64, cancelled: () -> Bool) throws(HTTPFailure) {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { raw in
                sysSend(fd, raw.baseAddress! + offset, raw.count - offset, noSignal)
            }
            if n > 0 { offset += n; continue }
            if n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                try wait(fd, events: Int16(POLLOUT), deadline: deadline, cancelled: cancelled)
                continue
            }
            throw .closed(answered: false)
        }
    }

    /// Receives what is available into `buffer`; returns 0 at end of stream.
    static func receive(_ fd: Int32, into buffer: inout [UInt8], deadline: UInt64, cancelled: () -> Bool) throws(HTTPFailure) -> Int {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = chunk.withUnsafeMutableBytes { raw in recv(fd, raw.baseAddress!, raw.count, 0) }
            if n > 0 { buffer.append(contentsOf: chunk[0..<n]); return n }
            if n == 0 { return 0 }
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR {
                try wait(fd, events: Int16(POLLIN), deadline: deadline, cancelled: cancelled)
                continue
            }
            if errno == ECONNRESET { return 0 }
            throw .closed(answered: false)
        }
    }
}

// The system calls under other names, so that SocketIO's own connect and send do not shadow them.
private func sysConnect(_ fd: Int32, _ addr: UnsafePointer<sockaddr>, _ len: socklen_t) -> Int32 {
    connect(fd, addr, len)
}

private func sysSend(_ fd: Int32, _ buf: UnsafeRawPointer, _ len: Int, _ flags: Int32) -> Int {
    send(fd, buf, len, flags)
}
