import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierHealth

/// Builds the verifier from a `with:` block exactly as a suite does (generic checks, then init).
func makeVerifier(_ yaml: String, root: String = "/tmp") throws -> HealthVerifier {
    let value = try YAMLLoader.load(text: yaml, file: "suite.yaml")
    let params = try Parameters(mapping: value, root: root, location: SourceLocation(file: "suite.yaml", line: 1, column: 1))
    return try VerifierRegistry([HealthVerifier.self]).make(HealthVerifier.self, parameters: params) as! HealthVerifier
}

/// The ConfigError a `with:` block raises, or nil when it loads.
func configError(_ yaml: String, root: String = "/tmp") -> ConfigError? {
    do { _ = try makeVerifier(yaml, root: root); return nil } catch let e as ConfigError { return e } catch {
        Issue.record("unexpected error \(error)")
        return nil
    }
}

func context(root: String, env: [String: String] = [:]) -> CheckContext {
    var environment = ProcessInfo.processInfo.environment
    for (k, v) in env { environment[k] = v }
    return CheckContext(checkID: "health", suiteName: "test", root: root, cwd: root, environment: environment, timeout: nil,
                        artifactsDirectory: root + "/artifacts", stateDirectory: root + "/.gate",
                        redactor: Redactor(environment: environment))
}

/// Runs a check; the outcome, or the VerifierError's message.
func check(_ yaml: String, root: String = "/tmp", env: [String: String] = [:]) async throws -> Result<CheckOutcome, VerifierError> {
    let verifier = try makeVerifier(yaml, root: root)
    do { return .success(try await verifier.run(context(root: root, env: env))) } catch let e as VerifierError {
        return .failure(e)
    }
}

extension Result where Success == CheckOutcome, Failure == VerifierError {
    var outcome: CheckOutcome? { if case .success(let o) = self { o } else { nil } }
    var message: String? { if case .failure(let e) = self { e.message } else { nil } }
    var rules: [String] { (outcome?.findings.map(\.rule) ?? []).sorted() }
    var messages: [String] { outcome?.findings.map(\.message) ?? [] }
}

extension JSONValue {
    subscript(key: String) -> JSONValue? {
        if case .object(let o) = self { return o[key] }
        return nil
    }
}

/// The fixture server (Fixtures/health/server.py) as `base-url`.
extension FixtureService {
    var base: String { "\(scheme)://127.0.0.1:\(port)" }
}
