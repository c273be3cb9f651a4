import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// History scans on real repositories made with `git`: keys regenerated in place, values copied or kept
/// over many commits, and old-format hex tokens, placeholders and documentation examples as history sees them.
@Suite struct HistoryHunkTests {
    static func repo(_ name: String) async throws -> TempDir {
        let dir = try TempDir(name)
        try await Exec.git(["init", "-q"], in: dir.path)
        try await Exec.git(["config", "user.email", "t@example.invalid"], in: dir.path)
        try await Exec.git(["config", "user.name", "T"], in: dir.path)
        return dir
    }

    static func commit(_ dir: TempDir, _ files: [String: String], _ message: String = "change") async throws -> String {
        try dir.write(files)
        return try await HistoryAndBaselineTests.commit(dir, message)
    }

    /// A PEM key of twelve body lines between fixed BEGIN and END lines.
    static func pem(seed: UInt64) -> [String] {
        token("{pem:RSA PRIVATE KEY}", seed: seed).split(separator: "\n").map(String.init)
    }

    static func history(_ dir: TempDir, _ with: [String: String] = [:]) async throws -> CheckOutcome {
        try await runSecrets(dir.path, with.merging(["history": "true"]) { a, _ in a })
    }

    /// Before: history read only added lines (`-U0`), so a key whose body changed between unchanged BEGIN and
    /// END lines was never seen whole and was missed (kingfisher and trufflehog report it).
    @Test func aKeyRegeneratedInPlaceIsFoundAtTheCommitThatChangedIt() async throws {
        let dir = try await Self.repo("secrets-rotate")
        defer { dir.remove() }
        let head = ["# deploy key", "", "setting = 1"]
        let first = try await Self.commit(dir, ["deploy.pem": (head + Self.pem(seed: 1)).joined(separator: "\n") + "\n"])
        let rotated = try await Self.commit(dir, ["deploy.pem": (head + Self.pem(seed: 2)).joined(separator: "\n") + "\n"])
        // Only three body lines change: git's context does not reach BEGIN or END, the blob does.
        var partial = head + Self.pem(seed: 2)
        let fresh = Self.pem(seed: 3)
        partial[3 + 6...3 + 8] = fresh[6...8]
        let edited = try await Self.commit(dir, ["deploy.pem": partial.joined(separator: "\n") + "\n"])
        // A change next to the key that leaves its value as it was: not reported again.
        let nearby = try await Self.commit(dir, ["deploy.pem": (["# rotated monthly"] + partial.dropFirst()).joined(separator: "\n") + "\n"])

        let o = try await Self.history(dir)
        let keys = o.findings.filter { $0.rule == "secrets/private-key" }
        #expect(Set(keys.compactMap { $0.evidence?["commit"] }) == [first, rotated, edited], "one finding per key value")
        #expect(keys.count == 3)
        #expect(keys.allSatisfy { $0.line == 4 && $0.path == "deploy.pem" })
        #expect(!keys.contains { $0.evidence?["commit"] == nearby })
        if case .int(let n)? = o.stats["widenedHunks"] { #expect(n >= 1) } else { Issue.record("no hunk was widened") }
    }

    @Test func aValueCopiedToASecondFileIsOneFindingAtItsFirstCommit() async throws {
        let dir = try await Self.repo("secrets-copy")
        defer { dir.remove() }
        let t = githubToken(seed: 31)
        let first = try await Self.commit(dir, ["a.env": "TOKEN=\(t)\n"])
        _ = try await Self.commit(dir, ["ci/b.env": "GH=\(t)\n"])
        let o = try await Self.history(dir)
        #expect(o.findings.count == 1)
        let f = try #require(o.findings.first)
        #expect(f.path == "a.env" && f.evidence?["commit"] == first)
        #expect(f.evidence?["alsoIn"] == "ci/b.env" && f.message.contains("ci/b.env"))
    }

    /// Fifty commits rewrite the line that holds the same token (its comment changes): one finding, at the first.
    @Test func aValueKeptOverFiftyCommitsIsReportedOnceAtTheFirst() async throws {
        let dir = try await Self.repo("secrets-fifty")
        defer { dir.remove() }
        let t = githubToken(seed: 50)
        var first = ""
        for n in 0..<50 {
            let c = try await Self.commit(dir, ["app.py": "import os\n\nTOKEN = '\(t)'  # revision \(n)\nX = \(n)\n"])
            if n == 0 { first = c }
        }
        let o = try await Self.history(dir)
        #expect(o.stats["commits"] == .int(50))
        #expect(o.findings.count == 1)
        #expect(o.findings.first?.evidence?["commit"] == first)
    }

    /// Before: never reported (40 and 32 hex digits look like digests). Now: reported when a GitHub or
    /// Heroku name holds them, at medium confidence; the same digits under another name are not.
    @Test func oldHexTokensNamedByTheirServiceAreFound() async throws {
        let dir = try await Self.repo("secrets-hex")
        defer { dir.remove() }
        let gh = token("{r:h:40}", seed: 40), hk = token("{r:h:32}", seed: 32), sha = token("{r:h:40}", seed: 41)
        _ = try await Self.commit(dir, [
            "brew.sh": "export HOMEBREW_GITHUB_API_TOKEN=\(gh)\n",
            "heroku.json": "{\"name\": \"app\", \"api_key\": \"\(hk)\"}\n",
            "ci.env": "GITHUB_SHA=\(sha)\nchecksum = \(token("{r:h:40}", seed: 42))\nrev: \(token("{r:h:32}", seed: 33))\n",
        ])
        let o = try await Self.history(dir)
        let found = o.findings.map { "\($0.path ?? ""):\($0.rule)" }.sorted()
        #expect(found == ["brew.sh:secrets/github-token-hex", "heroku.json:secrets/heroku-api-key-hex-file"])
        #expect(o.findings.allSatisfy { $0.evidence?["confidence"] == "medium" })
    }

    /// Before: `mongodb://testuser:test…@host` was dropped because the password began with "test".
    @Test func placeholdersAreJudgedOnTheWholeValue() async throws {
        let dir = try await Self.repo("secrets-placeholder")
        defer { dir.remove() }
        // url-password listed `pass` and `user` as stopwords, dropping any password that contained them.
        let real = "test" + token("{r:62:12}", seed: 9), withWord = token("{r:62:4}", seed: 10) + "pass" + token("{r:62:8}", seed: 11)
        _ = try await Self.commit(dir, ["db.env": """
            MONGO_URL=mongodb://testuser:\(real)@db.example.invalid:27017/app
            MONGO_RO=mongodb://reader:\(withWord)@db.example.invalid:27017/app
            MONGO_DEV=mongodb://testuser:test@localhost:27017/app
            MONGO_CI=mongodb://admin:changeme@localhost:27017/app
            MONGO_DOC=mongodb://admin:xxxxxxxx@localhost:27017/app
            MONGO_QA=mongodb://tester:testpass@localhost:27017/app

            """])
        let o = try await Self.history(dir)
        #expect(o.findings.map(\.line) == [1, 2])
        #expect(o.findings.allSatisfy { $0.rule == "secrets/url-password" })
    }

    /// Example values in documentation are warnings (gate's own rule: kingfisher 2.14 lowers nothing by file type); a self-identifying format
    /// (a checksummed GitHub token) stays an error there. A URL's `?key=` is a secret only in a token's shape.
    @Test func documentationExamplesAreWarningsAndQueryKeysNeedATokenShape() async throws {
        let dir = try await Self.repo("secrets-docs")
        defer { dir.remove() }
        // Two values: one value in two files of one commit is one finding.
        func django(_ seed: UInt64) -> String { "SECRET_KEY = '\(token("{r:62:40}", seed: seed))'\n" }
        _ = try await Self.commit(dir, [
            "docs/settings.rst": "Set it like this::\n\n    \(django(5))",
            "README.md": "export GH_TOKEN=\(githubToken(seed: 6))\n",
            "app/settings.py": django(6),
            "app/urls.py": "THUMBS = 'https://cdn.example.invalid/img?key=thumbnails_large_v2&w=64'\n"
                + "MAPS = 'https://maps.example.invalid/api/js?key=\(token("{r:62:39}", seed: 8))'\n",
        ])
        let o = try await Self.history(dir)
        let by = Dictionary(grouping: o.findings, by: { $0.path ?? "" })
        #expect(by["docs/settings.rst"]?.map(\.severity) == [.warning])
        #expect(by["docs/settings.rst"]?.first?.evidence?["documentation"] == "true")
        #expect(by["app/settings.py"]?.map(\.severity) == [.error])
        #expect(by["README.md"]?.map(\.severity) == [.error], "a checksummed token is real in a README too")
        #expect(by["app/urls.py"]?.map(\.line) == [2], "the thumbnail key is a cache key, the maps key is a token")
        #expect(o.summary.contains("in documentation"))
    }

    @Test func diffParserKeepsContextLinesApartFromAddedOnes() {
        var p = DiffParser(include: [], exclude: [])
        let diff = """
            \u{1}commit c1
            diff --git a/k.pem b/k.pem
            --- a/k.pem
            +++ b/k.pem
            @@ -1,4 +1,4 @@
             -----BEGIN KEY-----
            -old
            +new
             body
            \u{20}
            \\ No newline at end of file

            """
        var hunks: [DiffParser.Hunk] = []
        p.feed(Array(diff.utf8)) { hunks.append($0) }
        p.finish { hunks.append($0) }
        #expect(hunks.count == 1)
        #expect(hunks.first?.lines == [1, 2, 3, 4])
        #expect(hunks.first?.added == [false, true, false, false])
        #expect(String(decoding: hunks.first?.bytes ?? [], as: UTF8.self) == "-----BEGIN KEY-----\nnew\nbody\n")
    }
}
