import Foundation
import GateCore
import GateTestSupport
import GRDB
import Testing
@testable import VerifierMigrations

/// Runs the verifier the way a suite does: the `with:` block as YAML, validated by the registry.
enum Check {
    static let registry = VerifierRegistry([MigrationsVerifier.self])

    static func make(_ yaml: String, root: String) throws(ConfigError) -> any Verifier {
        let value = try YAMLLoader.load(text: yaml, file: "with.yaml")
        let parameters = try Parameters(mapping: value, root: root, location: SourceLocation(file: "with.yaml", line: 1, column: 1))
        return try registry.make(MigrationsVerifier.self, parameters: parameters)
    }

    static func run(_ yaml: String, root: String) async throws -> CheckOutcome {
        let verifier = try make(yaml, root: root)
        let context = CheckContext(
            checkID: "migrations", suiteName: "test", root: root, cwd: root, environment: [:], timeout: nil,
            artifactsDirectory: root + "/.artifacts", stateDirectory: root + "/.gate")
        return try await verifier.run(context)
    }

    /// The error message when the verifier cannot run.
    static func error(_ yaml: String, root: String) async throws -> String? {
        do {
            _ = try await run(yaml, root: root)
            return nil
        } catch let e as VerifierError {
            return e.message
        }
    }
}

extension CheckOutcome {
    var rulesFound: Set<String> { Set(findings.map(\.rule)) }
    var failed: Bool { findings.contains { $0.severity == .error && !$0.waived } }
    func findings(_ rule: String) -> [Finding] { findings.filter { $0.rule == rule } }
}

/// Real SQLite files for tests.
enum SQLiteFile {
    /// Creates (or extends) `path` by running `sql`.
    static func make(_ path: String, _ sql: String) throws {
        let queue = try DatabaseQueue(path: path)
        try queue.write { try $0.execute(sql: sql) }
        try queue.close()
    }

    static func bytes(_ path: String) throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
}

/// A temporary root with migration files.
struct Workspace {
    let dir: TempDir

    init(_ label: String = "migrations", files: [String: String] = [:]) throws {
        dir = try TempDir(label)
        try dir.write(files)
    }

    var path: String { dir.path }
    func file(_ rel: String) -> String { dir.file(rel) }
    func write(_ files: [String: String]) throws { try dir.write(files) }
    func writeBytes(_ rel: String, _ bytes: [UInt8]) throws {
        let full = dir.file(rel)
        try FileManager.default.createDirectory(atPath: PathUtil.dirname(full), withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: full))
    }
    func database(_ sql: String, name: String = "history.sqlite") throws { try SQLiteFile.make(dir.file(name), sql) }
    func remove() { dir.remove() }
}

func sha256(_ s: String) -> String { Checksums.sha256Hex(Array(s.utf8)) }
