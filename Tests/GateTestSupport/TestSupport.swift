import Foundation
import GateCore
import Testing

/// Paths in this repository, found from this file's location.
public enum Repo {
    /// The package root.
    public static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<3 { url.deleteLastPathComponent() }
        return url.path
    }()

    public static func path(_ relative: String) -> String { root + "/" + relative }

    /// The debug `gate` binary that `swift build --build-tests` produces.
    public static var gateBinary: String {
        if let override = ProcessInfo.processInfo.environment["GATE_BIN"] { return override }
        return path(".build/debug/gate")
    }

    /// Python with jsonschema: GATE_PYTHON (set by `make test`), else .build/venv, else python3.
    public static var python: String {
        if let p = ProcessInfo.processInfo.environment["GATE_PYTHON"], FileManager.default.isExecutableFile(atPath: p) {
            return p
        }
        let venv = path(".build/venv/bin/python")
        return FileManager.default.isExecutableFile(atPath: venv) ? venv : "python3"
    }
}

/// A fresh directory under the system temp dir, removed by `remove()`.
public struct TempDir: Sendable {
    public let path: String

    public init(_ label: String = "gate-test") throws {
        let base = FileManager.default.temporaryDirectory.path
        path = base + "/\(label)-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes files (relative path to content), creating directories.
    @discardableResult
    public func write(_ files: [String: String]) throws -> TempDir {
        for (rel, content) in files {
            let full = path + "/" + rel
            try FileManager.default.createDirectory(atPath: PathUtil.dirname(full), withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: full))
        }
        return self
    }

    public func file(_ rel: String) -> String { path + "/" + rel }

    public func read(_ rel: String) throws -> String {
        try String(contentsOfFile: file(rel), encoding: .utf8)
    }

    public func remove() { try? FileManager.default.removeItem(atPath: path) }
}

/// What a finished program did.
public struct Completed: Sendable {
    public var code: Int32
    public var stdout: String
    public var stderr: String
    public var signal: Int32?
}

/// Runs real programs for tests, through gate's own process runner.
public enum Exec {
    public static func run(_ argv: [String], cwd: String = Repo.root, env: [String: String] = [:],
                           timeout: Duration = .seconds(120)) async throws -> Completed {
        var environment = ProcessInfo.processInfo.environment
        for (k, v) in env { environment[k] = v }
        let spec = ProcessSpec(.argv(argv), environment: environment, cwd: cwd, captureLimit: 4 << 20, timeout: timeout)
        let r = try await ProcessRunner.run(spec)
        var signal: Int32?
        if case .signaled(let s) = r.termination { signal = s }
        return Completed(code: r.exitCode ?? -1, stdout: r.stdout.text, stderr: r.stderr.text, signal: signal)
    }

    /// Runs the built `gate` binary. GitHub Actions' variables are cleared unless the test sets them, so
    /// that tests running in a workflow do not annotate it or append to its step summary.
    public static func gate(_ args: [String], cwd: String, env: [String: String] = [:],
                            timeout: Duration = .seconds(120)) async throws -> Completed {
        let defaults = ["NO_COLOR": "1", "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""]
        return try await run([Repo.gateBinary] + args, cwd: cwd, env: env.merging(defaults) { a, _ in a },
                             timeout: timeout)
    }

    /// Runs git with a fixed identity, for tests that build real repositories.
    @discardableResult
    public static func git(_ args: [String], in dir: String) async throws -> Completed {
        let r = try await run(["git"] + args, cwd: dir, env: [
            "GIT_AUTHOR_NAME": "gate-test", "GIT_AUTHOR_EMAIL": "test@example.invalid",
            "GIT_COMMITTER_NAME": "gate-test", "GIT_COMMITTER_EMAIL": "test@example.invalid",
            "GIT_CONFIG_NOSYSTEM": "1", "HOME": dir,
        ])
        if r.code != 0 { Issue.record("git \(args.joined(separator: " ")) failed: \(r.stderr)") }
        return r
    }
}

/// Validation of emitted reports against the schemas in Tests/Schemas and docs/.
public enum SchemaCheck {
    /// Validates a JUnit file with `xmllint --schema`. Records an issue (the test fails) when invalid or
    /// when xmllint is missing: run `make test`, which installs it.
    public static func junit(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let r = try await Exec.run(["xmllint", "--noout", "--schema", Repo.path("Tests/Schemas/junit-10.xsd"), path])
        #expect(r.code == 0, "JUnit report \(path) does not validate:\n\(r.stderr)", sourceLocation: sourceLocation)
    }

    public static func sarif(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        try await json(path, schema: Repo.path("Tests/Schemas/sarif-2.1.0.schema.json"), sourceLocation: sourceLocation)
    }

    public static func report(_ path: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        try await json(path, schema: Repo.path("docs/report.schema.json"), sourceLocation: sourceLocation)
    }

    public static func json(_ path: String, schema: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) async throws {
        let r = try await Exec.run([Repo.python, Repo.path("Tests/Schemas/validate.py"), schema, path])
        #expect(r.code == 0, "\(path) does not validate against \(schema):\n\(r.stdout)\(r.stderr)",
                sourceLocation: sourceLocation)
    }
}

/// Golden files: compare output with a committed file; `GATE_RECORD=1` re-records, and a test that just
/// re-recorded fails on purpose so that nobody commits a recording by accident.
public enum Golden {
    public static func check(_ actual: String, _ relativePath: String, sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        let path = Repo.path(relativePath)
        if ProcessInfo.processInfo.environment["GATE_RECORD"] == "1" {
            try? FileManager.default.createDirectory(atPath: PathUtil.dirname(path), withIntermediateDirectories: true)
            try? actual.write(toFile: path, atomically: true, encoding: .utf8)
            Issue.record("re-recorded \(relativePath); run again without GATE_RECORD to verify", sourceLocation: sourceLocation)
            return
        }
        guard let expected = try? String(contentsOfFile: path, encoding: .utf8) else {
            Issue.record("missing golden file \(relativePath); record it with GATE_RECORD=1", sourceLocation: sourceLocation)
            return
        }
        if expected != actual {
            let e = expected.split(separator: "\n", omittingEmptySubsequences: false)
            let a = actual.split(separator: "\n", omittingEmptySubsequences: false)
            var i = 0
            while i < min(e.count, a.count) && e[i] == a[i] { i += 1 }
            Issue.record("""
                \(relativePath) differs at line \(i + 1):
                  expected: \(i < e.count ? String(e[i]) : "<end>")
                  actual:   \(i < a.count ? String(a[i]) : "<end>")
                Re-record deliberately with GATE_RECORD=1 if the change is intended.
                """, sourceLocation: sourceLocation)
        }
    }
}
