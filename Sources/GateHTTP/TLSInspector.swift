import CGateTLS
import Foundation
import GateCore

/// What a server's TLS endpoint presented in one handshake.
public struct TLSReport: Sendable, Hashable {
    /// "TLSv1.3".
    public var version: String
    public var cipher: String
    /// The chain verifies against the trust store (the system's, or the CA file given).
    public var chainValid: Bool
    /// OpenSSL's words for the verification result ("self-signed certificate", "ok").
    public var chainText: String
    public var hostnameMatches: Bool
    public var subject: String
    public var issuer: String
    public var subjectAltNames: [String]
    public var notBefore: Date
    public var notAfter: Date
    /// The earliest expiry among the certificates the server sent (an intermediate may expire first).
    public var chainNotAfter: Date
    public var chainLength: Int

    /// Whole days from `now` until the earliest expiry in the chain (negative once expired).
    public func daysToExpiry(now: Date) -> Int {
        Int((chainNotAfter.timeIntervalSince(now) / 86_400).rounded(.down))
    }
}

/// A TLS handshake made only to look: it reports what the server presents even when verification would
/// fail (as `curl -k -v` shows), and sends no request, so no credential crosses an unverified channel.
///
/// Why a handshake of its own rather than libcurl's CURLINFO_CERTINFO or CURLINFO_TLS_SSL_PTR: a verifying
/// transfer never completes against a bad chain, so nothing could be reported about it; a non-verifying
/// transfer would send the request (and its token) to an unverified peer; the negotiated version and a
/// probe of the lowest accepted version need the TLS library itself. It is OpenSSL, which libcurl uses
/// here too, with the same trust store. It connects directly to host:port, not through a proxy.
public enum TLSInspector {
    /// Handshakes with host:port. `serverName` is the SNI name (default: the host); `maxMinor` caps the
    /// offered versions at TLS 1.x; `legacy` allows TLS 1.0 and 1.1 on our side.
    public static func inspect(host: String, port: Int, serverName: String? = nil, caFile: String? = nil,
                               timeout: Duration, maxMinor: Int? = nil, legacy: Bool = false) async -> Result<TLSReport, HTTPError> {
        let cancel = CancelFlag()
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (c: CheckedContinuation<Result<TLSReport, HTTPError>, Never>) in
                let thread = Thread {
                    c.resume(returning: run(host: host, port: port, serverName: serverName, caFile: caFile,
                                            timeout: timeout, maxMinor: maxMinor, legacy: legacy, cancel: cancel))
                }
                thread.name = "gate-tls"
                thread.stackSize = 1 << 20
                thread.start()
            }
        } onCancel: {
            cancel.set()
        }
    }

    private static func run(host: String, port: Int, serverName: String?, caFile: String?, timeout: Duration,
                            maxMinor: Int?, legacy: Bool, cancel: CancelFlag) -> Result<TLSReport, HTTPError> {
        var out = gate_tls_report()
        let version = maxMinor.map { gate_tls_version_code(Int32($0)) } ?? 0
        let rc = gate_tls_inspect(host, Int32(port), serverName, caFile, Int32(max(1, timeout.milliseconds)), version,
                                  legacy ? 1 : 0, cancel.pointer, &out)
        func text<T>(_ field: inout T) -> String {
            withUnsafeBytes(of: &field) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
        }
        guard rc == 0 else {
            let message = text(&out.error)
            let kind: HTTPError.Kind = rc == 1 ? (message.contains("resolve") ? .resolve : .connect) :
                (message.contains("timed out") ? .timeout : (message == "cancelled" ? .cancelled : .tls))
            return .failure(HTTPError(kind, message))
        }
        let san = text(&out.san)
        return .success(TLSReport(
            version: text(&out.version), cipher: text(&out.cipher), chainValid: out.verify_result == 0,
            chainText: text(&out.verify_text), hostnameMatches: out.hostname_matches == 1,
            subject: text(&out.subject), issuer: text(&out.issuer),
            subjectAltNames: san.isEmpty ? [] : san.components(separatedBy: ", "),
            notBefore: Date(timeIntervalSince1970: TimeInterval(out.not_before)),
            notAfter: Date(timeIntervalSince1970: TimeInterval(out.not_after)),
            chainNotAfter: Date(timeIntervalSince1970: TimeInterval(out.chain_not_after)),
            chainLength: Int(out.chain_length)))
    }
}

/// An int the C side polls, set from a cancellation handler.
private final class CancelFlag: @unchecked Sendable {
    let pointer = UnsafeMutablePointer<Int32>.allocate(capacity: 1)
    init() { pointer.initialize(to: 0) }
    deinit { pointer.deallocate() }
    func set() { pointer.pointee = 1 }
}
