import Foundation
import GateTestSupport
import Testing

/// The health verifier through the built `gate` binary: exit codes, reports, bounded memory.
@Suite(.serialized) struct HealthEndToEndTests {
    @Test func aMissingTokenVariableIsAConfigurationErrorNamingTheKey() async throws {
        let dir = try TempDir("health-e2e")
        defer { dir.remove() }
        try dir.write(["suite.yaml": """
            suite: tokens
            checks:
              - id: api
                uses: health
                with:
                  url: http://127.0.0.1:9/health
                  token-env: HEALTH_E2E_TOKEN_\(UUID().uuidString.prefix(8))
            """])
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("suite.yaml:7:") && r.stderr.contains("'token-env'") && r.stderr.contains("HEALTH_E2E_TOKEN_"), "\(r.stderr)")
        #expect(r.stderr.contains("is not set or is empty"))
    }

    @Test func reportsValidateAndTheTokenStaysOutOfThem() async throws {
        let server = try await FixtureService()
        defer { server.stop() }
        let dir = try TempDir("health-e2e")
        defer { dir.remove() }
        // Made up at test time, in no real token format.
        let token = "e2e-" + UUID().uuidString.lowercased()
        try dir.write(["suite.yaml": """
            suite: health
            checks:
              - id: api
                uses: health
                with:
                  base-url: http://127.0.0.1:\(server.port)
                  token-env: E2E_TOKEN
                  requests:
                    - {url: /echo, json: ['$.authorization == "nobody"']}
                    - {url: /api/health, latency: {samples: 5, p95: {degraded: 1ms, critical: 10s}}}
            """])
        let r = try await Exec.gate(["run", "suite.yaml", "--reports", "out"], cwd: dir.path, env: ["E2E_TOKEN": token])
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        try await SchemaCheck.report(dir.file("out/report.json"))
        try await SchemaCheck.sarif(dir.file("out/report.sarif"))
        try await SchemaCheck.junit(dir.file("out/junit.xml"))
        for name in ["report.json", "report.sarif", "junit.xml", "report.html", "report.md"] {
            let text = try dir.read("out/" + name)
            #expect(!text.contains(token), "\(name) holds the token")
        }
        #expect(!r.stdout.contains(token) && !r.stderr.contains(token))
        let html = try dir.read("out/report.html")
        #expect(html.contains("class=\"dist\""), "the HTML report should draw the latency distribution")
    }

    /// A 200 MB header flood and an endless body end at their caps: the process stays small.
    @Test func hostileServersKeepMemoryBounded() async throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/time") else {
            Issue.record("/usr/bin/time is not installed (apt-get install time): memory cannot be measured")
            return
        }
        let server = try await FixtureService()
        defer { server.stop() }
        let dir = try TempDir("health-e2e")
        defer { dir.remove() }
        let r = try await Exec.run(["/usr/bin/time", "-f", "maxrss=%M", Repo.gateBinary, "check", "health",
                                    "--set", "base-url=http://127.0.0.1:\(server.port)",
                                    "--set", "requests=[{url: /header-flood}, {url: /endless}]", "--set", "timeout=20s"],
                                   cwd: dir.path, env: ["NO_COLOR": "1"])
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("health/size") || r.stdout.contains("exceed"), "\(r.stdout)")
        let kb = r.stderr.components(separatedBy: "maxrss=").last.flatMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) } ?? 0
        #expect(kb > 0 && kb < 200_000, "gate used \(kb) KB against a 200 MB header flood and an endless body")
    }
}
