import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// Git history and staged scans, inline ignores, and baselines that do not churn.
@Suite struct HistoryAndBaselineTests {
    static func commit(_ dir: TempDir, _ message: String) async throws -> String {
        try await Exec.git(["add", "-A"], in: dir.path)
        try await Exec.git(["commit", "-qm", message], in: dir.path)
        return try await Exec.git(["rev-parse", "HEAD"], in: dir.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    @Test func historyFindsASecretThatWasRemovedWithItsCommitAndLine() async throws {
        let dir = try TempDir("secrets-history")
        defer { dir.remove() }
        try await Exec.git(["init", "-q"], in: dir.path)
        try dir.write(["app.py": "import os\n\nDEBUG = True\n"])
        _ = try await Self.commit(dir, "first")
        try dir.write(["app.py": "import os\n\nDEBUG = True\nTOKEN = '\(githubToken())'\n"])
        let added = try await Self.commit(dir, "oops")
        try dir.write(["app.py": "import os\n\nDEBUG = True\nTOKEN = os.environ['TOKEN']\n"])
        _ = try await Self.commit(dir, "fix")

        let tree = try await runSecrets(dir.path)
        #expect(tree.findings.isEmpty, "the work tree is clean")
        let history = try await runSecrets(dir.path, ["history": "true"])
        let f = try #require(history.findings.first)
        #expect(history.findings.count == 1)
        #expect(f.path == "app.py" && f.line == 4 && f.rule == "secrets/github-pat")
        #expect(f.evidence?["commit"] == added)
        #expect(f.message.contains(String(added.prefix(12))))
        if case .int(let n)? = history.stats["commits"] { #expect(n == 3) } else { Issue.record("no commit count") }
        let range = try await runSecrets(dir.path, ["history": "true", "history-range": "HEAD~1..HEAD"])
        #expect(range.findings.isEmpty, "the range excludes the commit that added it")
    }

    @Test func stagedScansOnlyWhatIsStaged() async throws {
        let dir = try TempDir("secrets-staged")
        defer { dir.remove() }
        try await Exec.git(["init", "-q"], in: dir.path)
        try dir.write(["a.txt": "one\n"])
        _ = try await Self.commit(dir, "first")
        try dir.write(["a.txt": "one\ntwo\nT=\(githubToken(seed: 1))\n", "b.txt": "T=\(githubToken(seed: 2))\n"])
        try await Exec.git(["add", "a.txt"], in: dir.path)
        let o = try await runSecrets(dir.path, ["staged": "true"])
        #expect(o.findings.map { "\($0.path ?? ""):\($0.line ?? 0)" } == ["a.txt:3"], "b.txt is not staged")
    }

    @Test func historyOutsideARepositoryIsAnErrorNotAFinding() async throws {
        let dir = try TempDir("secrets-nogit")
        defer { dir.remove() }
        await #expect(throws: VerifierError.self) { _ = try await runSecrets(dir.path, ["history": "true"]) }
    }

    @Test func inlineIgnoresWaiveUnlessCIRefusesThem() async throws {
        let dir = try TempDir("secrets-inline")
        defer { dir.remove() }
        try dir.write(["t.env": "A=\(githubToken(seed: 1)) # gate:allow\nB=\(githubToken(seed: 2))\n"])
        let honoured = try await runSecrets(dir.path)
        #expect(honoured.findings.map(\.line) == [2], "the allowed line is counted, not reported")
        #expect(honoured.stats["inlineIgnored"] == .int(1))
        #expect(honoured.summary.contains("1 allowed inline"))
        let refused = try await runSecrets(dir.path, ["inline-ignores": "false"])
        #expect(refused.findings.allSatisfy { !$0.waived } && refused.findings.count == 2)
        #expect(refused.stats["inlineIgnoresRefused"] == .int(1))
    }

    /// Baselines are keyed by rule, path and secret hash: moving the secret down the file changes nothing,
    /// the file is sorted and byte-identical, and a new secret is still reported.
    @Test func baselinesSuppressKnownFindingsWithoutChurn() async throws {
        let dir = try TempDir("secrets-baseline")
        defer { dir.remove() }
        let a = githubToken(seed: 1), b = githubToken(seed: 2)
        try dir.write(["z.env": "A=\(a)\n", "a.env": "B=\(b)\nC=\(token("sk_live_{r:62:24}"))\n"])
        let written = try await runSecrets(dir.path, ["write-baseline": ".gate/secrets-baseline.json"])
        #expect(written.findings.count == 3 && written.findings.allSatisfy { $0.waived })
        let first = try dir.read(".gate/secrets-baseline.json")
        let lines = first.split(separator: "\n").filter { $0.contains("\"path\"") }
        #expect(lines.count == 3)
        #expect(lines.map(String.init) == lines.map(String.init).sorted(), "entries are sorted")
        #expect(!first.contains("\"line\"") && !first.contains(a) && !first.contains(b))

        try dir.write(["z.env": "# a comment\n\n\nA=\(a)\n", "a.env": "C=\(token("sk_live_{r:62:24}"))\nX=1\nB=\(b)\n"])
        let moved = try await runSecrets(dir.path, ["baseline": ".gate/secrets-baseline.json"])
        #expect(moved.findings.allSatisfy { $0.waived }, "moved lines stay suppressed")
        #expect(moved.stats["baselineStale"] == .int(0))
        _ = try await runSecrets(dir.path, ["write-baseline": ".gate/secrets-baseline.json"])
        let rewritten = try dir.read(".gate/secrets-baseline.json")
        #expect(rewritten == first, "rewriting after moves gives the same bytes")

        try dir.write(["new.env": "D=\(githubToken(seed: 3))\n"])
        let grown = try await runSecrets(dir.path, ["baseline": ".gate/secrets-baseline.json"])
        #expect(grown.findings.filter { !$0.waived }.compactMap(\.path) == ["new.env"])
    }

    @Test func aMissingBaselineIsARunError() async throws {
        let dir = try TempDir("secrets-nobaseline")
        defer { dir.remove() }
        await #expect(throws: VerifierError.self) { _ = try await runSecrets(dir.path, ["baseline": "missing.json"]) }
    }

    @Test func diffParserKeepsLineNumbersAndTellsContentFromHeaders() {
        var p = DiffParser(include: [], exclude: [])
        let diff = """
            \u{1}commit abc
            diff --git a/x.txt b/x.txt
            --- a/x.txt
            +++ b/x.txt
            @@ -3,0 +4,2 @@
            ++++ looks like a header
            +second
            @@ -10 +12 @@
            -old
            +new
            diff --git a/"q\\tx" b/"q\\tx"
            +++ "b/q\\tx"
            @@ -0,0 +1 @@
            +tabbed

            """
        var hunks: [DiffParser.Hunk] = []
        p.feed(Array(diff.utf8)) { hunks.append($0) }
        p.finish { hunks.append($0) }
        #expect(hunks.map(\.path) == ["x.txt", "x.txt", "q\tx"], "one per hunk")
        #expect(hunks.map(\.lines) == [[4, 5], [12], [1]])
        #expect(String(decoding: hunks.first?.bytes ?? [], as: UTF8.self) == "+++ looks like a header\nsecond")
        #expect(p.files == 2, "files with additions are counted once per commit")
        #expect(hunks.allSatisfy { $0.commit == "abc" && !$0.added.contains(false) })
    }
}
