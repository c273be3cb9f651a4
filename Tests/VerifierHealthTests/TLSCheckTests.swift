import Foundation
import GateCore
import GateOpenAPI
import GateTestSupport
import Testing
@testable import VerifierHealth

/// HTTPS on localhost: self-signed (curl -k) with its expiry, a CA-signed chain, expired and expiring
/// certificates, a name the certificate does not cover, and the minimum protocol version.
@Suite(.serialized) struct TLSCheckTests {
    @Test func selfSignedWithInsecureStillReportsExpiry() async throws {
        let dir = try TempDir("health-tls")
        defer { dir.remove() }
        let tls = try await TLSMaterial.make(in: dir.file("certs"), days: 20, selfSigned: true)
        let server = try await FixtureService(tls: tls)
        defer { server.stop() }
        let r = try await check("""
            base-url: https://localhost:\(server.port)
            insecure: true
            url: /health
            tls: {expiry: {warning: 30d, error: 7d}}
            """)
        #expect(r.rules == ["health/cert-expiry-warning"], "\(r.messages)")
        let o = try #require(r.outcome)
        #expect(o.stats["tls"]?["daysToExpiry"].flatMap(\.number).map { (18...20).contains($0) } == true)
        // Without -k the request itself is refused: the chain is untrusted.
        let strict = try await check("base-url: https://localhost:\(server.port)\nurl: /health\ntls: {}")
        #expect(strict.rules.contains("health/unreachable") && strict.rules.contains("health/cert-chain"), "\(strict.messages)")
    }

    @Test func aCASignedChainVerifiesAndItsNameIsChecked() async throws {
        let dir = try TempDir("health-tls")
        defer { dir.remove() }
        let tls = try await TLSMaterial.make(in: dir.file("certs"), days: 400)
        let server = try await FixtureService(tls: tls)
        defer { server.stop() }
        let ok = try await check("""
            base-url: https://localhost:\(server.port)
            ca: \(tls.caFile)
            url: /api/health
            json: ['$.status == "healthy"']
            tls: {min-version: "1.2"}
            """)
        #expect(ok.outcome?.findings.isEmpty == true, "\(ok.messages)")
        #expect(ok.outcome?.stats["tls"]?["version"] == .string("TLSv1.3"))
        let other = try await TLSMaterial.make(in: dir.file("other"), names: "DNS:api.example.test")
        let misnamed = try await FixtureService(tls: other)
        defer { misnamed.stop() }
        let bad = try await check("base-url: https://localhost:\(misnamed.port)\nca: \(other.caFile)\ntls: {}\nurl: /health")
        #expect(bad.rules == ["health/cert-hostname", "health/unreachable"], "\(bad.messages)")
    }

    @Test func aServerThatAcceptsTLS12FailsAMinimumOf13() async throws {
        let dir = try TempDir("health-tls")
        defer { dir.remove() }
        let tls = try await TLSMaterial.make(in: dir.file("certs"))
        let server = try await FixtureService(tls: tls)
        defer { server.stop() }
        let r = try await check("base-url: https://127.0.0.1:\(server.port)\nca: \(tls.caFile)\ntls: {min-version: \"1.3\"}")
        #expect(r.rules == ["health/tls-version"], "\(r.messages)")
        #expect(r.messages.first?.contains("still accepts TLSv1.2") == true)
    }

    @Test func anExpiringCertificate() async throws {
        let dir = try TempDir("health-tls")
        defer { dir.remove() }
        let soon = try await TLSMaterial.make(in: dir.file("soon"), days: 3)
        let server = try await FixtureService(tls: soon)
        defer { server.stop() }
        let r = try await check("base-url: https://localhost:\(server.port)\nca: \(soon.caFile)\ntls: {}")
        #expect(r.rules == ["health/cert-expiry"], "\(r.messages)")
        #expect(r.messages.first?.contains("in 2 days") == true, "\(r.messages)")
    }

    @Test(.enabled(if: TLSMaterial.canBackdate, "faketime is not installed: an expired certificate cannot be made"))
    func anExpiredCertificate() async throws {
        let dir = try TempDir("health-tls")
        defer { dir.remove() }
        let old = try await TLSMaterial.make(in: dir.file("old"), days: 10, backdate: 30, selfSigned: true)
        let expired = try await FixtureService(tls: old)
        defer { expired.stop() }
        let e = try await check("base-url: https://localhost:\(expired.port)\ninsecure: true\ntls: {}")
        #expect(e.rules == ["health/cert-expiry"] && e.messages.first?.contains("expired on") == true, "\(e.messages)")
    }
}
