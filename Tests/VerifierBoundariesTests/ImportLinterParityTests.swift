import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierBoundaries

/// gate against import-linter 2.16 on `ParityCases`: every case against its expected verdict, and, when
/// lint-imports is installed (`.ci/deps test` puts it in .build/venv), lint-imports on the same files.
@Suite struct ImportLinterParityTests {
    /// lint-imports 2.16 when installed: $GATE_LINT_IMPORTS, .build/venv or .build/venv-bench.
    static let lintImports: String? = {
        let candidates = [ProcessInfo.processInfo.environment["GATE_LINT_IMPORTS"]].compactMap { $0 }
            + [Repo.path(".build/venv/bin/lint-imports"), Repo.path(".build/venv-bench/bin/lint-imports")]
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) }
    }()

    /// Writes a case's files (in their declared codec) and its configuration to a fresh directory.
    static func materialize(_ c: ParityCase) throws -> TempDir {
        let dir = try TempDir("parity")
        for (path, text) in c.files {
            let bytes = Array(text.utf8)
            let codec = PythonSource.declaredCoding(bytes) ?? c.encoding
            let data = try codec.map { try encode(text, to: $0) } ?? bytes
            try FileManager.default.createDirectory(atPath: (dir.file(path) as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(data).write(to: URL(fileURLWithPath: dir.file(path)))
        }
        _ = try dir.write([configName(c): c.config])
        return dir
    }

    static func configName(_ c: ParityCase) -> String { c.config.hasPrefix("[tool.") ? "pyproject.toml" : ".importlinter" }

    static func encode(_ text: String, to codec: String) throws -> [UInt8] {
        let name = codec == "latin-1" ? "ISO-8859-1" : codec
        // A codec iconv does not know (`klingon`) is written as UTF-8: the declaration is what matters.
        guard let converted = PythonSource.convert(Array(text.utf8), from: "UTF-8", to: name) else { return Array(text.utf8) }
        guard let out = converted else { throw VerifierError("cannot write the test file in \(codec)") }
        return out
    }

    /// gate's verdict, with the findings (or the error) as text for the `site` check.
    static func gate(_ c: ParityCase, in dir: TempDir) async -> (ParityCase.Verdict, String) {
        do {
            let outcome = try await Harness.run("config: \(configName(c))\n" + c.with, root: dir.path)
            let text = outcome.findings.map { "\($0.rule) \($0.path ?? "-"):\($0.line.map(String.init) ?? "-") \($0.message) [\($0.help ?? "")]" }.joined(separator: "\n")
            return (outcome.findings.contains { $0.severity == .error } ? .broken : .kept, text)
        } catch let e as ConfigError {
            return (.refused, e.description)
        } catch {
            return (.error, "\(error)")
        }
    }

    /// lint-imports' verdict from its output.
    static func lint(_ c: ParityCase, in dir: TempDir, program: String) async throws -> (ParityCase.Verdict, String) {
        let r = try await Exec.run([program, "--no-cache", "--no-logo", "--config", configName(c)] + c.lintArgs, cwd: dir.path,
                                   env: ["COLUMNS": "300", "NO_COLOR": "1", "PYTHONPATH": dir.path])
        let out = r.stdout + r.stderr
        if out.contains("is not configured correctly") { return (.refused, out) }
        if out.contains(" BROKEN") { return (.broken, out) }
        if out.contains(" KEPT") && r.code == 0 { return (.kept, out) }
        return (.error, out)
    }

    @Test(arguments: ParityCases.all)
    func gateReachesTheVerdict(_ c: ParityCase) async throws {
        let dir = try Self.materialize(c)
        defer { dir.remove() }
        let (verdict, detail) = await Self.gate(c, in: dir)
        #expect(verdict == c.gateVerdict, "\(c.name): gate says \(verdict), expected \(c.gateVerdict)\n\(detail)")
        if let site = c.site { #expect(detail.contains(site), "\(c.name): expected \(site) in\n\(detail)") }
    }

    @Test(.enabled(if: lintImports != nil, "lint-imports is not installed: `.ci/deps test` installs import-linter 2.16 into .build/venv"))
    func lintImportsAgrees() async throws {
        let program = try #require(Self.lintImports)
        var agree = 0, deliberate: [String] = [], disagree: [String] = []
        for c in ParityCases.all {
            let dir = try Self.materialize(c)
            defer { dir.remove() }
            let (theirs, output) = try await Self.lint(c, in: dir, program: program)
            let (ours, _) = await Self.gate(c, in: dir)
            #expect(theirs == c.expected, "\(c.name): lint-imports says \(theirs), the case expects \(c.expected)\n\(output)")
            if theirs == ours { agree += 1 } else if c.gate == ours { deliberate.append(c.name) } else { disagree.append("\(c.name) (lint-imports \(theirs), gate \(ours))") }
            if c.name == "broken_contract_guidance" { #expect(output.contains("Ask the platform team.\nSee the wiki.")) }
        }
        print("import-linter parity: \(agree) of \(ParityCases.all.count) cases agree with \(program); "
              + "\(deliberate.count) deliberate differences (\(deliberate.joined(separator: ", ")))")
        #expect(disagree.isEmpty, "gate and lint-imports disagree: \(disagree.joined(separator: "; "))")
    }
}
