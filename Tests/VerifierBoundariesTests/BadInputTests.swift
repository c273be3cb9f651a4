import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierBoundaries

/// Configuration errors name file, line and key; runtime problems are errors with a suggestion;
/// unreadable, binary and non-UTF-8 files are skipped and counted; symbolic link loops are not followed.
@Suite struct BadInputTests {
    static let package = ["pkg/__init__.py": "", "pkg/alpha.py": "import pkg.beta\n", "pkg/beta.py": ""]

    @Test func ruleShapeErrorsPointAtTheKey() throws {
        let cases: [(String, String)] = [
            ("rules:\n  - layers: [a]\n    forbiden: {from: a, to: b}\n", "suite.yaml:3:5"),
            ("rules:\n  - name: x\n", "suite.yaml:2:5"),
            ("rules:\n  - forbidden: {from: a}\n", "suite.yaml:2:16"),
            ("rules:\n  - independence: [a, b]\n    mode: sideways\n", "suite.yaml:3:11"),
            ("rules:\n  - {name: a, only: {to: x}}\n  - {name: a, only: {to: y}}\n", "suite.yaml:3:"),
            ("ignore-imports: [\"a => b\"]\n", "suite.yaml:1:"),
            ("write-baseline: [a, b]\n", "suite.yaml:1:17"),
            ("languages: [cobol]\n", "suite.yaml:1:"),
        ]
        for (yaml, location) in cases {
            do {
                _ = try Harness.verifier(yaml, root: "/tmp")
                Issue.record("should not load:\n\(yaml)")
            } catch {
                #expect(error.description.hasPrefix(location), "\(yaml) -> \(error.description)")
            }
        }
    }

    @Test func unknownModuleIsAnErrorWithASuggestion() async throws {
        do {
            _ = try await Harness.files(Self.package, "rules:\n  - forbidden: {from: pkg.alpah, to: pkg.beta}\n")
            Issue.record("expected an error")
        } catch let e as VerifierError {
            #expect(e.message.contains("'pkg.alpah', which matches no module"))
            #expect(e.message.contains("did you mean 'pkg.alpha'?"))
            #expect(e.message.contains("suite.yaml:2:"))
        }
    }

    @Test func optionalLayersMayBeMissing() async throws {
        let outcome = try await Harness.files(Self.package, "rules:\n  - layers: [pkg.beta, \"(pkg.gamma)\", pkg.alpha]\n")
        #expect(outcome.errors == ["layers pkg/alpha.py:1"])
    }

    @Test func unreadableBinaryAndNonUTF8FilesAreSkippedAndCounted() async throws {
        let dir = try TempDir("skips")
        defer { dir.remove() }
        try dir.write(Self.package)
        try Data([0x69, 0x6d, 0x70, 0x00, 0x01]).write(to: URL(fileURLWithPath: dir.file("pkg/binary.py")))
        try (Data("import pkg.alpha # caf".utf8) + Data([0xE9, 0x0A])).write(to: URL(fileURLWithPath: dir.file("pkg/latin1.py")))
        try dir.write(["pkg/secret.py": "import pkg.alpha\n"])
        chmod(dir.file("pkg/secret.py"), 0)
        let outcome = try await Harness.run("rules:\n  - independence: [pkg.alpha, pkg.beta]\n", root: dir.path)
        let skipped = try #require(outcome.findings.first { $0.rule == "boundaries/skipped-file" })
        #expect(skipped.severity == .warning)
        let unreadable = getuid() == 0 ? 0 : 1  // root reads files regardless of mode
        #expect(skipped.message.contains("\(2 + unreadable) source files were skipped"))
        #expect(skipped.message.contains("1 binary") && skipped.message.contains("1 not-utf8"))
        #expect(outcome.errors == ["independence pkg/alpha.py:1"])
    }

    @Test func symlinkLoopsAreNotFollowed() async throws {
        let dir = try TempDir("loops")
        defer { dir.remove() }
        try dir.write(Self.package)
        symlink(dir.path + "/pkg", dir.file("pkg/again"))
        symlink("..", dir.file("pkg/up"))
        let outcome = try await Harness.run("rules:\n  - independence: [pkg.alpha, pkg.beta]\n", root: dir.path)
        #expect(outcome.errors == ["independence pkg/alpha.py:1"])
        let skipped = try #require(outcome.findings.first { $0.rule == "boundaries/skipped-file" })
        #expect(skipped.message.contains("2 symbolic link loops were not followed"))
    }

    /// `write-baseline` takes the same two forms as in secrets: `true` (the `baseline` file, or
    /// .gate/boundaries-baseline.json without one) or a path; `false` writes nothing.
    @Test func writeBaselineTakesTrueOrAPath() async throws {
        let dir = try TempDir("baseline-forms")
        defer { dir.remove() }
        try dir.write(Self.package)
        let rule = "rules:\n  - independence: [pkg.alpha, pkg.beta]\n"
        let off = try await Harness.run(rule + "write-baseline: false\n", root: dir.path)
        #expect(off.status == nil && off.errors.count == 1)
        #expect(!FileManager.default.fileExists(atPath: dir.file(".gate/boundaries-baseline.json")))
        let byDefault = try await Harness.run(rule + "write-baseline: true\n", root: dir.path)
        #expect(byDefault.status == .passed)
        #expect(try dir.read(".gate/boundaries-baseline.json").contains("gate-boundaries-baseline/1"))
        #expect(byDefault.summary.contains("set 'baseline: .gate/boundaries-baseline.json' so that later runs read it"),
                "\(byDefault.summary)")
        let byPath = try await Harness.run(rule + "write-baseline: known.json\n", root: dir.path)
        #expect(byPath.status == .passed)
        #expect(try dir.read("known.json") == dir.read(".gate/boundaries-baseline.json"))
        let read = try await Harness.run(rule + "baseline: known.json\n", root: dir.path)
        #expect(read.errors.isEmpty && read.summary.contains("1 known violations in the baseline"), "\(read.summary)")
        let same = try await Harness.run(rule + "baseline: known.json\nwrite-baseline: true\n", root: dir.path)
        #expect(same.status == .passed && !same.summary.contains("set 'baseline"), "\(same.summary)")
    }

    @Test func baselineKeepsKnownViolationsFromFailing() async throws {
        let dir = try TempDir("baseline")
        defer { dir.remove() }
        try dir.write(Self.package)
        let rule = "rules:\n  - independence: [pkg.alpha, pkg.beta]\nbaseline: known.json\n"
        let written = try await Harness.run(rule + "write-baseline: true\n", root: dir.path)
        #expect(written.status == .passed)
        #expect(try dir.read("known.json").contains("gate-boundaries-baseline/1"))
        // Moving the import to another line keeps it known.
        try dir.write(["pkg/alpha.py": "\n\nimport pkg.beta\n"])
        let known = try await Harness.run(rule, root: dir.path)
        #expect(known.errors.isEmpty)
        #expect(known.summary.contains("1 known violations in the baseline"))
        // A new violation fails.
        try dir.write(["pkg/beta.py": "from pkg import alpha\n"])
        let fresh = try await Harness.run(rule, root: dir.path)
        #expect(fresh.errors == ["independence pkg/beta.py:1"])
        await #expect(throws: VerifierError.self) {
            try await Harness.run("rules:\n  - independence: [pkg.alpha, pkg.beta]\nbaseline: nope.json\n", root: dir.path)
        }
    }
}
