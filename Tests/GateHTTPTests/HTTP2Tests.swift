import Foundation
import GateCore
import GateHTTP
import GateTestSupport
import Testing

/// HTTP/2 against a real server that speaks it: nginx (Python's http.server does not), on free loopback
/// ports, with a certificate `openssl` makes for the test. Reported as skipped where nginx is absent (it
/// passed silently before, printing a line).
@Suite(.serialized) struct HTTP2Tests {
    static let nginx = ["/usr/sbin/nginx", "/usr/bin/nginx"].first { FileManager.default.isExecutableFile(atPath: $0) }

    @Test(.enabled(if: nginx != nil, "nginx is not installed: `.ci/deps test` installs it"))
    func http2IsNegotiatedOverTLSAndSpokenInCleartextWhenAsked() async throws {
        let nginx = try #require(Self.nginx)
        let dir = try TempDir("http2-\(UUID().uuidString)")
        defer { dir.remove() }
        let tls = try await TLSMaterial.make(in: dir.file("certs"))
        let (secure, clear) = (try Self.freePort(), try Self.freePort())
        // One process (master_process off), so that SIGKILL leaves no worker behind.
        try dir.write(["nginx.conf": """
            daemon off;
            master_process off;
            error_log \(dir.file("error.log"));
            pid \(dir.file("nginx.pid"));
            events { worker_connections 64; }
            http {
              access_log off;
              server {
                listen 127.0.0.1:\(secure) ssl http2;
                ssl_certificate \(tls.certFile);
                ssl_certificate_key \(tls.keyFile);
                location / { default_type application/json; return 200 '{"status":"ok"}'; }
              }
              server {
                listen 127.0.0.1:\(clear) http2;
                location / { default_type application/json; return 200 '{"status":"ok"}'; }
              }
            }
            """])
        let server = Process()
        server.executableURL = URL(fileURLWithPath: nginx)
        server.arguments = ["-p", dir.path, "-e", dir.file("error.log"), "-c", dir.file("nginx.conf")]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }

        let client = HTTPClient()
        defer { client.shutdown() }
        let trusted = TLSOptions(caFile: tls.caFile)
        func get(_ url: String, _ version: HTTPVersionPreference = .automatic, tls: TLSOptions = TLSOptions()) async -> HTTPResult {
            await client.send(HTTPRequest(url: url, tls: tls, version: version))
        }
        var first = await get("https://localhost:\(secure)/health", tls: trusted)
        for _ in 0..<300 {  // nginx may take a while to listen on a loaded machine
            guard case .failure(let e) = first, e.kind == .connect, server.isRunning else { break }
            try await Task.sleep(for: .milliseconds(100))
            first = await get("https://localhost:\(secure)/health", tls: trusted)
        }
        let h2 = try first.get()
        #expect(h2.status == 200 && h2.httpVersion == "2" && h2.body == Array(#"{"status":"ok"}"#.utf8))
        // The second request rides the same HTTP/2 connection.
        let again = try await get("https://localhost:\(secure)/health", tls: trusted).get()
        #expect(again.httpVersion == "2" && again.reusedConnection && again.timings.tls == 0)
        // Forced HTTP/1.1 over the same TLS port.
        let h1 = try await get("https://localhost:\(secure)/health", .http1, tls: trusted).get()
        #expect(h1.status == 200 && h1.httpVersion == "1.1")
        // Cleartext HTTP/2 needs prior knowledge (nginx does not upgrade).
        let h2c = try await get("http://127.0.0.1:\(clear)/health", .http2PriorKnowledge).get()
        #expect(h2c.status == 200 && h2c.httpVersion == "2")
    }

    /// A port that was free a moment ago (bound to 0, read back and released).
    static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw VerifierError("socket: \(errno)") }
        defer { close(fd) }
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) == 0 && getsockname(fd, $0, &len) == 0 }
        }
        guard bound else { throw VerifierError("bind: \(errno)") }
        return Int(UInt16(bigEndian: addr.sin_port))
    }
}
