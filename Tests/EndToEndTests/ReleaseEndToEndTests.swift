import Foundation
import GateTestSupport
import Testing

/// The release-manager workflow on the built binary: sign-offs from pending to ticked, waivers, history
/// with flaky checks, and the GitHub outputs. Repositories are real, made by `git` in each test.
@Suite struct ReleaseEndToEndTests {
    /// A git repository holding `files`, committed once.
    func repo(_ files: [String: String]) async throws -> TempDir {
        let dir = try TempDir("release-e2e")
        try dir.write(files)
        try await Exec.git(["init", "-q", "-b", "main"], in: dir.path)
        try await Exec.git(["add", "-A"], in: dir.path)
        try await Exec.git(["commit", "-q", "-m", "first"], in: dir.path)
        return dir
    }

    func json(_ path: String) throws -> [String: Any] {
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    static let launch = """
        suite: launch
        checks:
          - id: build
            run: echo built
          - id: rollback-ready
            manual: Rollback script prepared
            owner: release-manager
            valid-for: 14d
            evidence: link to the runbook
          - id: ship
            run: echo shipped
            needs: [build, rollback-ready]
        """

    @Test func aSignOffTakesTheRunFromPendingToPassed() async throws {
        let dir = try await repo(["suite.yaml": Self.launch])
        defer { dir.remove() }
        var r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("PENDING  rollback-ready"))
        #expect(r.stdout.contains("1 manual item needs a sign-off: rollback-ready"))
        var html = try dir.read("Reports/launch/report.html")
        #expect(html.contains("<li class=\"item pending manual\" id=\"item-rollback-ready\">"))
        try await SchemaCheck.report(dir.file("Reports/launch/report.json"))
        try await SchemaCheck.junit(dir.file("Reports/launch/junit.xml"))
        try await SchemaCheck.sarif(dir.file("Reports/launch/report.sarif"))

        r = try await Exec.gate(["run", "suite.yaml", "--allow-pending-manual"], cwd: dir.path)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        let checks = try #require(try json(dir.file("Reports/launch/report.json"))["checks"] as? [[String: Any]])
        #expect(checks.map { $0["status"] as? String } == ["passed", "skipped", "skipped"])

        r = try await Exec.gate(["attest", "rollback-ready", "--by", "alice", "--note", "rehearsed on staging",
                                 "--evidence", "https://runbooks.example/1"], cwd: dir.path)
        #expect(r.code == 2)
        #expect(r.stderr.contains("no manual checklist item 'rollback-ready' in the suites under Suites/"))
        r = try await Exec.gate(["attest", "rollback-ready", "--suite", "suite.yaml", "--by", "alice",
                                 "--note", "rehearsed on staging", "--evidence", "https://runbooks.example/1"], cwd: dir.path)
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stdout.contains("attested 'rollback-ready' (Rollback script prepared) by alice at commit "))
        let file = try dir.read(".gate/attestations.yaml")
        #expect(file.contains("by: \"alice\""))
        let head = try await Exec.git(["rev-parse", "HEAD"], in: dir.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        #expect(file.contains("commit: \"\(head)\""))

        r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        html = try dir.read("Reports/launch/report.html")
        #expect(html.contains("<li class=\"item done manual\" id=\"item-rollback-ready\"><span class=\"tick\" aria-hidden=\"true\">✓</span>"))

        r = try await Exec.gate(["checklist", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 0)
        #expect(r.stdout.hasPrefix("# Launch checklist: launch\n"))
        #expect(r.stdout.contains("- [x] Rollback script prepared (`rollback-ready`) — validated "))
        #expect(r.stdout.contains("by alice at \(head.prefix(12)): “rehearsed on staging” (evidence: https://runbooks.example/1)"))
        #expect(r.stdout.contains("- [x] build — validated "))
        #expect(r.stdout.contains("(report: Reports/launch/report.html)"))

        // A later commit that changes the project voids the sign-off; the checklist says why.
        try dir.write(["app.py": "print('v2')\n"])
        try await Exec.git(["add", "-A"], in: dir.path)
        try await Exec.git(["commit", "-q", "-m", "v2"], in: dir.path)
        r = try await Exec.gate(["checklist", "suite.yaml", "--output", "out/checklist.md"], cwd: dir.path)
        #expect(r.code == 0)
        #expect(try dir.read("out/checklist.md").contains("- [ ] Rollback script prepared (`rollback-ready`) — owner: release-manager, pending (signed off by alice"))
    }

    @Test func attestRejectsBadRequestsWithExitTwo() async throws {
        let dir = try await repo(["Suites/launch.yaml": Self.launch.replacingOccurrences(of: "suite: launch", with: "suite: launch\nroot: ..")])
        defer { dir.remove() }
        let missingEvidence = try await Exec.gate(["attest", "rollback-ready", "--by", "a", "--note", "n"], cwd: dir.path)
        #expect(missingEvidence.code == 2)
        #expect(missingEvidence.stderr.contains("'rollback-ready' asks for evidence (link to the runbook); pass --evidence URL"))
        let typo = try await Exec.gate(["attest", "rollbak-ready", "--by", "a", "--note", "n"], cwd: dir.path)
        #expect(typo.code == 2)
        #expect(typo.stderr.contains("did you mean 'rollback-ready'?"))
        let automated = try await Exec.gate(["attest", "build", "--by", "a", "--note", "n"], cwd: dir.path)
        #expect(automated.code == 2)
        #expect(automated.stderr.contains("'build' in suite 'launch' is an automated check"))
        let nobody = try await Exec.gate(["attest", "rollback-ready", "--by", " ", "--note", "n", "--evidence", "x"], cwd: dir.path)
        #expect(nobody.code == 2)
        #expect(!FileManager.default.fileExists(atPath: dir.file(".gate/attestations.yaml")))
        // Found through Suites/ without --suite.
        let ok = try await Exec.gate(["attest", "rollback-ready", "--by", "a", "--note", "n", "--evidence", "x"], cwd: dir.path)
        #expect(ok.code == 0, "\(ok.stderr)")
        #expect(FileManager.default.fileExists(atPath: dir.file(".gate/attestations.yaml")))
    }

    @Test func aBadWaiversFileStopsTheRunBeforeAnyCheck() async throws {
        let dir = try await repo([
            "suite.yaml": "checks:\n  - {id: marker, run: 'touch ran'}\n",
            ".gate/waivers.yaml": "waivers:\n  - rule: demo/x\n    reason: r\n    owner: o\n    expiry: 2026-01-01\n",
        ])
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 2)
        #expect(r.stderr.contains(".gate/waivers.yaml:5:5: error: unknown key 'expiry' in a waiver; did you mean 'expires'?"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("ran")))
        let validate = try await Exec.gate(["validate", "suite.yaml"], cwd: dir.path)
        #expect(validate.code == 2)
        #expect(validate.stderr.contains("unknown key 'expiry' in a waiver"))
    }

    @Test func aWaivedFailureIsReportedAsWaivedEverywhere() async throws {
        let expires = String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(30 * 86_400)).prefix(10))
        let dir = try await repo([
            "suite.yaml": """
                checks:
                  - id: scan
                    run: echo '{"rule":"demo/leak","message":"test key","path":"fixtures/a.env","line":2}' >> "$GATE_FINDINGS"; exit 1
                  - {id: deploy, run: 'true', needs: scan}
                """,
            ".gate/waivers.yaml": """
                waivers:
                  - check: scan
                    reason: Fixture keys for the parser tests.
                    owner: sec-team
                    expires: \(expires)
                """,
        ])
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("WAIVED   scan"))
        #expect(r.stdout.contains("PASS     deploy"))
        let report = try json(dir.file("Reports/suite/report.json"))
        let scan = try #require((report["checks"] as? [[String: Any]])?.first)
        #expect(scan["status"] as? String == "waived")
        let sarif = try dir.read("Reports/suite/report.sarif")
        #expect(sarif.contains("Fixture keys for the parser tests. (owner: sec-team, expires \(expires)"))
        #expect(try dir.read("Reports/suite/junit.xml").contains("type=\"waived\""))
        try await SchemaCheck.sarif(dir.file("Reports/suite/report.sarif"))
        try await SchemaCheck.junit(dir.file("Reports/suite/junit.xml"))
    }

    @Test func historyShowsRatesPercentilesAndFlakyChecks() async throws {
        let dir = try await repo([
            "suite.yaml": """
                suite: hist
                history: {retention: 3}
                checks:
                  - id: steady
                    run: 'true'
                  - id: flip
                    run: mkdir -p .gate; n=$(cat .gate/count 2>/dev/null || echo 0); echo $((n+1)) > .gate/count; test $((n % 2)) -eq 0
                """,
        ])
        defer { dir.remove() }
        for _ in 0..<4 { _ = try await Exec.gate(["run", "suite.yaml", "-q"], cwd: dir.path) }
        var r = try await Exec.gate(["history", "suite.yaml"], cwd: dir.path)
        #expect(r.code == 0, "\(r.stderr)")
        // Retention keeps three of the four runs: failed, passed, failed for 'flip'.
        #expect(r.stdout.contains("suite 'hist': 3 full runs"), "\(r.stdout)")
        #expect(r.stdout.contains("runs passed  1 of 3 (33%)"))
        #expect(r.stdout.contains("flaky checks (status flipped between runs of the same commit):\n  flip "))
        #expect(r.stdout.contains("failed → passed → failed (2 unexplained flips)"), "\(r.stdout)")
        #expect(r.stdout.contains("slowest checks (p95):"))
        r = try await Exec.gate(["history", "--check", "flip", "--last", "2"], cwd: dir.path)
        #expect(r.code == 0, "\(r.stderr)")
        #expect(r.stdout.contains("runs of 'flip':"))
        #expect(r.stdout.components(separatedBy: "\n").filter { $0.contains(" passed ") || $0.contains(" failed ") }.count >= 2)
        r = try await Exec.gate(["history", "--check", "flp"], cwd: dir.path)
        #expect(r.code == 2)
        #expect(r.stderr.contains("did you mean 'flip'?"))
        // --no-history leaves the history alone.
        _ = try await Exec.gate(["run", "suite.yaml", "-q", "--no-history"], cwd: dir.path)
        r = try await Exec.gate(["history", "suite.yaml"], cwd: dir.path)
        #expect(r.stdout.contains("runs passed  1 of 3 (33%)"))
        let empty = try TempDir("nohistory")
        defer { empty.remove() }
        r = try await Exec.gate(["history"], cwd: empty.path)
        #expect(r.code == 2)
        #expect(r.stderr.contains("no history in '.gate/history.sqlite'"))
    }

    @Test func underGitHubActionsFindingsBecomeAnnotationsAndTheSummaryIsAppended() async throws {
        let dir = try await repo([
            "suite.yaml": """
                suite: ci
                checks:
                  - id: scan
                    run: |
                      printf '%s\\n' '{"rule":"demo/bad","message":"50% done\\nnext line","path":"src/a,b.txt","line":2}' >> "$GATE_FINDINGS"
                      exit 1
                """,
            "summary.md": "earlier step\n",
        ])
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path,
                                    env: ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": dir.file("summary.md")])
        #expect(r.code == 1)
        #expect(r.stdout.contains("::error file=src/a%2Cb.txt,line=2,title=demo/bad (scan)::50%25 done%0Anext line\n"), "\(r.stdout)")
        let summary = try dir.read("summary.md")
        #expect(summary.hasPrefix("earlier step\n\n# gate: ci ❌ failed"))
        // Outside GitHub Actions nothing of the kind is printed.
        let plain = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        #expect(!plain.stdout.contains("::error"))
    }
}
