import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierDeterminism

/// Runs a determinism check the way a suite does: generic parameter validation, then `init`, then `run`,
/// in a fresh directory with its artifacts under `Reports/`.
struct Harness {
    let dir: TempDir

    init(_ label: String = "determinism", files: [String: String] = [:]) throws {
        dir = try TempDir(label)
        try dir.write(files)
    }

    var artifacts: String { dir.path + "/Reports/test/determinism/t" }

    func verifier(_ yaml: String) throws(ConfigError) -> any Verifier {
        let value = try YAMLLoader.load(text: yaml, file: "test.yaml")
        let params = try Parameters(mapping: value, root: dir.path, location: SourceLocation(file: "test.yaml", line: 1, column: 1))
        return try VerifierRegistry([DeterminismVerifier.self]).make(DeterminismVerifier.self, parameters: params)
    }

    func run(_ yaml: String, env: [String: String] = [:]) async throws -> CheckOutcome {
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        let context = CheckContext(checkID: "t", suiteName: "test", root: dir.path, cwd: dir.path, environment: environment,
                                   timeout: nil, artifactsDirectory: artifacts, stateDirectory: dir.path + "/.gate",
                                   redactor: Redactor(environment: environment))
        return try await verifier(yaml).run(context)
    }

    func remove() { dir.remove() }
}

extension CheckOutcome {
    var rulesFound: Set<String> { Set(findings.map(\.rule)) }
    var errors: [Finding] { findings.filter { $0.severity == .error } }
    var failed: Bool { !errors.isEmpty }

    func first(_ rule: String) -> Finding? { findings.first { $0.rule == rule } }

    func stat(_ key: String) -> JSONValue? { stats[key] }
}

/// Facts about this machine, for tests whose expectation depends on what it permits.
enum Machine {
    static func facts() async -> MachineFacts {
        await MachineProbe.facts(path: ProcessInfo.processInfo.environment["PATH"])
    }
}
