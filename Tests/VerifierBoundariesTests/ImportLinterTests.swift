import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierBoundaries

/// import-linter configurations on Fixtures/boundaries/importlinter. The expected verdicts are what
/// lint-imports 2.16 printed for the same files; when lint-imports is installed (make bench installs it
/// into .build/venv) `liveAgreement` also runs it and compares.
@Suite struct ImportLinterTests {
    /// Contract name → broken, per configuration file, as lint-imports reports them.
    static let expected: [String: [String: Bool]] = [
        ".importlinter": ["Layered architecture": false, "Plugins are independent": true, "Only low uses json": true],
        "pyproject.toml": ["Layered architecture": true, "No cycles among plugins": true, "Only mid uses low": false],
        "setup.cfg": ["High does not import low directly or indirectly": true],
    ]

    static func verdicts(_ outcome: CheckOutcome, names: [String]) -> [String: Bool] {
        var out: [String: Bool] = [:]
        for n in names { out[n] = outcome.findings.contains { $0.severity == .error && $0.evidence?["rule"] == n } }
        return out
    }

    @Test(arguments: [".importlinter", "pyproject.toml", "setup.cfg"])
    func verdictsMatchLintImports(config: String) async throws {
        let outcome = try await Harness.fixture("importlinter", "config: \(config)\n")
        let expected = try #require(Self.expected[config])
        #expect(Self.verdicts(outcome, names: Array(expected.keys)) == expected)
    }

    @Test func contractDetails() async throws {
        let ini = try await Harness.fixture("importlinter", "config: .importlinter\n")
        #expect(ini.errors == [
            "forbidden mypkg/mid/service.py:1",
            "independence mypkg/plugins/blue/one.py:1", "independence mypkg/plugins/green/two.py:1",
        ])
        let toml = try await Harness.fixture("importlinter", "config: pyproject.toml\n")
        #expect(toml.errors.contains("layers mypkg/low/cache.py:1"))
        #expect(toml.errors.contains("layers mypkg/mid/service.py:5"))  // exclude_type_checking_imports is off here
        #expect(toml.messages("boundaries/acyclic").first?.contains("'mypkg.plugins.blue' -> 'mypkg.plugins.green' -> 'mypkg.plugins.blue'") == true)
        let cfg = try await Harness.fixture("importlinter", "config: setup.cfg\n")
        #expect(cfg.findings.first?.evidence?["chain"] == "mypkg.high.views (mypkg/high/views.py:1) -> mypkg.mid.service (mypkg/mid/service.py:1) -> mypkg.low.store")
    }

    @Test func liveAgreement() async throws {
        let lint = Repo.path(".build/venv/bin/lint-imports")
        guard FileManager.default.isExecutableFile(atPath: lint) else { return }  // installed by `make bench`
        let dir = Repo.path("Fixtures/boundaries/importlinter")
        for (config, expected) in Self.expected {
            let r = try await Exec.run([lint, "--no-cache", "--config", config], cwd: dir, env: ["COLUMNS": "200"])
            for (name, broken) in expected {
                #expect(r.stdout.contains("\(name) \(broken ? "BROKEN" : "KEPT")"), "lint-imports disagrees on '\(name)' in \(config):\n\(r.stdout)")
            }
        }
    }

    @Test func iniParsingFollowsConfigparser() throws {
        let text = "[importlinter]\nroot_package = a\n\n[importlinter:contract:x]\nName = X\n# comment\nlayers =\n    a.b\n    ; inside\n\n    a.c\nratio = 50%%\n"
        let ini = try IniFile(text: text, file: "t.ini")
        let s = try #require(ini.section("importlinter:contract:x"))
        #expect(s.values["name"]?.text == "X")
        #expect(s.values["layers"]?.text == "\na.b\n\na.c")
        #expect(try IniFile.interpolate(s.values["ratio"]!.text, in: s, file: "t.ini", line: 12) == "50%")
    }

    @Test func tomlReaderHandlesTheUsualShapes() throws {
        let text = """
            title = "x" # comment
            [tool.importlinter]
            root_packages = [
              "a",  # first
              'b',
            ]
            flag = true
            [[tool.importlinter.contracts]]
            name = \"\"\"multi
            line\"\"\"
            nested.key = 3
            inline = { a = 1, b = [1.5, 2e3] }
            when = 1979-05-27T07:32:00Z
            """
        let doc = try TOMLReader.parse(text, file: "p.toml")
        guard case .table(let tool)? = doc["tool"]?.value, case .table(let il)? = tool["importlinter"]?.value,
              case .array(let roots)? = il["root_packages"]?.value, case .array(let contracts)? = il["contracts"]?.value,
              case .table(let c)? = contracts.first?.value, case .string(let name)? = c["name"]?.value else {
            Issue.record("unexpected shape")
            return
        }
        #expect(roots.count == 2)
        #expect(name == "multi\nline")
        #expect(il["root_packages"]?.line == 3)
    }

    @Test func badConfigurationsNameFileAndLine() throws {
        let dir = try TempDir("il-bad")
        defer { dir.remove() }
        let cases: [(String, String, String)] = [
            (".importlinter", "[importlinter]\nroot_package = a\n[importlinter:contract:x]\nname = X\ntype = layerz\n", ".importlinter:5:1"),
            (".importlinter", "[importlinter]\nroot_package = a\nthis line has no delimiter\n", ".importlinter:3:1"),
            (".importlinter", "[importlinter]\nroot_package = a\n[importlinter:contract:x]\nname = X\ntype = forbidden\nsource_modules = a.b*\nforbidden_modules = c\n", ".importlinter:6:1"),
            ("pyproject.toml", "[tool.importlinter]\nroot_packages = [\"a\"\n\n[x]\n", "pyproject.toml:"),
            ("pyproject.toml", "[tool.importlinter]\nroot_package = \"a\"\n[[tool.importlinter.contracts]]\nname = \"n\"\n", "pyproject.toml:3:1"),
        ]
        for (name, text, location) in cases {
            try dir.write([name: text])
            do {
                _ = try Harness.verifier("config: \(name)\n", root: dir.path)
                Issue.record("\(name) should not load:\n\(text)")
            } catch {
                #expect(error.description.hasPrefix(location), "\(error.description)")
            }
        }
    }
}
