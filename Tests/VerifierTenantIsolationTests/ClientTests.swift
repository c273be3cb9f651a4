import Foundation
import GateCore
import GateTestSupport
import GateHTTP
import Testing
@testable import VerifierTenantIsolation

/// The HTTP client against the fixture app's wire routes, and the pure parsers (base URL, path templates,
/// id selectors).
@Suite struct ClientTests {
    static func probe(_ target: String, limit: Int = 1 << 20, method: String = "GET") -> ProbeRequest {
        ProbeRequest(method: method, target: target, tenant: nil, bodyLimit: limit)
    }

    static func send(_ requests: [ProbeRequest], to base: String, concurrency: Int = 1,
                     timeout: Duration = .seconds(10)) async throws -> [ProbeAnswer] {
        await ProbePool.run(requests, base: try BaseURL(base), tls: TLSOptions(), headers: { _ in [] },
                            concurrency: concurrency, timeout: timeout, environment: [:], progress: { _, _ in })
    }

    /// Every body framing the fixture's wire routes use, over kept-alive connections, through libcurl.
    @Test func bodiesInEveryFraming() async throws {
        let server = try await FixtureServer([])
        defer { server.stop() }
        let framings = ["chunked", "interim", "close", "chunked", "close"]
        let answers = try await Self.send(framings.map { Self.probe("/wire/\($0)") } + [Self.probe("/wire/chunked", limit: 10),
                                          Self.probe("/health", limit: 100, method: "HEAD"), Self.probe("/health", limit: 100)],
                                          to: server.baseURL)
        for (how, a) in zip(framings, answers) {
            #expect(a.status == 200, "\(how): \(a.failure ?? "")")
            let json = try JSONDecoder().decode([String: String].self, from: Data(a.body))
            #expect(json["wire"] == how && json["pad"]?.count == 3000)
        }
        // The body cap keeps the first bytes.
        #expect(answers[5].status == 200 && answers[5].body.count == 10)
        #expect(answers[6].status == 200 && answers[6].body.isEmpty)
        #expect(String(decoding: answers[7].body, as: UTF8.self) == #"{"status": "ok"}"#)
    }

    /// A head of more than 256 KiB, or of more than 500 lines, fails the probe instead of being held (200 MB
    /// of headers once took gate to 880 MB); a head under both limits is read as usual.
    @Test func oversizedHeadsAreRefused() async throws {
        let dir = try TempDir("ti-heads")
        defer { dir.remove() }
        let script = """
            import os, socket, sys
            s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(8)
            open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
            os.rename(sys.argv[1] + ".tmp", sys.argv[1])
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
        let base = "http://127.0.0.1:\(port)"
        let answers = try await Self.send([Self.probe("/400x100", limit: 10), Self.probe("/600x10"), Self.probe("/40x8000")], to: base)
        #expect(answers[0].status == 200 && answers[0].body == Array("ok".utf8), "\(answers[0].failure ?? "")")
        #expect(answers[1].status == nil && answers[1].failure == "the response headers pass 500 lines (gate reads at most 256 KiB in 500 lines)")
        #expect(answers[2].status == nil && answers[2].failure?.hasPrefix("the response headers pass 256 KiB") == true)
    }

    @Test func cancellationStopsWaitingProbes() async throws {
        let server = try await FixtureServer(["--slow-id", "1"])
        defer { server.stop() }
        let start = ContinuousClock.now
        let base = server.baseURL
        let task = Task { try await Self.send([Self.probe("/tenants/acme/documents/1")], to: base, timeout: .seconds(30)) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let answers = try await task.value
        // A cancellation that reached the transfer ends it as 'cancelled'; a lost one would end in the 30 s
        // timeout. No wall-clock bound: the full suite on two cores starved this test past 25 s (and past 5 s).
        #expect(answers.first?.status == nil && answers.first?.failure == "cancelled",
                "cancelling did not stop the 30 s probe: \(answers.first?.failure ?? "answered") after \(ContinuousClock.now - start)")
    }

    @Test func baseURLs() throws {
        let b = try BaseURL("http://127.0.0.1:8080/api/")
        #expect(b.host == "127.0.0.1" && b.port == 8080 && b.prefix == "/api" && b.origin == "http://127.0.0.1:8080" && b.isLoopback)
        let v6 = try BaseURL("http://[::1]:9000")
        #expect(v6.host == "::1" && v6.port == 9000 && v6.origin == "http://[::1]:9000" && v6.prefix == "")
        #expect(try BaseURL("http://staging.internal").port == 80)
        let tls = try BaseURL("https://staging.internal/v1")
        #expect(tls.scheme == "https" && tls.port == 443 && tls.origin == "https://staging.internal:443" && tls.prefix == "/v1")
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
        // VAmPI's list: every user's books, each with its owner in 'user'; the filter keeps the tenant's own.
        let books = try JSONDecoder().decode(JSONValue.self, from: Data("""
            {"Books": [{"book_title": "a1", "user": "alice"}, {"book_title": "b1", "user": "bob"}, {"book_title": "a2", "user": "alice"}]}
            """.utf8))
        let own = try IDSelector("$.Books[?(@.user == '{tenant}')].book_title")
        #expect(own.select(books, tenant: "alice") == ["a1", "a2"])
        #expect(own.select(books, tenant: "carol") == [])
        #expect(try IDSelector(#"$.Books[?(@.user == "bob")]"#).select(books, idField: "book_title") == ["b1"])
        #expect(try IDSelector("$.Books[*]").select(books, idField: "book_title") == ["a1", "b1", "a2"])
        for bad in ["documents", "$.", "$[", "$[x]", "$x", "$.Books[?(@.user)]", "$.Books[?(user == 'x')]",
                    "$.Books[?(@.user == x)]"] {
            #expect(throws: TemplateError.self, "\(bad)") { try IDSelector(bad) }
        }
    }
}
