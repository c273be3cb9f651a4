import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierTenantIsolation

/// `service:` starts the API under test and `{port}` is its port; `token-file` reads a tenant's token from
/// a file when the check runs. The example service of `gate explain` is the API (it writes its tokens).
@Suite struct ServiceAndTokenFileTests {
    static let resources = "resources:\n  - {path: \"/tenants/{tenant}/documents/{id}\", ids-from: \"/tenants/{tenant}/documents\"}\n"
    static let tenants = "tenants:\n  - {name: acme, token-file: acme.token}\n  - {name: globex, token-file: globex.token}\n"

    func workspace() throws -> TempDir {
        let dir = try TempDir("tenant-service")
        try dir.write(ExampleService.files)
        return dir
    }

    /// The service is started, probed through {port}, and stopped: no process of it is left, and the
    /// tokens it wrote never reach the outcome.
    @Test func startsTheServiceProbesItAndStopsIt() async throws {
        let dir = try workspace()
        defer { dir.remove() }
        let marker = "gate-ti-\(UInt32.random(in: 0...UInt32.max))"
        let yaml = "service: {run: \"python3 api.py --port-file \(marker) --idor\", port-file: \(marker)}\n"
            + Self.tenants + Self.resources
        let r = try await check(yaml, root: dir.path)
        let o = try #require(r.outcome, "\(r.message ?? "")")
        #expect(o.findings.map(\.rule).contains("tenant-isolation/cross-tenant-read"), "\(o.findings.map(\.message))")
        let text = "\(o.findings.map(\.message)) \(o.summary) \(o.stats)"
        for tenant in ["acme", "globex"] {
            let token = try dir.read(tenant + ".token")
            #expect(token.count == 32 && !text.contains(token), "the token of \(tenant) leaked")
        }
        let ps = try await Exec.run(["pgrep", "-f", marker])
        #expect(ps.stdout.isEmpty, "the service survived the check: \(ps.stdout)")
        // The same service, secure: nothing found, and base-url may name {port} explicitly.
        let secure = try await check("base-url: http://127.0.0.1:{port}\nservice: {run: python3 api.py --port-file port, port-file: port}\n"
                                     + Self.tenants + Self.resources, root: dir.path)
        #expect(secure.outcome?.findings.isEmpty == true, "\(secure.message ?? "") \(secure.outcome?.findings.map(\.message) ?? [])")
    }

    @Test func aServiceThatDiesBeforeItsPortIsAnErrorWithItsOutput() async throws {
        let dir = try workspace()
        defer { dir.remove() }
        let r = try await check("service: {run: \"echo the database is down >&2; exit 3\", port-file: port}\n" + Self.tenants + Self.resources,
                                root: dir.path)
        let message = try #require(r.message)
        #expect(message.contains("ended before writing its port to 'port'") && message.contains("the database is down"), "\(message)")
    }

    @Test func tokenFilesThatCannotBeUsedSaySo() async throws {
        let dir = try TempDir("tenant-token-file")
        defer { dir.remove() }
        let yaml = "base-url: http://127.0.0.1:9\n" + Self.tenants + "resources: [{path: \"/t/{tenant}/d/{id}\", ids: {acme: [1], globex: [2]}}]\n"
        let missing = try await check(yaml, root: dir.path)
        #expect(missing.message?.hasPrefix("tenant 'acme': cannot read its 'token-file' 'acme.token': No such file") == true,
                "\(missing.message ?? "")")
        // A FIFO nobody writes, and a device that never ends: refused at once, never waited on or read whole.
        #expect(mkfifo(dir.file("acme.token"), 0o600) == 0)
        let fifo = try await check(yaml, root: dir.path)
        #expect(fifo.message?.contains("'acme.token': it is not a regular file") == true, "\(fifo.message ?? "")")
        try FileManager.default.removeItem(atPath: dir.file("acme.token"))
        try FileManager.default.createSymbolicLink(atPath: dir.file("acme.token"), withDestinationPath: "/dev/zero")
        let zero = try await check(yaml, root: dir.path)
        #expect(zero.message?.contains("'acme.token': it is not a regular file") == true, "\(zero.message ?? "")")
        try FileManager.default.removeItem(atPath: dir.file("acme.token"))
        try dir.write(["acme.token": String(repeating: "t", count: 70_000)])
        let large = try await check(yaml, root: dir.path)
        #expect(large.message?.contains("'acme.token': it is larger than 64 KiB") == true, "\(large.message ?? "")")
        try dir.write(["acme.token": "one\n", "globex.token": "two\nlines\n"])
        let twoLines = try await check(yaml, root: dir.path)
        #expect(twoLines.message?.hasPrefix("tenant 'globex': its 'token-file' 'globex.token' is empty or holds more than one line")
                == true, "\(twoLines.message ?? "")")
    }

    @Test func badServiceAndTokenFileParametersExitTwo() {
        let base = "tenants: [{name: a, token-env: A}, {name: b, token-env: B}]\nresources: [{path: \"/t/{id}\", ids: {a: [1], b: [2]}}]\n"
        func message(_ yaml: String) -> String { configError(yaml)?.message ?? "(loaded)" }
        #expect(message("base-url: http://127.0.0.1:{port}\n" + base).contains("'{port}' in 'base-url' is the port a 'service' writes"))
        #expect(message("service: {run: python3 api.py}\nbase-url: http://127.0.0.1:{port}\n" + base)
            .contains("give 'service: {run: ..., port-file: port}'"))
        #expect(message("service: {run: x, port-file: p, start-timeout: soon}\n" + base).hasPrefix("'start-timeout'"))
        #expect(message("service: {run: x, port-file: p, restart: always}\n" + base).hasPrefix("unknown key 'restart' in 'service'"))
        #expect(message("service: {port-file: p}\n" + base).contains("'run'"))
        #expect(message("base-url: http://127.0.0.1:9\n" + base.replacingOccurrences(of: "token-env: A", with: "token-env: A, token-file: a.token"))
            .contains("tenant 'a' has both 'token-env' and 'token-file'; keep one"))
        #expect(configError("service: {run: x, port-file: p}\n" + base) == nil)
    }
}
