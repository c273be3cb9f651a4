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

    /// Schema numbers no value can honour, on the built binary: a minLength of 10^12 and one of 1e300, a
    /// negative maxLength, an integer minimum of 1e300. gate built the boundary string of 10^12 - 1 bytes
    /// ("failed to allocate 1000000000048 bytes") or converted the others to Int, and aborted.
    @Test func schemaNumbersBeyondAnyValueAreSweptNotCrashedOn() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let dir = try TempDir("openapi-numbers")
        defer { dir.remove() }
        let schemas = ["{type: string, minLength: 1000000000000}", "{type: string, minLength: 1e300}",
                       "{type: string, maxLength: -3}", "{type: integer, minimum: 1e300}"]
        let parameters = schemas.enumerated().map { "        - {name: q\($0), in: query, required: false, schema: \($1)}" }
        try dir.write(["api.yaml": """
            openapi: 3.0.3
            info: {title: hostile numbers, version: 1.0.0}
            paths:
              /items:
                get:
                  parameters:
            \(parameters.joined(separator: "\n"))
                  responses: {"200": {description: ok}}
            """])
        let r = try await Exec.gate(["check", "health", "--set", "base-url=\(server.base)", "--set", "openapi=api.yaml",
                                     "--json", "r.json"], cwd: dir.path)
        #expect(r.code == 0 && r.signal == nil, "exit \(r.code): \(r.stdout)\(r.stderr.prefix(2000))")
        let report = try dir.read("r.json")
        #expect(report.contains("\"operations\" : 1"), "\(report)")
    }
}
