import Foundation
import GateCore
import GateTestSupport
import Testing

/// The import-linter rows of issue 28 through the built `gate` binary: exit codes, where the
/// guidance shows, which contracts run, which chain is reported.
@Suite struct ImportLinterRowsEndToEndTests {
    static let two = """
        [importlinter]
        root_package = pkg

        [importlinter:contract:first]
        name = First
        type = forbidden
        source_modules = pkg.a
        forbidden_modules = pkg.b
        broken_contract_guidance =
            Ask the platform team.
            See the wiki page on layers.

        [importlinter:contract:second]
        name = Second
        type = forbidden
        source_modules = pkg.b
        forbidden_modules = pkg.a

        """

    static func files(_ extra: [String: String] = [:]) -> [String: String] {
        ["pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "", ".importlinter": two].merging(extra) { _, b in b }
    }

    @Test func guidanceShowsInEveryReport() async throws {
        let dir = try TempDir("il-guidance")
        defer { dir.remove() }
        _ = try dir.write(Self.files())
        let r = try await Exec.gate(["check", "boundaries", "--set", "config=.importlinter", "--reports", dir.file("Reports"), "--verbose"], cwd: dir.path)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        // application/contract_utils.py `render_broken_contract_guidance` prints it under the broken contract.
        #expect(r.stdout.contains("Ask the platform team."), "console:\n\(r.stdout)")
        for report in ["report.md", "report.html", "report.sarif", "report.json"] {
            let text = try dir.read("Reports/" + report)
            #expect(text.contains("Ask the platform team."), "\(report) lacks the guidance")
        }
        let sarif = try dir.read("Reports/report.sarif")
        #expect(sarif.contains("\"help\" : \"Ask the platform team.\\nSee the wiki page on layers.\""), "SARIF help text")
    }

    @Test func contractSelectsLikeLintImports() async throws {
        let dir = try TempDir("il-contract")
        defer { dir.remove() }
        _ = try dir.write(Self.files())
        // use_cases.py `_filter_contract_options`: only the named contracts run.
        let second = try await Exec.gate(["check", "boundaries", "--set", "config=.importlinter", "--set", "contract=second"], cwd: dir.path)
        #expect(second.code == 0, "\(second.stdout)\(second.stderr)")
        #expect(second.stdout.contains("1 rules kept"), "\(second.stdout)")
        let both = try await Exec.gate(["check", "boundaries", "--set", "config=.importlinter", "--set", "contract=[first, second]"], cwd: dir.path)
        #expect(both.code == 1)
        let unknown = try await Exec.gate(["check", "boundaries", "--set", "config=.importlinter", "--set", "contract=secnd"], cwd: dir.path)
        #expect(unknown.code == 2)
        #expect(unknown.stderr.contains("could not find contract 'secnd'") && unknown.stderr.contains("did you mean 'second'?"), "\(unknown.stderr)")
    }

    @Test func unknownOptionIsExitTwoWithTheClosestOption() async throws {
        let dir = try TempDir("il-option")
        defer { dir.remove() }
        _ = try dir.write(Self.files([".importlinter": Self.two.replacingOccurrences(of: "source_modules = pkg.b", with: "source_modules = pkg.b\nallow_indirect_import = True")]))
        let r = try await Exec.gate(["check", "boundaries", "--set", "config=.importlinter"], cwd: dir.path)
        // domain/contract.py `_get_unrecognized_option_errors`: "Unrecognized option. Did you mean 'allow_indirect_imports'?"
        #expect(r.code == 2)
        #expect(r.stderr.contains(".importlinter:17:1"), "\(r.stderr)")
        #expect(r.stderr.contains("contract 'second'") && r.stderr.contains("'allow_indirect_import'") && r.stderr.contains("did you mean 'allow_indirect_imports'?"), "\(r.stderr)")
    }

    @Test func unparseableFileIsAnErrorUnlessSkipped() async throws {
        let dir = try TempDir("il-syntax")
        defer { dir.remove() }
        _ = try dir.write(Self.files(["pkg/c.py": "import os\nprint 'legacy'\n"]))
        // grimp import_parsing.rs `parse_imports_from_code`: "Syntax error in pkg/c.py, line 2".
        let r = try await Exec.gate(["check", "boundaries", "--set", "config=.importlinter", "--set", "contract=second"], cwd: dir.path)
        #expect(r.code == 3, "\(r.stdout)\(r.stderr)")
        #expect((r.stdout + r.stderr).contains("pkg/c.py:2"), "\(r.stdout)\(r.stderr)")
        let skipped = try await Exec.gate(["check", "boundaries", "--set", "config=.importlinter", "--set", "contract=second", "--set", "skip-unparseable=true", "--verbose"], cwd: dir.path)
        #expect(skipped.code == 0, "\(skipped.stdout)\(skipped.stderr)")
        #expect(skipped.stdout.contains("boundaries/unparseable-file"), "\(skipped.stdout)")
    }

    @Test func equallyShortChainsAreChosenByName() async throws {
        let dir = try TempDir("il-chains")
        defer { dir.remove() }
        // m imports y before x: file order would pick y; gate picks x, the first by name. lint-imports'
        // own pick follows PYTHONHASHSEED (grimp pathfinding.rs `find_shortest_path` walks hash sets).
        _ = try dir.write(["pkg/__init__.py": "", "pkg/a.py": "import pkg.m\n", "pkg/m.py": "import pkg.y\nimport pkg.x\n",
                           "pkg/x.py": "import pkg.b\n", "pkg/y.py": "import pkg.b\n", "pkg/b.py": "",
                           ".importlinter": "[importlinter]\nroot_package = pkg\n[importlinter:contract:one]\nname = One\ntype = forbidden\nsource_modules = pkg.a\nforbidden_modules = pkg.b\n"])
        let r = try await Exec.gate(["check", "boundaries", "--set", "config=.importlinter", "--reports", dir.file("Reports")], cwd: dir.path)
        #expect(r.code == 1)
        let json = try dir.read("Reports/report.json")
        #expect(json.contains("pkg.a (pkg/a.py:1) -> pkg.m (pkg/m.py:2) -> pkg.x (pkg/x.py:1) -> pkg.b"), "\(json)")
        #expect(!json.contains("-> pkg.y"))
    }
}
