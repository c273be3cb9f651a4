import CLibPQ
import Foundation
import GateCore

/// Waits for a statement's next result without ever blocking for long: the socket is polled in 100 ms
/// slices, between which a cancel request (a check timeout, Ctrl-C) or gate's own deadline sends
/// PQcancel. The server's `statement_timeout` normally ends a slow statement first; gate's deadline (the
/// same timeout plus two seconds) covers a server that stopped answering, and five seconds after a cancel
/// that was not answered either, the connection is abandoned.
struct PostgresWait {
    let conn: OpaquePointer
    let cancel: OpaquePointer?
    let requested: Locked<Bool>
    let timeout: Duration
    let started = ContinuousClock.now
    /// PQcancel was sent because the caller asked.
    private(set) var cancelSent = false
    /// PQcancel was sent because gate's own deadline passed.
    private(set) var timedOut = false
    private var cancelSentAt: ContinuousClock.Instant?

    init(conn: OpaquePointer, cancel: OpaquePointer?, requested: Locked<Bool>, timeout: Duration) {
        self.conn = conn
        self.cancel = cancel
        self.requested = requested
        self.timeout = timeout
    }

    mutating func untilReady(_ connection: PostgresConnection) throws(DatabaseFailure) {
        while PQisBusy(conn) == 1 {
            let now = ContinuousClock.now
            if let sentAt = cancelSentAt {
                if now - sentAt > .seconds(5) {
                    connection.closeHoldingLock()
                    throw timedOut
                        ? DatabaseFailure(.timeout, "'\(connection.displayName)' did not answer within the statement timeout "
                            + "(\(DurationParsing.format(timeout))), nor a cancel request; gave up on the connection. Is the "
                            + "server overloaded or stopped?")
                        : DatabaseFailure(.cancelled, "the statement on '\(connection.displayName)' was cancelled, and the "
                            + "server did not confirm; the connection was closed")
                }
            } else if requested.withLock({ $0 }) {
                cancelSent = true
                sendCancel(now)
            } else if now - started > timeout + .seconds(2) {
                timedOut = true
                sendCancel(now)
            }
            if Self.socket(PQsocket(conn), forWriting: false, milliseconds: 100) < 0 || PQconsumeInput(conn) == 0 {
                let failure = connection.lost("while waiting for an answer")
                connection.closeHoldingLock()
                throw failure
            }
        }
    }

    private mutating func sendCancel(_ now: ContinuousClock.Instant) {
        cancelSentAt = now
        guard let cancel else { return }
        var buffer = [CChar](repeating: 0, count: 256)
        _ = PQcancel(cancel, &buffer, Int32(buffer.count))
    }

    /// poll(2) on the socket: 1 when ready, 0 on timeout, -1 on a bad socket.
    static func socket(_ fd: Int32, forWriting: Bool, milliseconds: Int32) -> Int32 {
        guard fd >= 0 else { return -1 }
        var p = pollfd(fd: fd, events: Int16(forWriting ? POLLOUT : POLLIN), revents: 0)
        let r = poll(&p, 1, milliseconds)
        if r < 0 { return errno == EINTR ? 0 : -1 }
        return r
    }
}
