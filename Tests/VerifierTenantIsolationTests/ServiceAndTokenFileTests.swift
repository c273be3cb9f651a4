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
        let secure = try await check("base-url: http://127.0.0.1:{port}\nservice: {run: python3 api.py --port-file \(marker)b, "
                                     + "port-file: \(marker)b}\n" + Self.tenants + Self.resources, root: dir.path)
        #expect(secure.outcome?.findings.isEmpty == true, "\(secure.message ?? "") \(secure.outcome?.findings.map(\.message) ?? [])")
        let after = try await Exec.run(["pgrep", "-f", marker])
        #expect(after.stdout.isEmpty, "a service survived the check: \(after.stdout)")
    }

    @Test func aServiceThatDiesBeforeItsPortIsAnErrorWithItsOutput() async throws {
        let dir = try workspace()
        defer { dir.remove() }
        let r = try await check("service: {run: \"echo the database is down >&2; exit 3\", port-file: port}\n" + Self.tenants + Self.resources,
                                root: dir.path)
        let message = try #require(r.message)
        #expect(message.contains("ended before writing its port to 'port'") && message.contains("the database is down"), "\(message)")
    }

    /// A service that fails prints what it likes: the tenants' tokens and passwords (from the variables, and
    /// from a token file it wrote itself) are replaced in the error before it reaches any output.
    @Test func aFailingServicesOutputIsRedactedOfTheCredentials() async throws {
        let dir = try workspace()
        defer { dir.remove() }
        let fileToken = "tf" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        let env = ["TA": "ta" + String(UInt64.random(in: 1 << 40...1 << 50)), "PB": "pb" + String(UInt64.random(in: 1 << 40...1 << 50))]
        let yaml = """
            service: {run: "printf \(fileToken) > acme.token; echo booting with $TA and $PB and $(cat acme.token) >&2; exit 1", port-file: port}
            login: {path: /login, token: $.t}
            tenants:
              - {name: acme, token-file: acme.token}
              - {name: globex, token-env: TA}
              - {name: initech, password-env: PB}

            """ + Self.resources
        let r = try await check(yaml, root: dir.path, env: env)
        let message = try #require(r.message)
        #expect(message.contains("ended before writing its port") && message.contains("booting with [redacted] and [redacted] and [redacted]"),
                "\(message)")
        for secret in Array(env.values) + [fileToken] { #expect(!message.contains(secret)) }
    }

    /// Whatever is at the port-file path that is not a file (here a directory with a file in it) is left as
    /// it is, and the check says so; only a port file of an earlier run is removed.
    @Test func aPortFileThatIsADirectoryIsNotRemoved() async throws {
        let dir = try workspace()
        defer { dir.remove() }
        try dir.write(["victim/sub/keep": "keep"])
        let r = try await check("service: {run: sleep 30, port-file: victim}\n" + Self.tenants + Self.resources, root: dir.path)
        #expect(r.message?.contains("'port-file' 'victim' is a directory") == true, "\(r.message ?? "")")
        #expect(try dir.read("victim/sub/keep") == "keep")
    }

    /// A token goes into a header of every probe: a line break in it, or a ';' in a cookie token, would add
    /// headers or cookies nobody wrote. Refused before any request, naming the source but not the token.
    @Test func tokensThatWouldChangeTheRequestAreRefused() async throws {
        let dir = try TempDir("tenant-token-shape")
        defer { dir.remove() }
        let yaml = "base-url: http://127.0.0.1:9\ntenants: [{name: acme, token-env: TA}, {name: globex, token-env: TB}]\n"
            + "resources: [{path: \"/t/{tenant}/d/{id}\", ids: {acme: [1], globex: [2]}}]\n"
        let broken = try await check(yaml, root: dir.path, env: ["TA": "tok-aaaa\r\nX-Evil: 1", "TB": "tok-bbbb"])
        #expect(broken.message == "tenant 'acme': the token from the variable 'TA' holds a line break or another control character, "
                + "which would change the request's headers; give the token alone", "\(broken.message ?? "")")
        let cookie = try await check(yaml + "login: [{path: /login, capture: {token: 'cookie:session'}}]\n", root: dir.path,
                                     env: ["TA": "tok-aaaa", "TB": "tok-bbbb; admin=1"])
        #expect(cookie.message?.hasPrefix("tenant 'globex': the token from the variable 'TB' holds ';'") == true, "\(cookie.message ?? "")")
    }

    /// Only keys whose last word is a password word get the owner's password.
    @Test func passwordFieldsAreNamedByTheirLastWord() {
        for key in ["password", "new_password", "currentPassword", "user.pwd", "passwd", "pass", "NEW-PASSWORD", "passphrase"] {
            #expect(ProbePlan.isPasswordKey(key), "\(key)")
        }
        for key in ["password_hint", "password_reset_url", "passwordless", "passport", "compass", "bypass", "passwords_count", "id"] {
            #expect(!ProbePlan.isPasswordKey(key), "\(key)")
        }
        let body: JSONValue = .object(["password_hint": .string("h"), "user": .object(["new_password": .string("x"), "name": .string("n")]),
                                       "pwd": .int(3)])
        #expect(ProbePlan.keepingPassword(body, "P") == .object(["password_hint": .string("h"),
                                                                 "user": .object(["new_password": .string("P"), "name": .string("n")]),
                                                                 "pwd": .int(3)]))
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
        #expect(message("service: {run: x}\n" + base).contains("say where the service listens: give it a 'port-file'"))
        #expect(message("base-url: http://127.0.0.1:9\n" + base.replacingOccurrences(of: "token-env: A", with: "token-env: A, token-file: a.token"))
            .contains("tenant 'a' has both 'token-env' and 'token-file'; keep one"))
        #expect(configError("service: {run: x, port-file: p}\n" + base) == nil)
    }
}
