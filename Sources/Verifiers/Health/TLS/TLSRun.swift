import Foundation
import GateCore
import GateHTTP

/// Inspects the certificate of an https URL: days to expiry against the thresholds, the hostname, the
/// chain (unless `insecure`, which skips it as `curl -k` does, while still reporting expiry), and the
/// lowest TLS version the server accepts.
enum TLSRun {
    static func run(_ t: TLSSpec, url: String, session: ProbeSession, judge: inout ProbeJudge) async throws -> (JSONValue, String) {
        guard case .success(let u) = URLParts.parse(url), u.scheme == "https" else {
            throw VerifierError("'tls' inspects an https URL; '\(url)' is not one")
        }
        let defaults = session.defaults
        let timeout = defaults.connectTimeout ?? defaults.timeout
        let name = "TLS \(u.host):\(u.port)"
        let report: TLSReport
        switch await TLSInspector.inspect(host: u.host, port: u.port, serverName: t.serverName, caFile: defaults.tls.caFile,
                                          timeout: timeout) {
        case .failure(let e):
            if e.kind == .cancelled { throw CancellationError() }
            judge.add("unreachable", "\(name): no TLS handshake: \(session.shown(e.message))", identity: "tls|handshake")
            return (.object(["handshake": false]), "TLS: no handshake")
        case .success(let r):
            report = r
        }
        let days = report.daysToExpiry(now: Date())
        var stats: [String: JSONValue] = [
            "version": .string(report.version), "cipher": .string(report.cipher), "daysToExpiry": .int(days),
            "notAfter": .string(DateText.timestamp(report.chainNotAfter)), "subject": .string(report.subject),
            "issuer": .string(report.issuer), "subjectAltNames": .array(report.subjectAltNames.map { .string($0) }),
            "hostnameMatches": .bool(report.hostnameMatches), "chainValid": .bool(report.chainValid),
            "chainLength": .int(report.chainLength),
        ]
        let expiry = DateText.day(of: report.chainNotAfter)
        if days < 0 {
            judge.add("cert-expiry", "\(name): the certificate expired on \(expiry) (\(-days) days ago)", identity: "tls|expiry",
                      evidence: ["notAfter": expiry], help: "Renew the certificate.")
        } else if let e = t.errorDays, days < e {
            judge.add("cert-expiry", "\(name): the certificate expires on \(expiry), in \(days) days (error below \(e))",
                      identity: "tls|expiry", evidence: ["notAfter": expiry, "days": String(days)], help: "Renew the certificate now.")
        } else if let w = t.warningDays, days < w {
            judge.add("cert-expiry-warning", .warning, "\(name): the certificate expires on \(expiry), in \(days) days (warning below \(w))",
                      identity: "tls|expiry", evidence: ["notAfter": expiry, "days": String(days)], help: "Plan the renewal.")
        }
        let checkName = t.serverName ?? u.host
        if !defaults.tls.insecure {
            if !report.hostnameMatches && t.serverName == nil {
                judge.add("cert-hostname", "\(name): the certificate does not name '\(checkName)' (it names "
                          + "\(report.subjectAltNames.isEmpty ? report.subject : report.subjectAltNames.joined(separator: ", ")))",
                          identity: "tls|hostname")
            }
            if !report.chainValid {
                judge.add("cert-chain", "\(name): the chain does not verify: \(report.chainText) (issuer \(report.issuer))",
                          identity: "tls|chain", help: "Serve the full chain, or trust its CA with 'ca:' (or 'insecure: true', as curl -k).")
            }
        }
        if let minMinor = t.minVersion {
            let negotiated = ["TLSv1": 0, "TLSv1.1": 1, "TLSv1.2": 2, "TLSv1.3": 3][report.version] ?? 3
            if negotiated < minMinor {
                judge.add("tls-version", "\(name): negotiated \(report.version), below the minimum TLS 1.\(minMinor)", identity: "tls|version")
            } else if minMinor > 0 {
                // Offer only versions below the minimum: a server that still completes the handshake accepts them.
                if case .success(let old) = await TLSInspector.inspect(host: u.host, port: u.port, serverName: t.serverName,
                                                                       caFile: defaults.tls.caFile, timeout: timeout,
                                                                       maxMinor: minMinor - 1, legacy: true) {
                    judge.add("tls-version", "\(name): the server still accepts \(old.version), below the minimum TLS 1.\(minMinor)",
                              identity: "tls|version", help: "Disable the old protocol versions in the server's TLS settings.")
                    stats["acceptsBelowMinimum"] = .string(old.version)
                }
            }
        }
        return (.object(stats), "TLS: \(report.version), certificate expires in \(days) days")
    }
}
