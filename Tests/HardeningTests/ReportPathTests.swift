import Foundation
import GateCore
import GateTestSupport
import Testing

/// Issue 19 §6 on the built binary: a suite's `reports:` paths stay under the working directory or the
/// reports directory, and no symlink on the way leads a report out of that tree. Paths given on the
/// command line go where they say.
@Suite struct ReportPathTests {
    /// A directory outside the working directory holding a file a report must never replace.
    struct Outside {
        let dir: TempDir
        init() throws {
            dir = try TempDir("reportpath-outside")
            try dir.write(["victim.json": "precious\n"])
        }
        var untouched: Bool {
            (try? dir.read("victim.json")) == "precious\n"
                && ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted() == ["victim.json"]
        }
    }

    func suite(_ reports: String) -> String {
        "suite: paths\nreports:\n\(reports)\nchecks:\n  - {id: a, run: 'true'}\n"
    }

    func expectConfigError(_ r: Completed, _ label: String, position: String, key: String,
                           sourceLocation: Testing.SourceLocation = #_sourceLocation) {
        #expect(r.code == 2, "\(label): exit \(r.code)\n\(r.stdout)\(r.stderr)", sourceLocation: sourceLocation)
        #expect(r.stderr.contains(position) && r.stderr.contains("'\(key)'"), "\(label): \(r.stderr)", sourceLocation: sourceLocation)
        #expect(!r.stdout.contains("PASS"), "\(label): checks ran before the refusal", sourceLocation: sourceLocation)
    }

    @Test func suitePathOutsideIsAConfigError() async throws {
        let outside = try Outside()
        defer { outside.dir.remove() }
        let dir = try TempDir("reportpath")
        defer { dir.remove() }
        let cases = [("absolute", "  json: \(outside.dir.file("victim.json"))"),
                     ("dot-dot", "  junit: ../\(PathUtil.basename(outside.dir.path))/victim.json"),
                     ("dot-dot deep", "  sarif: sub/../../\(PathUtil.basename(outside.dir.path))/victim.json")]
        for (label, reports) in cases {
            try dir.write(["t.yaml": suite(reports)])
            for command in [["run", "t.yaml", "--no-history"], ["validate", "t.yaml"]] {
                let r = try await Exec.gate(command, cwd: dir.path)
                let key = "reports." + reports.trimmingCharacters(in: .whitespaces).prefix { $0 != ":" }
                expectConfigError(r, "\(label) \(command[0])", position: "t.yaml:3:", key: key)
                #expect(outside.untouched, "\(label): the file outside was replaced")
            }
        }
    }

    @Test func symlinkedDirectoryOnTheWayIsNotFollowedOut() async throws {
        let outside = try Outside()
        defer { outside.dir.remove() }
        let dir = try TempDir("reportpath")
        defer { dir.remove() }
        try FileManager.default.createSymbolicLink(atPath: dir.file("out"), withDestinationPath: outside.dir.path)
        try FileManager.default.createDirectory(atPath: dir.file("deep/er"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.file("deep/er/hop"), withDestinationPath: "../../out")
        for reports in ["  json: out/victim.json", "  json: deep/er/hop/victim.json", "  json: out/new/r.json"] {
            try dir.write(["t.yaml": suite(reports)])
            let r = try await Exec.gate(["run", "t.yaml", "--no-history"], cwd: dir.path)
            expectConfigError(r, reports, position: "t.yaml:3:", key: "reports.json")
            #expect(r.stderr.contains("symbolic link"), "\(r.stderr)")
            #expect(outside.untouched, "\(reports): written through the symlink")
        }
        // A symlink that stays inside the working directory is fine.
        try FileManager.default.createDirectory(atPath: dir.file("real"), withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: dir.file("inside"), withDestinationPath: "real")
        try dir.write(["t.yaml": suite("  json: inside/r.json")])
        let ok = try await Exec.gate(["run", "t.yaml", "--no-history"], cwd: dir.path)
        #expect(ok.code == 0, "\(ok.stdout)\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file("real/r.json")))
    }

    /// The default reports directory (Reports/<suite>) is not followed out of the working directory either.
    @Test func defaultReportsDirectoryBehindASymlink() async throws {
        let outside = try Outside()
        defer { outside.dir.remove() }
        let dir = try TempDir("reportpath")
        defer { dir.remove() }
        try FileManager.default.createSymbolicLink(atPath: dir.file("Reports"), withDestinationPath: outside.dir.path)
        try dir.write(["t.yaml": "suite: paths\nchecks:\n  - {id: a, run: 'true'}\n"])
        let r = try await Exec.gate(["run", "t.yaml", "--no-history"], cwd: dir.path)
        #expect(r.code == 2, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("Reports") && r.stderr.contains("symbolic link") && r.stderr.contains("--reports"), "\(r.stderr)")
        #expect(outside.untouched)
    }

    /// A check that swaps a report's directory for a symlink after the pre-flight: the write is refused
    /// (exit 3 naming the report), not followed.
    @Test func symlinkSwappedInDuringTheRunIsNotFollowed() async throws {
        let outside = try Outside()
        defer { outside.dir.remove() }
        let dir = try TempDir("reportpath")
        defer { dir.remove() }
        try dir.write(["t.yaml": """
            suite: paths
            reports:
              json: out/victim.json
            checks:
              - {id: swap, run: 'rm -rf out && ln -s \(outside.dir.path) out'}
            """])
        let r = try await Exec.gate(["run", "t.yaml", "--no-history"], cwd: dir.path)
        #expect(r.code == 3, "\(r.stdout)\(r.stderr)")
        #expect(r.stderr.contains("out/victim.json") && r.stderr.contains("symbolic link"), "\(r.stderr)")
        #expect(outside.untouched, "the report went through the swapped-in symlink")
        // The other reports still went to Reports/paths.
        #expect(FileManager.default.fileExists(atPath: dir.file("Reports/paths/junit.xml")))
    }

    /// What the command line names is written where it says, inside or outside, symlink or not.
    @Test func commandLinePathsAreTrusted() async throws {
        let outside = try Outside()
        defer { outside.dir.remove() }
        let dir = try TempDir("reportpath")
        defer { dir.remove() }
        try FileManager.default.createSymbolicLink(atPath: dir.file("link"), withDestinationPath: outside.dir.path)
        try dir.write(["t.yaml": suite("  json: \(outside.dir.file("reports/from-suite.json"))")])
        let r = try await Exec.gate(["run", "t.yaml", "--no-history", "--reports", outside.dir.file("reports"),
                                     "--junit", "link/cli.xml", "--sarif", outside.dir.file("cli.sarif")], cwd: dir.path)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        for f in ["reports/from-suite.json", "cli.xml", "cli.sarif", "reports/report.md"] {
            #expect(FileManager.default.fileExists(atPath: outside.dir.file(f)), "\(f) missing")
        }
    }
}
