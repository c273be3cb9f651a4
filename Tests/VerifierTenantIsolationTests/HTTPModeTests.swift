import Foundation
import GateCore
import GateTestSupport
import GateHTTP
import Testing
@testable import VerifierTenantIsolation

/// The authorization matrix against the real fixture app (Fixtures/tenant-isolation/app.py) on loopback.
@Suite struct HTTPModeTests {
    static let tenants = FixtureServer.tenants
    static let documents = "/tenants/{tenant}/documents/{id}"
    static let invoices = "/objects/invoices/{id}"

    /// Documents by tenant path with ids from a keyed list; invoices by id alone with ids from /mine.
    static func config(_ server: FixtureServer, methods: String = "[GET]", extra: String = "") -> String {
        """
        base-url: \(server.baseURL)
        \(FixtureServer.tenantsYAML())
        resources:
          - {path: "\(documents)", ids-from: {path: "/tenants/{tenant}/documents", selector: "$.documents[*].id"}}
          - {path: "\(invoices)", ids-from: /mine/invoices}
        methods: \(methods)
        \(extra)
        """
    }

    func run(_ flags: [String], methods: String = "[GET]", extra: String = "",
             config: ((FixtureServer) -> String)? = nil) async throws -> CheckOutcome {
        let server = try await FixtureServer(flags)
        defer { server.stop() }
        let yaml = config?(server) ?? Self.config(server, methods: methods, extra: extra)
        let result = try await check(yaml, root: server.dir.path, env: server.tokens)
        let outcome = try #require(result.outcome, "\(result.message ?? "")")
        for token in server.tokens.values {
            #expect(!"\(outcome.findings) \(outcome.summary) \(outcome.stats)".contains(token), "a token leaked")
        }
        return outcome
    }

    func stat(_ o: CheckOutcome, _ key: String) -> JSONValue? {
        if case .object(let h)? = o.stats["http"] { return h[key] }
        return nil
    }

    @Test func isolatedServiceGivesAnEnforcedMatrix() async throws {
        let o = try await run([])
        #expect(o.findings.isEmpty, "\(summary(o.findings))")
        #expect(matrix(o) == [
            Self.documents: uniformMatrix(Self.tenants, cross: "enforced"),
            Self.invoices: uniformMatrix(Self.tenants, cross: "enforced"),
        ])
        // 12 list requests; documents: 3 owners × 2 ids × (own + anonymous + 2 actors × 2 forms) + 3 × 17 malformed;
        // invoices (no {tenant}, one form): 3 × 2 × (1 + 1 + 2) + 51.
        #expect(stat(o, "probes") == .int(12 + 36 + 51 + 24 + 51))
        #expect(stat(o, "unanswered") == 0)
        #expect(o.summary == "HTTP: 3 tenants × 2 resources, 174 probes: 12 cells enforced, 0 bypassed, 0 error")
        #expect(o.testcases == TestcaseLayout(names: [Self.documents, Self.invoices]))
    }

    @Test func headIsProbedToo() async throws {
        let o = try await run([], methods: "[GET, HEAD]", extra: "malformed-ids: false")
        #expect(o.findings.isEmpty, "\(summary(o.findings))")
        #expect(stat(o, "methods") == ["GET", "HEAD"])
        #expect(stat(o, "probes") == .int(12 + 2 * 36 + 2 * 24))
    }

    /// Python's standard server answers 501 to a method it does not implement: HEAD is dropped for each
    /// resource with a note, and the matrix is judged by GET alone (issue 23).
    @Test func aMethodAnswered501IsNotSupportedNotAServerError() async throws {
        let o = try await run(["--no-head"], methods: "[GET, HEAD]", extra: "malformed-ids: false")
        #expect(o.findings.isEmpty, "\(summary(o.findings))")
        #expect(matrix(o) == [
            Self.documents: uniformMatrix(Self.tenants, cross: "enforced"),
            Self.invoices: uniformMatrix(Self.tenants, cross: "enforced"),
        ])
        #expect(stat(o, "unsupportedMethods") == .object([Self.documents: ["HEAD"], Self.invoices: ["HEAD"]]))
        #expect(o.summary.contains("not supported (405/501), left out: HEAD on '\(Self.invoices)'; HEAD on '\(Self.documents)'"),
                "\(o.summary)")
        // With no method the service answers, nothing was tested: that is an error, named per resource.
        let none = try await run(["--no-head"], methods: "[HEAD]", extra: "malformed-ids: false")
        #expect(summary(none.findings).allSatisfy { $0.hasPrefix("tenant-isolation/probe-failed | no method in 'methods' is supported") },
                "\(summary(none.findings))")
        #expect(none.findings.count == 2)
        #expect(matrix(none)[Self.documents]?["acme"]?["globex"] == "error")
    }

    @Test func idorThroughTheActorsOwnPathIsBypassed() async throws {
        let o = try await run(["--idor"])
        #expect(matrix(o) == [Self.documents: uniformMatrix(Self.tenants, cross: "bypassed"), Self.invoices: uniformMatrix(Self.tenants, cross: "enforced")])
        let ids = ["acme": 1, "globex": 3, "initech": 5]
        var lines: [String] = []
        for actor in Self.tenants {
            for owner in Self.tenants where owner != actor {
                lines.append("tenant-isolation/cross-tenant-read | tenant '\(actor)' can read objects of tenant '\(owner)' "
                    + "through its own path carrying the other tenant's id (IDOR): GET /tenants/\(actor)/documents/"
                    + "\(ids[owner]!) answered 200 (2 of 2 probes)")
            }
        }
        #expect(summary(o.findings) == lines.sorted())
        let f = try #require(o.findings.first)
        #expect(f.evidence?["status"] == "200" && f.evidence?["body"]?.contains("\"tenant\": \"") == true)
        #expect(o.testcases?.assignments.values.allSatisfy { $0 == Self.documents } == true)
    }

    @Test func malformedIdsMustNotCrash() async throws {
        let o = try await run(["--crash-malformed"])
        #expect(matrix(o) == [
            Self.documents: uniformMatrix(Self.tenants, cross: "enforced"),
            Self.invoices: uniformMatrix(Self.tenants, cross: "enforced"),
        ])
        // app.py's parse_id calls Python's int(), which takes an optional sign and ASCII digits (Objects/longobject.c,
        // PyLong_FromString): the long, negative and overflowing numbers parse (and answer 404); every other
        // malformed kind raises ValueError, and the server answers 500.
        let crashing = ProbePlan.malformedIDs.filter { _, value in
            !(value.drop { $0 == "-" }.allSatisfy { $0.isASCII && $0.isNumber } && !value.isEmpty)
        }
        #expect(crashing.count == 13)
        let expected = crashing.flatMap { label, value in
            let encoded = URLParts.encodeComponent(value)
            return [
                "tenant-isolation/server-error | GET /tenants/acme/documents/\(encoded) answered 500 to \(label) "
                    + "(3 probes of '\(Self.documents)')",
                "tenant-isolation/server-error | GET /objects/invoices/\(encoded) answered 500 to \(label) "
                    + "(3 probes of '\(Self.invoices)')",
            ]
        }
        #expect(summary(o.findings) == expected.sorted())
    }

    @Test func publicResourceIsReadWithoutCredentials() async throws {
        let o = try await run(["--public", "documents"])
        #expect(matrix(o) == [
            Self.documents: uniformMatrix(Self.tenants, cross: "bypassed"),
            Self.invoices: uniformMatrix(Self.tenants, cross: "enforced"),
        ])
        let anonymous = summary(o.findings.filter { $0.rule == "tenant-isolation/unauthenticated-read" })
        #expect(anonymous == [
            "tenant-isolation/unauthenticated-read | GET /tenants/acme/documents answered 200 without credentials (3 of 3 list probes)",
            "tenant-isolation/unauthenticated-read | GET /tenants/acme/documents/1 answered 200 without credentials (6 of 6 anonymous probes)",
        ])
        // Both forms of every pair: the owner's path and the actor's own path.
        #expect(o.findings.filter { $0.rule == "tenant-isolation/cross-tenant-read" }.count == 12)
    }

    @Test func aProbeThatTimesOutIsAnErrorCell() async throws {
        let o = try await run(["--slow-id", "3"], config: { server in
            """
            base-url: \(server.baseURL)
            \(FixtureServer.tenantsYAML())
            resources:
              - {path: "\(Self.documents)", ids: {acme: [1], globex: [3], initech: [5]}}
            methods: [GET]
            timeout: 2s
            malformed-ids: false
            """
        })
        var expected = uniformMatrix(Self.tenants, cross: "enforced")
        for actor in Self.tenants { expected[actor]!["globex"] = "error" }
        #expect(matrix(o) == [Self.documents: expected])
        #expect(summary(o.findings) == [
            "tenant-isolation/probe-failed | 6 probes of '\(Self.documents)' got no answer: GET /tenants/globex/documents/3: "
                + "timed out after 2.0s while waiting for the answer",
        ])
        #expect(stat(o, "unanswered") == 6)
    }

    @Test func ownerWhoseTokenIsWrongVoidsItsCells() async throws {
        let server = try await FixtureServer([])
        defer { server.stop() }
        var env = server.tokens
        env["TOKEN_GLOBEX"] = "fixture-wrong-token"
        let yaml = """
            base-url: \(server.baseURL)
            \(FixtureServer.tenantsYAML())
            resources:
              - {path: "\(Self.documents)", ids: {acme: [1], globex: [3], initech: [5]}}
            methods: [GET]
            malformed-ids: false
            """
        let o = try #require(try await check(yaml, root: server.dir.path, env: env).outcome)
        // globex's row proves nothing: its refusals come from the bad token, not from isolation.
        var expected = uniformMatrix(Self.tenants, cross: "enforced")
        expected["globex"] = ["acme": "untested", "globex": "denied", "initech": "untested"]
        #expect(matrix(o) == [Self.documents: expected])
        #expect(o.summary.hasSuffix("4 cells enforced, 0 bypassed, 0 error, 2 untested"))
        #expect(summary(o.findings) == [
            "tenant-isolation/owner-denied | tenant 'globex' cannot read its own objects: GET /tenants/globex/documents/3 "
                + "answered 401, so its cells prove nothing",
        ])
    }

    @Test func unsetTokenVariableIsAnError() async throws {
        let server = try await FixtureServer([])
        defer { server.stop() }
        var env = server.tokens
        env["TOKEN_INITECH"] = nil
        let result = try await check(Self.config(server), root: server.dir.path, env: env)
        let message = try #require(result.message)
        #expect(message.hasPrefix("tenant 'initech': the environment variable 'TOKEN_INITECH' (its 'token-env') is not set"))
        for token in server.tokens.values { #expect(!message.contains(token)) }
    }

    /// The same matrix over HTTPS (the shared libcurl client), trusting the test CA; without it the
    /// untrusted certificate is an error naming the TLS failure.
    @Test func theMatrixOverHTTPS() async throws {
        let dir = try TempDir("tenant-tls")
        defer { dir.remove() }
        let tls = try await TLSMaterial.make(in: dir.file("certs"))
        let server = try await FixtureServer(["--idor", "--cert", tls.certFile, "--key", tls.keyFile])
        defer { server.stop() }
        let https = Self.config(server).replacingOccurrences(of: "http://127.0.0.1", with: "https://localhost")
        let result = try await check(https + "\nca: \(tls.caFile)", root: server.dir.path, env: server.tokens)
        let outcome = try #require(result.outcome, "\(result.message ?? "")")
        #expect(outcome.findings.contains { $0.rule == "tenant-isolation/cross-tenant-read" }, "\(outcome.findings.map(\.message))")
        #expect(matrix(outcome) == [Self.documents: uniformMatrix(Self.tenants, cross: "bypassed"),
                                    Self.invoices: uniformMatrix(Self.tenants, cross: "enforced")])
        let untrusted = try await check(https, root: server.dir.path, env: server.tokens)
        #expect(untrusted.message?.hasPrefix("cannot reach 'base-url' https://localhost:\(server.port): ") == true, "\(untrusted.message ?? "")")
    }

    @Test func unreachableBaseURLIsAnError() async throws {
        let port = try freePort()
        let dir = try TempDir("tenant-unreachable")
        defer { dir.remove() }
        let yaml = """
            base-url: http://127.0.0.1:\(port)
            \(FixtureServer.tenantsYAML())
            resources: [{path: "/d/{id}", ids: {acme: [1]}}]
            """
        let env = Dictionary(uniqueKeysWithValues: FixtureServer.tenants.map { ("TOKEN_" + $0.uppercased(), "fixture-x") })
        let message = try #require(try await check(yaml, root: dir.path, env: env).message)
        #expect(message.hasPrefix("cannot reach 'base-url' http://127.0.0.1:\(port): "), "\(message)")
        #expect(message.contains("127.0.0.1 port \(port)"), "\(message)")
        #expect(message.hasSuffix("start the service first, or fix 'base-url'"))
    }
}

/// A loopback port with nothing listening on it (bound, then released).
func freePort() throws -> Int {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    defer { close(fd) }
    var addr = sockaddr_in()
    addr.sin_family = sa_family_t(AF_INET)
    addr.sin_addr.s_addr = inet_addr("127.0.0.1")
    addr.sin_port = 0
    var len = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, len) } }
    _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
    return Int(UInt16(bigEndian: addr.sin_port))
}
