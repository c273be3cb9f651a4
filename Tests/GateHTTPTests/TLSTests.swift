import Foundation
import GateCore
import GateHTTP
import GateTestSupport
import Testing

/// HTTPS through libcurl and the inspection handshake, against the fixture server with certificates that
/// `openssl` makes for each test.
@Suite(.serialized) struct TLSTests {
    @Test func verifiedWithTheRightCAAndRefusedWithoutIt() async throws {
        let dir = try TempDir("tls")
        defer { dir.remove() }
        let tls = try await TLSMaterial.make(in: dir.file("certs"))
        let server = try await FixtureService(tls: tls)
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let ok = try await client.send(HTTPRequest(url: server.url("/health"), tls: TLSOptions(caFile: tls.caFile))).get()
        #expect(ok.status == 200 && ok.timings.tls > 0)
        let byName = try await client.send(HTTPRequest(url: server.url("/health", host: "localhost"),
                                                       tls: TLSOptions(caFile: tls.caFile))).get()
        #expect(byName.status == 200)
        let untrusted = await client.send(HTTPRequest(url: server.url("/health")))
        guard case .failure(let e) = untrusted else { Issue.record("an unknown CA must fail"); return }
        #expect(e.kind == .tls)
        let insecure = try await client.send(HTTPRequest(url: server.url("/health"), tls: TLSOptions(insecure: true))).get()
        #expect(insecure.status == 200)
    }

    @Test func inspectionReportsExpiryNamesChainAndVersion() async throws {
        let dir = try TempDir("tls")
        defer { dir.remove() }
        let tls = try await TLSMaterial.make(in: dir.file("certs"), days: 5)
        let server = try await FixtureService(tls: tls)
        defer { server.stop() }
        let trusted = try await TLSInspector.inspect(host: "127.0.0.1", port: server.port, caFile: tls.caFile,
                                                     timeout: .seconds(10)).get()
        #expect(trusted.chainValid && trusted.hostnameMatches)
        #expect(trusted.version == "TLSv1.3")
        #expect((4...5).contains(trusted.daysToExpiry(now: Date())))
        #expect(trusted.subjectAltNames.contains("DNS:localhost") && trusted.subjectAltNames.contains("IP:127.0.0.1"))
        #expect(trusted.subject.contains("CN=localhost") && trusted.issuer.contains("gate test CA"))
        let system = try await TLSInspector.inspect(host: "localhost", port: server.port, timeout: .seconds(10)).get()
        #expect(!system.chainValid && system.hostnameMatches && !system.chainText.isEmpty)
        let other = try await TLSInspector.inspect(host: "localhost", port: server.port, serverName: "api.example.test",
                                                   caFile: tls.caFile, timeout: .seconds(10)).get()
        #expect(other.chainValid)
        // Capped at TLS 1.2, the server still agrees: it accepts 1.2.
        let old = try await TLSInspector.inspect(host: "127.0.0.1", port: server.port, timeout: .seconds(10), maxMinor: 2).get()
        #expect(old.version == "TLSv1.2")
    }

    @Test func aHostnameTheCertificateDoesNotNameIsReported() async throws {
        let dir = try TempDir("tls")
        defer { dir.remove() }
        let tls = try await TLSMaterial.make(in: dir.file("certs"), names: "DNS:api.example.test")
        let server = try await FixtureService(tls: tls)
        defer { server.stop() }
        let r = try await TLSInspector.inspect(host: "127.0.0.1", port: server.port, caFile: tls.caFile,
                                               timeout: .seconds(10)).get()
        #expect(r.chainValid && !r.hostnameMatches)
        let client = HTTPClient()
        defer { client.shutdown() }
        let refused = await client.send(HTTPRequest(url: server.url("/health"), tls: TLSOptions(caFile: tls.caFile)))
        guard case .failure(let e) = refused else { Issue.record("a name mismatch must fail verification"); return }
        #expect(e.kind == .tls)
    }

    @Test func inspectionOfAPlainServerOrAClosedPortFails() async throws {
        let server = try await FixtureService()
        let plain = await TLSInspector.inspect(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        guard case .failure(let e) = plain else { Issue.record("plain HTTP is no TLS"); return }
        #expect(e.kind == .tls || e.kind == .timeout)
        server.stop()
        let closed = await TLSInspector.inspect(host: "127.0.0.1", port: server.port, timeout: .seconds(5))
        guard case .failure(let c) = closed else { Issue.record("a closed port must fail"); return }
        #expect(c.kind == .connect)
    }
}
