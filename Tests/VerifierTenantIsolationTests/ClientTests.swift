import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierTenantIsolation

/// The HTTP client against the fixture app's wire routes, and the pure parsers (base URL, path templates,
/// id selectors).
@Suite struct ClientTests {
    @Test func bodiesInEveryFramingOverOneKeptConnection() async throws {
        let server = try await FixtureServer([])
        defer { server.stop() }
        let connection = HTTPConnection(endpoint: try Endpoint.resolve(host: "127.0.0.1", port: server.port),
                                        hostHeader: "127.0.0.1:\(server.port)")
        defer { connection.disconnect() }
        for how in ["chunked", "interim", "close", "chunked", "close"] {
            let r = try connection.request(method: "GET", target: "/wire/\(how)", headers: [], bodyLimit: 1 << 20,
                                           timeout: .seconds(10), cancelled: { false })
            #expect(r.status == 200)
            let json = try JSONDecoder().decode([String: String].self, from: Data(r.body))
            #expect(json["wire"] == how && json["pad"]?.count == 3000)
            #expect(r.bodyBytes == r.body.count)
        }
        // The body cap keeps the first bytes and still reads the rest, so the connection stays in step.
        let capped = try connection.request(method: "GET", target: "/wire/chunked", headers: [], bodyLimit: 10,
                                            timeout: .seconds(10), cancelled: { false })
        #expect(capped.body.count == 10 && capped.bodyBytes > 3000)
        let head = try connection.request(method: "HEAD", target: "/health", headers: [], bodyLimit: 100,
                                          timeout: .seconds(10), cancelled: { false })
        #expect(head.status == 200 && head.body.isEmpty && head.header("content-length") == "16")
        let next = try connection.request(method: "GET", target: "/health", headers: [], bodyLimit: 100,
                                          timeout: .seconds(10), cancelled: { false })
        #expect(String(decoding: next.body, as: UTF8.self) == #"{"status": "ok"}"#)
    }

    /// A head of more than 256 KiB, or of more than 500 lines, is refused instead of held: 200 MB of headers
    /// once took gate to 880 MB. A head under both limits is read as usual.
    @Test func oversizedHeadsAreRefused() async throws {
        let dir = try TempDir("ti-heads")
        defer { dir.remove() }
        let script = """
            import socket, sys
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
            open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
            import os; os.rename(sys.argv[1] + ".tmp", sys.argv[1])
            while True:
                c, _ = s.accept()
                req = c.recv(65536).decode()
                lines, size = (int(x) for x in req.split(" ")[1].strip("/").split("x"))
                head = "HTTP/1.1 200 OK\\r\\n" + "".join("X-H%d: %s\\r\\n" % (i, "h" * size) for i in range(lines))
                try: c.sendall((head + "Content-Length: 2\\r\\nConnection: close\\r\\n\\r\\nok").encode())
                except OSError: pass
                c.close()
            """
        try dir.write(["server.py": script])
        let server = Process()
        server.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        server.arguments = ["python3", dir.file("server.py"), dir.file("port")]
        server.standardOutput = FileHandle.nullDevice
        server.standardError = FileHandle.nullDevice
        try server.run()
        // SIGKILL: the test runner's children may inherit an ignored or blocked SIGTERM.
        defer { kill(server.processIdentifier, SIGKILL); server.waitUntilExit() }
        var port = 0
        for _ in 0..<200 where port == 0 {
            port = Int((try? String(contentsOfFile: dir.file("port"), encoding: .utf8)) ?? "") ?? 0
            if port == 0 { try await Task.sleep(for: .milliseconds(50)) }
        }
        let endpoint = try Endpoint.resolve(host: "127.0.0.1", port: port)
        func get(_ lines: Int, _ size: Int) -> Result<HTTPResponse, HTTPFailure> {
            let c = HTTPConnection(endpoint: endpoint, hostHeader: "x")
            defer { c.disconnect() }
            do throws(HTTPFailure) {
                return .success(try c.request(method: "GET", target: "/\(lines)x\(size)", headers: [], bodyLimit: 10,
                                              timeout: .seconds(10), cancelled: { false }))
            } catch { return .failure(error) }
        }
        guard case .success(let fine) = get(400, 100) else { Issue.record("a head under the limits was refused"); return }
        #expect(fine.status == 200 && fine.headers.count == 402 && fine.body == Array("ok".utf8))
        guard case .failure(let many) = get(600, 10) else { Issue.record("600 header lines were accepted"); return }
        #expect(many.description == "malformed response: the response headers pass 500 lines (gate reads at most 256 KiB in 500 lines)")
        guard case .failure(let big) = get(40, 8000) else { Issue.record("320 KB of headers were accepted"); return }
        #expect(big.description.hasPrefix("malformed response: the response headers pass 256 KiB"))
    }

    @Test func cancellationStopsAWaitingRequest() async throws {
        let server = try await FixtureServer(["--slow-id", "1"])
        defer { server.stop() }
        let connection = HTTPConnection(endpoint: try Endpoint.resolve(host: "127.0.0.1", port: server.port),
                                        hostHeader: "x")
        let start = ContinuousClock.now
        let deadline = start + .milliseconds(300)
        #expect(throws: HTTPFailure.self) {
            _ = try connection.request(method: "GET", target: "/tenants/acme/documents/1", headers: [], bodyLimit: 10,
                                       timeout: .seconds(30), cancelled: { ContinuousClock.now > deadline })
        }
        connection.disconnect()
    }

    @Test func baseURLs() throws {
        let b = try BaseURL("http://127.0.0.1:8080/api/")
        #expect(b.host == "127.0.0.1" && b.port == 8080 && b.prefix == "/api" && b.hostHeader == "127.0.0.1:8080" && b.isLoopback)
        let v6 = try BaseURL("http://[::1]:9000")
        #expect(v6.host == "::1" && v6.port == 9000 && v6.hostHeader == "[::1]:9000" && v6.prefix == "")
        #expect(try BaseURL("http://staging.internal").port == 80)
        for bad in ["ftp://x", "http://user:pw@host", "http://host:0", "http://host:99999", "http://", "http://h/a?b=1"] {
            #expect(throws: TemplateError.self, "\(bad)") { try BaseURL(bad) }
        }
    }

    @Test func pathTemplatesEncodeEachValueAsOneSegment() throws {
        let t = try PathTemplate("/tenants/{tenant}/docs/{id}", requireID: true)
        #expect(t.hasTenant && t.hasID)
        #expect(t.render(prefix: "/api", tenant: "a b", id: "../x") == "/api/tenants/a%20b/docs/..%2Fx")
        #expect(t.render(prefix: "", tenant: "acme", id: "ünï") == "/tenants/acme/docs/%C3%BCn%C3%AF")
        #expect(throws: TemplateError.self) { try PathTemplate("/docs/{id}", requireID: false) }
        #expect(throws: TemplateError.self) { try PathTemplate("docs/{id}", requireID: true) }
        #expect(throws: TemplateError.self) { try PathTemplate("/docs/{id", requireID: true) }
        #expect(throws: TemplateError.self) { try PathTemplate("/docs /{id}", requireID: true) }
    }

    @Test func idSelectors() throws {
        let json = try JSONDecoder().decode(JSONValue.self, from: Data("""
            {"documents": [{"id": 7}, {"id": "a-1"}, {"id": 2.0}, {"name": "no id"}], "meta": {"ids": [1, 2]}}
            """.utf8))
        #expect(try IDSelector("$.documents[*].id").select(json) == ["7", "a-1", "2"])
        #expect(try IDSelector("$.documents[*]").select(json) == ["7", "a-1", "2"])
        #expect(try IDSelector("$['meta'].ids[1]").select(json) == ["2"])
        #expect(try IDSelector("$.missing[*]").select(json) == [])
        let array = try JSONDecoder().decode(JSONValue.self, from: Data(#"[{"id": 3}, 4, "x"]"#.utf8))
        #expect(IDSelector.default.select(array) == ["3", "4", "x"])
        for bad in ["documents", "$.", "$[", "$[x]", "$x"] {
            #expect(throws: TemplateError.self, "\(bad)") { try IDSelector(bad) }
        }
    }
}
