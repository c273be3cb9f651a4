import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierHealth

/// Hostile servers: each is a finding within the timeout, never a crash or a hang.
@Suite(.serialized) struct FaultTests {
    @Test(arguments: [
        ("/hang", "health/unreachable", "timed out after 1.0s while waiting for the answer"),
        ("/reset", "health/unreachable", "connection"),
        ("/trickle", "health/unreachable", "timed out after 1.0s while reading the answer"),
        ("/header-flood", "health/size", "the response headers pass 256 KiB"),
        ("/endless", "health/size", "the response body exceeds 2000000 bytes"),
        ("/redirect/away", "health/redirect", "redirected to http://elsewhere.invalid/health"),
        ("/bad-json", "health/invalid-json", "the body is not JSON"),
    ])
    func hostileAnswersAreFindings(path: String, rule: String, text: String) async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let start = ContinuousClock.now
        let r = try await check("""
            base-url: \(server.base)
            url: \(path)
            timeout: 1s
            max-body: 2MB
            follow-redirects: 5
            status: [200, 302]
            json: ['$.status == "healthy"']
            """)
        #expect(r.rules.contains(rule), "\(path): \(r.messages)")
        #expect(r.messages.contains { $0.contains(text) }, "\(path): \(r.messages)")
        // Only a hang fails this: a loaded machine may take its time, but the probe must end.
        #expect(ContinuousClock.now - start < .seconds(300), "\(path) did not end")
    }

    @Test func tokensNeverAppearInFindingsOrStats() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        // Made up at test time, in no real token format.
        let token = "fixture-" + UUID().uuidString.lowercased() + "-secret"
        let r = try await check("""
            base-url: \(server.base)
            url: /echo
            token-env: HEALTH_TEST_TOKEN
            json: ['$.authorization == "nothing"']
            body-matches: ['^never$']
            """, env: ["HEALTH_TEST_TOKEN": token])
        let o = try #require(r.outcome)
        #expect(r.rules == ["health/body", "health/json"], "\(r.messages)")
        let everything = o.findings.map { $0.message + ($0.evidence ?? [:]).description }.joined() + o.summary + "\(o.stats)"
        #expect(!everything.contains(token) && !everything.contains(String(token.prefix(20))))
        // The token is replaced by its variable's name, and then the run's redactor masks the whole
        // "Bearer …" credential shape around it.
        #expect(everything.contains("…[redacted]") || everything.contains("[redacted:HEALTH_TEST_TOKEN]"), "\(everything)")
    }

    @Test func cancellationStopsAHangingCheckPromptly() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let verifier = try makeVerifier("base-url: \(server.base)\nurl: /hang\ntimeout: 60s")
        let start = ContinuousClock.now
        let task = Task { try await verifier.run(context(root: "/tmp")) }
        try await Task.sleep(for: .milliseconds(400))
        task.cancel()
        _ = await task.result
        #expect(ContinuousClock.now - start < .seconds(60), "the cancelled check did not stop")
    }
}
