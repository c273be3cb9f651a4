import Foundation
import GateCore
import GateOpenAPI
import GateTestSupport
import Testing
@testable import VerifierHealth

/// The "no hard 500s" sweep over Fixtures/health/openapi.yaml against the fixture service.
@Suite(.serialized) struct OpenAPISweepTests {
    @Test func aServiceThatValidatesItsInputHasNoServerErrors() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let r = try await check("base-url: \(server.base)\nopenapi: \(Repo.path("Fixtures/health/openapi.yaml"))")
        let o = try #require(r.outcome, "\(r.message ?? "")")
        #expect(o.findings.isEmpty, "\(r.messages)")
        #expect(o.stats["openapi"]?["operations"] == .int(4) && o.stats["openapi"]?["skippedOperations"] == .int(1))
        #expect((o.stats["openapi"]?["requests"]?.number ?? 0) > 40)
    }

    @Test func fiveHundredsOnMalformedIdsAreFindingsWithTheirRequest() async throws {
        let server = try await FixtureService(arguments: ["--crash-malformed"])
        defer { server.stop() }
        let r = try await check("base-url: \(server.base)\nopenapi: \(Repo.path("Fixtures/health/openapi.yaml"))")
        let o = try #require(r.outcome, "\(r.message ?? "")")
        let crashes = o.findings.filter { $0.rule == "health/server-error" }
        let where_ = Set(crashes.map { $0.message.components(separatedBy: " answered").first ?? "" })
        #expect(where_ == ["GET /items", "GET /items/{id}"], "\(r.messages)")
        let malformedID = try #require(crashes.first { $0.message.contains("id = 'not-a-integer' (malformed)") }, "\(r.messages)")
        #expect(malformedID.message.contains("/items/not-a-integer") && malformedID.path?.hasSuffix("openapi.yaml") == true)
        #expect(malformedID.line == 21)
    }

    @Test func mutationsRunOnlyWhenAllowed() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let r = try await check("base-url: \(server.base)\nopenapi: \(Repo.path("Fixtures/health/openapi.yaml"))\nallow-mutations: true")
        let o = try #require(r.outcome, "\(r.message ?? "")")
        #expect(o.stats["openapi"]?["operations"] == .int(5) && o.findings.isEmpty, "\(r.messages)")
    }

    @Test func aBrokenDocumentIsAnErrorNamingItsLine() async throws {
        let dir = try TempDir("openapi")
        defer { dir.remove() }
        try dir.write(["api.yaml": "openapi: 3.0.0\npaths:\n  /a:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/Nope'\n"])
        let r = try await check("base-url: http://127.0.0.1:9\nopenapi: api.yaml", root: dir.path)
        #expect(r.message?.contains("'#/components/parameters/Nope' names nothing in the document") == true, "\(r.message ?? "")")
        #expect(r.message?.contains("api.yaml:4:") == true || r.message?.contains("api.yaml:3:") == true, "\(r.message ?? "")")
    }
}
