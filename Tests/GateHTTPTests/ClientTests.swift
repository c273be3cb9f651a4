import Foundation
import GateCore
import GateHTTP
import GateTestSupport
import Testing

/// The libcurl client against a real Python server on loopback (Fixtures/health/server.py).
@Suite(.serialized) struct ClientTests {
    static func get(_ url: String, timeout: Duration = .seconds(10), limits: HTTPLimits = HTTPLimits(),
                    method: String = "GET", redirects: Int = 0, env: [String: String]? = nil) -> HTTPRequest {
        HTTPRequest(method: method, url: url, timeout: timeout, limits: limits, maxRedirects: redirects, proxyEnvironment: env)
    }

    @Test func answersWithStatusHeadersBodyAndPhaseTimingsOverOneKeptConnection() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let first = try await client.send(Self.get(server.url("/api/health"))).get()
        #expect(first.status == 200 && first.httpVersion == "1.1")
        #expect(first.header("content-type") == "application/json")
        let json = try JSONDecoder().decode(JSONValue.self, from: Data(first.body))
        #expect(json["status"] == .string("healthy"))
        let t = first.timings
        #expect(t.total > 0 && t.connect > 0 && t.tls == 0)
        #expect(t.dns + t.connect + t.tls + t.firstByte + t.transfer <= t.total + 50)
        #expect(!first.reusedConnection)
        let second = try await client.send(Self.get(server.url("/health"))).get()
        #expect(second.reusedConnection && second.timings.connect == 0)
        let head = try await client.send(Self.get(server.url("/health"), method: "HEAD")).get()
        #expect(head.status == 200 && head.body.isEmpty)
        let post = try await client.send(HTTPRequest(method: "POST", url: server.url("/echo"), body: Array("héllo".utf8))).get()
        let echoed = try JSONDecoder().decode(JSONValue.self, from: Data(post.body))
        #expect(echoed["body"] == .string("héllo"))
    }

    @Test func manyRequestsConcurrentlyComeBackInOrder() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient(maxConnectionsPerHost: 4)
        defer { client.shutdown() }
        let requests = (0..<40).map { Self.get(server.url("/size/\($0)")) }
        let results = await client.send(requests, concurrency: 4)
        #expect(results.count == 40)
        for (i, r) in results.enumerated() { #expect((try? r.get().bodyBytes) == i) }
    }

    @Test func aServerThatNeverAnswersTimesOutInTime() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let start = ContinuousClock.now
        let r = await client.send(Self.get(server.url("/hang"), timeout: .milliseconds(700)))
        let took = ContinuousClock.now - start
        guard case .failure(let e) = r else { Issue.record("expected a timeout, got \(r)"); return }
        #expect(e.kind == .timeout && e.message.contains("waiting for the answer"))
        #expect(took < .seconds(60), "the 0.7 s timeout did not end the request")
        let trickle = await client.send(Self.get(server.url("/trickle"), timeout: .milliseconds(700)))
        guard case .failure(let t) = trickle else { Issue.record("expected a timeout"); return }
        #expect(t.kind == .timeout && t.message.contains("reading the answer"))
    }

    @Test func resetsAndRefusalsAreFailuresNotCrashes() async throws {
        let server = try await FixtureService()
        let client = HTTPClient()
        defer { client.shutdown() }
        let reset = await client.send(Self.get(server.url("/reset")))
        guard case .failure(let e) = reset else { Issue.record("expected a failure, got \(reset)"); return }
        #expect(e.kind == .closed)
        let port = server.port
        server.stop()
        let refused = await client.send(Self.get("http://127.0.0.1:\(port)/health"))
        guard case .failure(let c) = refused else { Issue.record("expected a refusal"); return }
        #expect(c.kind == .connect)
        let unresolved = await client.send(Self.get("http://no-such-host.invalid/"))
        guard case .failure(let u) = unresolved else { Issue.record("expected a DNS failure"); return }
        #expect(u.kind == .resolve)
    }

    @Test func aFloodOfHeadersOrAnEndlessBodyStopsAtItsCap() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let start = ContinuousClock.now
        let flood = await client.send(Self.get(server.url("/header-flood"), timeout: .seconds(30)))
        guard case .failure(let f) = flood else { Issue.record("expected the header cap, got \(flood)"); return }
        #expect(f.kind == .tooLarge && f.message.contains("headers"))
        let limits = HTTPLimits(keepBodyBytes: 1000, maxBodyBytes: 4 << 20)
        let endless = await client.send(Self.get(server.url("/endless"), timeout: .seconds(30), limits: limits))
        guard case .failure(let b) = endless else { Issue.record("expected the body cap, got \(endless)"); return }
        #expect(b.kind == .tooLarge && b.message.contains("body exceeds"))
        #expect(ContinuousClock.now - start < .seconds(120), "the caps did not end the transfers")
        // Within the cap: the first bytes are kept, every byte counted.
        let big = try await client.send(Self.get(server.url("/size/5000"), limits: HTTPLimits(keepBodyBytes: 100))).get()
        #expect(big.body.count == 100 && big.bodyBytes == 5000 && big.bodyTruncated)
    }

    /// The head cap counts bytes and lines (status line, headers and the blank line, every block): a head
    /// under both passes whole, past either one the transfer stops and says which cap, and both.
    @Test func theHeadIsCappedInBytesAndInLines() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let fine = try await client.send(Self.get(server.url("/headers/400x100"))).get()
        #expect(fine.status == 200 && fine.header("x-h399")?.count == 100 && fine.body == Array("ok".utf8))
        let many = await client.send(Self.get(server.url("/headers/600x10")))
        guard case .failure(let m) = many else { Issue.record("600 header lines were accepted"); return }
        #expect(m.kind == .tooLarge && m.message == "the response headers pass 500 lines (gate reads at most 256 KiB in 500 lines)")
        let big = await client.send(Self.get(server.url("/headers/40x8000")))
        guard case .failure(let b) = big else { Issue.record("320 KB of headers were accepted"); return }
        #expect(b.kind == .tooLarge && b.message.hasPrefix("the response headers pass 256 KiB"))
        // Smaller caps apply as set.
        let tight = await client.send(Self.get(server.url("/headers/10x10"), limits: HTTPLimits(maxHeaderBytes: 1000, maxHeaderCount: 12)))
        guard case .failure(let t) = tight else { Issue.record("16 lines passed a cap of 12"); return }
        #expect(t.message == "the response headers pass 12 lines (gate reads at most 1000 bytes in 12 lines)")
    }

    @Test func redirectsAreAnswersUnlessAllowedAndNeverLeaveTheNamedHosts() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let plain = try await client.send(Self.get(server.url("/redirect/local"))).get()
        #expect(plain.status == 302 && plain.redirectURL == server.url("/health") && plain.redirects == 0)
        let followed = try await client.send(Self.get(server.url("/redirect/local"), redirects: 3)).get()
        #expect(followed.status == 200 && followed.redirects == 1)
        let away = try await client.send(Self.get(server.url("/redirect/away"), redirects: 3)).get()
        #expect(away.status == 302 && away.refusedRedirect == "http://elsewhere.invalid/health")
        let loop = try await client.send(Self.get(server.url("/redirect/loop"), redirects: 3)).get()
        #expect(loop.status == 302 && loop.redirects == 3)
    }

    @Test func cancellingTheTaskAbortsATransferPromptly() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let start = ContinuousClock.now
        let task = Task { await client.send(Self.get(server.url("/hang"), timeout: .seconds(60))) }
        try await Task.sleep(for: .milliseconds(300))
        task.cancel()
        let r = await task.value
        #expect(ContinuousClock.now - start < .seconds(55), "cancelling did not stop the 60 s transfer")
        guard case .failure(let e) = r else { Issue.record("expected cancellation"); return }
        #expect(e.kind == .cancelled)
        // The client still works afterwards.
        #expect((try? await client.send(Self.get(server.url("/health"))).get().status) == 200)
    }

    @Test func proxiesComeFromTheGivenEnvironmentTheWayCurlReadsThem() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        // The fixture answers absolute-form requests as a proxy would relay them, so reaching an
        // unresolvable host proves that the request went through it.
        let proxy = "http://127.0.0.1:\(server.port)"
        let via = try await client.send(Self.get("http://upstream.invalid/health", env: ["http_proxy": proxy])).get()
        #expect(via.status == 200)
        // curl ignores HTTP_PROXY in upper case for http (lib/url.c, detect_proxy).
        let upper = await client.send(Self.get("http://upstream.invalid/health", env: ["HTTP_PROXY": proxy]))
        #expect((try? upper.get()) == nil)
        let bypass = await client.send(Self.get("http://upstream.invalid/health",
                                                env: ["all_proxy": proxy, "no_proxy": "upstream.invalid"]))
        #expect((try? bypass.get()) == nil)
        #expect(ProxyChoice.from(["HTTPS_PROXY": "p:1"], scheme: "https").proxy == "p:1")
        #expect(ProxyChoice.from(nil, scheme: "https").proxy == "")
    }

    @Test func connectOnlyOpensAndClosesAConnection() async throws {
        let server = try await FixtureService()
        let client = HTTPClient()
        defer { client.shutdown() }
        let open = try await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)", connectOnly: true)).get()
        #expect(open.status == 0 && open.timings.connect > 0)
        server.stop()
        let closed = await client.send(HTTPRequest(url: "http://127.0.0.1:\(server.port)", timeout: .seconds(2), connectOnly: true))
        #expect((try? closed.get()) == nil)
    }

    @Test func urlsAreReadAsCurlReadsThem() throws {
        let p = try URLParts.parse("https://[::1]:8443/a/../b?x=1").get()
        #expect(p.scheme == "https" && p.host == "::1" && p.port == 8443 && p.target == "/a/../b?x=1")
        #expect(try URLParts.parse("http://Example.COM/").get().host == "example.com")
        #expect(try URLParts.parse("http://h/").get().port == 80)
        #expect(try URLParts.parse("http://u:p@h/").get().hasCredentials)
        for bad in ["ftp://h/", "not a url", "http://"] {
            #expect((try? URLParts.parse(bad).get()) == nil, "\(bad)")
        }
    }
}

extension JSONValue {
    /// An object's member, for tests.
    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

/// Latency samples: the same request back to back on the client's thread.
@Suite(.serialized) struct RepeatedSendTests {
    @Test func samplesRunBackToBackOverOneConnection() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let results = await client.send(HTTPRequest(url: server.url("/size/3")), times: 25)
        #expect(results.count == 25)
        let answers = results.compactMap { try? $0.get() }
        #expect(answers.count == 25 && answers.allSatisfy { $0.status == 200 && $0.body == Array("xxx".utf8) })
        // One connection for all of them: only the first connects.
        #expect(answers.filter(\.reusedConnection).count == 24)
    }

    @Test func aFailingSampleIsOneResultAndTheRestGoOn() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let results = await client.send(HTTPRequest(url: server.url("/sleep/300"), timeout: .milliseconds(100)), times: 3)
        #expect(results.count == 3)
        #expect(results.allSatisfy { if case .failure(let e) = $0 { e.kind == .timeout } else { false } })
    }

    @Test func cancellingStopsTheSamples() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let client = HTTPClient()
        defer { client.shutdown() }
        let start = ContinuousClock.now
        let task = Task { await client.send(HTTPRequest(url: server.url("/sleep/200")), times: 1000) }
        try await Task.sleep(for: .milliseconds(500))
        task.cancel()
        let results = await task.value
        #expect(results.count < 1000, "cancelling did not stop the samples")
        if case .failure(let e)? = results.last { #expect(e.kind == .cancelled) } else { Issue.record("the last result should say cancelled") }
    }
}
