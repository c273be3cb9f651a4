import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierBoundaries

/// Runs the boundaries verifier the way a suite does: the `with:` block as YAML, generic parameter
/// validation through a registry, then `run` on a real directory.
enum Harness {
    static let registry = VerifierRegistry([BoundariesVerifier.self])

    static func verifier(_ with: String, root: String) throws(ConfigError) -> any Verifier {
        let value = try YAMLLoader.load(text: with, file: "suite.yaml")
        let params = try Parameters(mapping: value, root: root, location: SourceLocation(file: "suite.yaml", line: 1, column: 1))
        return try registry.make(BoundariesVerifier.self, parameters: params)
    }

    static func context(_ root: String) -> CheckContext {
        CheckContext(checkID: "boundaries", suiteName: "test", root: root, cwd: root, environment: [:], timeout: nil,
                     artifactsDirectory: root + "/.gate/artifacts", stateDirectory: root + "/.gate")
    }

    static func run(_ with: String, root: String) async throws -> CheckOutcome {
        try await verifier(with, root: root).run(context(root))
    }

    /// Runs on a fixture under Fixtures/boundaries.
    static func fixture(_ name: String, _ with: String) async throws -> CheckOutcome {
        try await run(with, root: Repo.path("Fixtures/boundaries/" + name))
    }

    /// Runs on files written to a fresh directory.
    static func files(_ files: [String: String], _ with: String) async throws -> CheckOutcome {
        let dir = try TempDir("boundaries")
        defer { dir.remove() }
        try dir.write(files)
        return try await run(with, root: dir.path)
    }
}

extension CheckOutcome {
    /// `rule path:line` for every error finding, in report order.
    var errors: [String] {
        findings.filter { $0.severity == .error }.sorted(by: Finding.reportOrder)
            .map { "\($0.rule.replacingOccurrences(of: "boundaries/", with: "")) \($0.path ?? "-"):\($0.line.map(String.init) ?? "-")" }
    }

    func messages(_ rule: String) -> [String] { findings.filter { $0.rule == rule }.map(\.message) }
}
