import Foundation
import GateCore
import GateTestSupport
import GRDB
import Testing
@testable import VerifierTenantIsolation

/// Builds the verifier from a `with:` block, exactly as a suite does (generic checks, then init).
func makeVerifier(_ yaml: String, root: String) throws -> any Verifier {
    let value = try YAMLLoader.load(text: yaml, file: "suite.yaml")
    let params = try Parameters(mapping: value, root: root, location: SourceLocation(file: "suite.yaml", line: 1, column: 1))
    return try VerifierRegistry([TenantIsolationVerifier.self]).make(TenantIsolationVerifier.self, parameters: params)
}

/// The ConfigError a `with:` block raises, or nil when it loads.
func configError(_ yaml: String, root: String = "/tmp") -> ConfigError? {
    do { _ = try makeVerifier(yaml, root: root); return nil } catch let e as ConfigError { return e } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

func context(root: String, env: [String: String] = [:]) -> CheckContext {
    CheckContext(checkID: "tenant-isolation", suiteName: "test", root: root, cwd: root, environment: env, timeout: nil,
                 artifactsDirectory: root + "/artifacts", stateDirectory: root + "/.gate",
                 redactor: Redactor(environment: env))
}

/// Runs a check and returns its outcome, or the VerifierError message.
func check(_ yaml: String, root: String, env: [String: String] = [:]) async throws -> Result<CheckOutcome, VerifierError> {
    let verifier = try makeVerifier(yaml, root: root)
    do { return .success(try await verifier.run(context(root: root, env: env))) } catch let e as VerifierError {
        return .failure(e)
    }
}

extension Result where Success == CheckOutcome, Failure == VerifierError {
    var outcome: CheckOutcome? { if case .success(let o) = self { o } else { nil } }
    var message: String? { if case .failure(let e) = self { e.message } else { nil } }
}

/// A real SQLite file made by running `sql` (schema and rows) in a fresh temp directory.
struct SQLiteFixture {
    let dir: TempDir
    var path: String { dir.file("app.db") }

    init(_ sql: String) throws {
        dir = try TempDir("tenant-db")
        // Like SQLite itself (and unlike GRDB's default), leave foreign keys unenforced: real databases
        // hold the violations these tests are about.
        var config = Configuration()
        config.foreignKeysEnabled = false
        let queue = try DatabaseQueue(path: dir.file("app.db"), configuration: config)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }
}

/// Findings reduced to what the tests compare exactly: rule, message and row count.
func summary(_ findings: [Finding]) -> [String] {
    findings.map { f in
        "\(f.rule) | \(f.message)" + (f.evidence?["rows"].map { " | rows=\($0)" } ?? "")
            + (f.evidence?["examples"].map { " | \($0)" } ?? "")
    }.sorted()
}

/// The fixture HTTP app (Fixtures/tenant-isolation/app.py) as a real process on a free loopback port
/// (started and stopped by GateTestSupport's `FixtureService`).
final class FixtureServer: @unchecked Sendable {
    private let service: FixtureService
    var dir: TempDir { service.dir }
    var port: Int { service.port }
    /// TOKEN_<TENANT> variables with tokens made up for this run.
    let tokens: [String: String]

    static let tenants = ["acme", "globex", "initech"]

    init(_ flags: [String] = [], tenants: [String] = FixtureServer.tenants) async throws {
        var tokens: [String: String] = [:]
        for t in tenants {
            // Made up at test time; never a realistic credential shape.
            tokens["TOKEN_" + t.uppercased()] = "fixture-\(t)-" + UUID().uuidString.lowercased()
        }
        self.tokens = tokens
        service = try await FixtureService(script: "Fixtures/tenant-isolation/app.py",
                                           arguments: ["--tenants", tenants.joined(separator: ",")] + flags,
                                           environment: tokens)
    }

    var baseURL: String { "http://127.0.0.1:\(port)" }

    func stop() { service.stop() }

    /// The `tenants:` block naming each tenant's token variable.
    static func tenantsYAML(_ tenants: [String] = FixtureServer.tenants) -> String {
        "tenants:\n" + tenants.map { "  - {name: \($0), token-env: TOKEN_\($0.uppercased())}" }.joined(separator: "\n")
    }

    /// The ids app.py assigns: resources in order, then tenants, then `perTenant` each.
    static func ids(resources: [String], tenants: [String] = FixtureServer.tenants, perTenant: Int = 2) -> [String: [String: [Int]]] {
        var out: [String: [String: [Int]]] = [:]
        var next = 1
        for r in resources {
            for t in tenants {
                out[r, default: [:]][t] = Array(next..<(next + perTenant))
                next += perTenant
            }
        }
        return out
    }
}

/// The matrix from a check's stats: resource → actor → owner → cell.
func matrix(_ o: CheckOutcome) -> [String: [String: [String: String]]] {
    guard case .object(let http)? = o.stats["http"], case .object(let m)? = http["matrix"] else { return [:] }
    var out: [String: [String: [String: String]]] = [:]
    for (r, grid) in m {
        guard case .object(let rows) = grid else { continue }
        for (a, row) in rows {
            guard case .object(let cells) = row else { continue }
            for (o, cell) in cells { if case .string(let s) = cell { out[r, default: [:]][a, default: [:]][o] = s } }
        }
    }
    return out
}

/// A full matrix where every off-diagonal cell is `cross` and the diagonal `own`.
func uniformMatrix(_ tenants: [String], cross: String, own: String = "own") -> [String: [String: String]] {
    Dictionary(uniqueKeysWithValues: tenants.map { a in
        (a, Dictionary(uniqueKeysWithValues: tenants.map { o in (o, a == o ? own : cross) }))
    })
}
