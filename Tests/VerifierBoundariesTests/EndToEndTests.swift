import Foundation
import GateCore
import GateTestSupport
import Testing

/// `gate check boundaries` through the built binary: exit codes and messages.
@Suite struct BoundariesEndToEndTests {
    @Test func exitCodes() async throws {
        let dir = try TempDir("b-e2e")
        defer { dir.remove() }
        try dir.write(["pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "",
                       ".importlinter": "[importlinter]\nroot_package = pkg\n[importlinter:contract:x]\nname = X\ntype = independence\nmodules =\n    pkg.a\n    pkg.b\n"])
        let reports = ["--reports", dir.file("Reports")]
        let pass = try await Exec.gate(["check", "boundaries", "--set", "rules=[{independence: [pkg.b, pkg.a]}]", "--set", "ignore-imports=[pkg.a -> pkg.b]"] + reports, cwd: dir.path)
        #expect(pass.code == 0, "\(pass.stdout)\(pass.stderr)")
        let fail = try await Exec.gate(["check", "boundaries", "--set", "config=.importlinter"] + reports, cwd: dir.path)
        #expect(fail.code == 1)
        #expect(fail.stdout.contains("pkg/a.py:1"))
        let unknown = try await Exec.gate(["check", "boundaries", "--set", "rules=[{independence: [pkg.a, pkg.c]}]"] + reports, cwd: dir.path)
        #expect(unknown.code == 3)
        #expect((unknown.stdout + unknown.stderr).contains("matches no module"))
        try dir.write([".importlinter": "[importlinter]\nroot_package = pkg\n[importlinter:contract:x]\nname = X\ntype = independence\n"])
        let bad = try await Exec.gate(["check", "boundaries", "--set", "config=.importlinter"] + reports, cwd: dir.path)
        #expect(bad.code == 2)
        #expect(bad.stderr.contains(".importlinter:3:1"))
        #expect(bad.stderr.contains("'modules'"))
    }

    @Test func reportsValidateWithEveryKindOfFinding() async throws {
        let dir = try TempDir("b-reports")
        defer { dir.remove() }
        try dir.write(["pkg/__init__.py": "", "pkg/a.py": "import pkg.b\n", "pkg/b.py": "from pkg import a\n"])
        try Data([0x00, 0x01]).write(to: URL(fileURLWithPath: dir.file("pkg/blob.py")))
        let r = try await Exec.gate([
            "check", "boundaries", "--reports", dir.file("Reports"),
            "--set", "rules=[{acyclic: [pkg.a, pkg.b]}, {layers: [pkg.a, pkg.b], mode: transitive}, {forbidden: {from: pkg.b, to: pkg.a}, ignore-imports: [pkg.x -> pkg.y]}]",
        ], cwd: dir.path)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        let json = try dir.read("Reports/report.json")
        for rule in ["boundaries/acyclic", "boundaries/layers", "boundaries/forbidden", "boundaries/unmatched-ignore", "boundaries/skipped-file"] {
            #expect(json.contains("\"rule\" : \"\(rule)\""), "\(rule) missing from the report")
        }
        try await SchemaCheck.junit(dir.file("Reports/junit.xml"))
        try await SchemaCheck.sarif(dir.file("Reports/report.sarif"))
        try await SchemaCheck.report(dir.file("Reports/report.json"))
    }
}
