import Foundation
import GateTestSupport
import Testing

@testable import GateCore

/// Manual checklist items: suite keys, the attestations file, and the sign-off life cycle (pending,
/// attested, expired, bound to another commit) on real git repositories made by `git`.
@Suite struct ManualItemTests {
    let registry = VerifierRegistry([EchoVerifier.self, SleepVerifier.self])

    static let suiteYAML = """
        suite: launch
        checks:
          - id: rollback-ready
            manual: Rollback script prepared
            owner: release-manager
            valid-for: 14d
            evidence: link to the runbook
          - id: announce
            uses: echo
            needs: rollback-ready
        """

    // MARK: Suite keys

    func loadError(_ yaml: String) -> ConfigError? {
        let dir = try! TempDir("manual")
        defer { dir.remove() }
        try! dir.write(["s.yaml": yaml])
        do {
            _ = try SuiteLoader(registry: registry, workingDirectory: dir.path).load("s.yaml")
            return nil
        } catch {
            return error
        }
    }

    @Test func loadsAManualItem() throws {
        let dir = try TempDir("manual")
        defer { dir.remove() }
        try dir.write(["s.yaml": Self.suiteYAML + "\n  - {id: note, manual: Comms drafted, owner: pm, bind-to: none, required: false}\n"])
        let s = try SuiteLoader(registry: registry, workingDirectory: dir.path).load("s.yaml")
        let item = try #require(s.check("rollback-ready")?.manual)
        #expect(item == ManualItem(title: "Rollback script prepared", owner: "release-manager", validFor: .days(14),
                                   evidence: "link to the runbook", bindTo: .commit))
        #expect(s.check("rollback-ready")?.verifierID == "manual")
        #expect(s.check("note")?.manual?.bindTo == ManualItem.Binding.none)
        #expect(s.check("note")?.required == false)
        #expect(s.check("announce")?.manual == nil)
    }

    @Test func rejectsMistakesWithTheKey() {
        #expect(loadError("checks:\n  - {id: m, manual: Do it}\n")?.description
            .contains("missing required key 'owner' in manual item 'm'") == true)
        #expect(loadError("checks:\n  - {id: m, manual: Do it, owner: a, run: 'true'}\n")?.description
            .contains("a manual checklist item takes no 'run'") == true)
        #expect(loadError("checks:\n  - {id: m, manual: Do it, owner: a, bind-to: tag}\n")?.description
            .contains("'bind-to' must be 'commit' or 'none'") == true)
        #expect(loadError("checks:\n  - {id: m, manual: Do it, owner: a, valid-for: soon}\n")?.description
            .contains("'valid-for' must be a duration") == true)
        #expect(loadError("checks:\n  - {id: a, uses: echo, owner: x}\n")?.description
            .contains("'owner' applies to manual checklist items only") == true)
        #expect(loadError("checks:\n  - {id: m, manual: Do it, ownr: a}\n")?.description
            .contains("did you mean 'owner'?") == true)
    }

    // MARK: The attestations file

    @Test func attestationsRoundTripThroughTheCanonicalFile() throws {
        let dir = try TempDir("attest")
        defer { dir.remove() }
        let a = Attestation(item: "rollback-ready", by: "Zoë \"zo\" O'Neil", at: DateText.parse("2026-11-20T09:30:00Z")!,
                            commit: "0123456789abcdef0123456789abcdef01234567",
                            note: "rehearsed: 3 steps\nall green # not a comment", evidence: "https://runbooks.example/42",
                            suite: "launch")
        _ = try AttestationFile.append(a, to: dir.file("attestations.yaml"))
        let b = Attestation(item: "rollback-ready", by: "bob", at: DateText.parse("2026-11-21T09:30:00Z")!, note: "again")
        let log = try AttestationFile.append(b, to: dir.file("attestations.yaml"))
        let back = try AttestationFile.load(path: dir.file("attestations.yaml"))
        func unplaced(_ l: AttestationLog) -> [Attestation] { l.entries.map { var e = $0; e.location = nil; return e } }
        #expect(unplaced(back) == unplaced(log))
        #expect(unplaced(back) == [a, b])
        #expect(back.entries[1].location?.line == 12)
        #expect(back.latest(for: "rollback-ready")?.by == "bob")
        #expect(back.latest(for: "other") == nil)
        #expect(try dir.read("attestations.yaml").contains("  - item: \"rollback-ready\"\n    by: \"Zoë \\\"zo\\\" O'Neil\""))
    }

    @Test func concurrentSignOffsAreAllKept() async throws {
        let dir = try TempDir("attest")
        defer { dir.remove() }
        let file = dir.file(".gate/attestations.yaml")
        await withTaskGroup(of: Void.self) { group in
            for i in 0..<8 {
                group.addTask {
                    _ = try? AttestationFile.append(
                        Attestation(item: "item-\(i)", by: "p\(i)", at: Date(timeIntervalSince1970: Double(i)), note: "n"), to: file)
                }
            }
        }
        let log = try AttestationFile.load(path: file)
        #expect(Set(log.entries.map(\.item)) == Set((0..<8).map { "item-\($0)" }))
    }

    @Test func attestationsFileIsStrict() throws {
        func error(_ text: String) -> ConfigError? {
            do {
                _ = try AttestationFile.parse(try YAMLLoader.load(text: text, file: "a.yaml")!)
                return nil
            } catch {
                return error
            }
        }
        #expect(error("attestations:\n  - {item: a, by: b, at: 2026-11-20T09:30:00Z, note: n, evidnce: x}\n")?.description
            .contains("unknown key 'evidnce' in an attestation; did you mean 'evidence'?") == true)
        #expect(error("attestations:\n  - {item: a, by: b, at: 2026-11-20T09:30:00Z, note: n, evidnce: x}\n")?.location?.line == 2)
        #expect(error("attestations:\n  - {item: a, by: b, note: n}\n")?.description.contains("missing required key 'at'") == true)
        #expect(error("attestations:\n  - {item: a, by: b, at: yesterday, note: n}\n")?.description.contains("'at' must be a timestamp") == true)
    }

    // MARK: Status decisions

    static let item = ManualItem(title: "Rollback", owner: "rm", validFor: .days(14), bindTo: .commit)
    static let now = DateText.parse("2026-11-22T10:00:00Z")!

    func attestation(daysAgo: Double, commit: String? = "aaaa") -> Attestation {
        Attestation(item: "r", by: "alice", at: Self.now.addingTimeInterval(-daysAgo * 86_400), commit: commit, note: "done")
    }

    @Test func statusFollowsAgeAndCommit() {
        let fresh = attestation(daysAgo: 1)
        #expect(ManualItemStatus.evaluate(Self.item, attestation: nil, now: Self.now, head: "aaaa", relation: nil)
            == .pending(.neverAttested))
        #expect(ManualItemStatus.evaluate(Self.item, attestation: fresh, now: Self.now, head: "aaaa", relation: nil).isAttested)
        let old = attestation(daysAgo: 15)
        guard case .pending(.expired(_, let until)) = ManualItemStatus.evaluate(Self.item, attestation: old, now: Self.now,
                                                                               head: "aaaa", relation: nil) else {
            Issue.record("a 15-day-old sign-off must be expired with valid-for 14d")
            return
        }
        #expect(until == old.at.addingTimeInterval(14 * 86_400))
        #expect(ManualItemStatus.evaluate(Self.item, attestation: fresh, now: Self.now, head: "bbbb",
                                          relation: .ancestor(changed: [])).isAttested)
        #expect(ManualItemStatus.evaluate(Self.item, attestation: fresh, now: Self.now, head: "bbbb",
                                          relation: .ancestor(changed: ["src/a.py"]))
            == .pending(.otherCommit(fresh, head: "bbbb", changed: ["src/a.py"])))
        #expect(!ManualItemStatus.evaluate(Self.item, attestation: fresh, now: Self.now, head: "bbbb", relation: .unrelated).isAttested)
        var unbound = Self.item
        unbound.bindTo = .none
        #expect(ManualItemStatus.evaluate(unbound, attestation: fresh, now: Self.now, head: "bbbb", relation: .unrelated).isAttested)
        unbound.validFor = nil
        #expect(ManualItemStatus.evaluate(unbound, attestation: attestation(daysAgo: 400), now: Self.now, head: nil,
                                          relation: nil).isAttested)
    }

    // MARK: The life cycle on a real repository

    struct Repo {
        let dir: TempDir
        let suite: Suite

        func head() async throws -> String {
            try await Exec.git(["rev-parse", "HEAD"], in: dir.path).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func commit(_ files: [String: String], _ message: String) async throws {
            try dir.write(files)
            try await Exec.git(["add", "-A"], in: dir.path)
            try await Exec.git(["commit", "-q", "-m", message], in: dir.path)
        }

        func attest(daysAgo: Double = 0, commit: String? = nil) async throws {
            let c: String?
            if let commit { c = commit } else { c = try await head() }
            _ = try AttestationFile.append(
                Attestation(item: "rollback-ready", by: "alice", at: Date().addingTimeInterval(-daysAgo * 86_400),
                            commit: c, note: "rehearsed on staging", evidence: "https://runbooks.example/7"),
                to: dir.file(".gate/attestations.yaml"))
        }

        func run(allowPending: Bool = false) async throws -> [String: CheckResult] {
            var options = RunOptions(jobs: 2, reportsDirectory: dir.file("Reports"))
            options.allowPendingManual = allowPending
            let o = await Scheduler(options: options).run(suite, selection: try Selection.compute(suite, options: options))
            return Dictionary(uniqueKeysWithValues: o.results.map { ($0.id, $0) })
        }
    }

    func makeRepo() async throws -> Repo {
        let dir = try TempDir("lifecycle")
        try dir.write(["s.yaml": Self.suiteYAML, "app/main.py": "print('v1')\n"])
        try await Exec.git(["init", "-q", "-b", "main"], in: dir.path)
        try await Exec.git(["add", "-A"], in: dir.path)
        try await Exec.git(["commit", "-q", "-m", "v1"], in: dir.path)
        let suite = try SuiteLoader(registry: registry, workingDirectory: dir.path).load("s.yaml")
        return Repo(dir: dir, suite: suite)
    }

    @Test func pendingUntilAttestedThenTicked() async throws {
        let repo = try await makeRepo()
        defer { repo.dir.remove() }
        var r = try await repo.run()
        let pending = try #require(r["rollback-ready"])
        #expect(pending.status == .failed)
        #expect(pending.verifier == "manual")
        let finding = try #require(pending.findings.first)
        #expect(finding.rule == "gate/manual-pending")
        #expect(finding.message.contains("needs a sign-off from 'release-manager': never signed off"))
        #expect(finding.message.contains("gate attest rollback-ready --by NAME --note TEXT --evidence URL"))
        #expect(r["announce"]?.status == .skipped)

        try await repo.attest()
        r = try await repo.run()
        let done = try #require(r["rollback-ready"])
        #expect(done.status == .passed, "\(done.summary)")
        #expect(done.findings.isEmpty)
        #expect(done.stats["attestedBy"] == "alice")
        #expect(done.stats["commit"] == .string(try await repo.head()))
        #expect(done.stats["evidence"] == "https://runbooks.example/7")
        #expect(r["announce"]?.status == .passed)
    }

    @Test func anOldSignOffExpires() async throws {
        let repo = try await makeRepo()
        defer { repo.dir.remove() }
        try await repo.attest(daysAgo: 15)
        let r = try await repo.run()
        #expect(r["rollback-ready"]?.status == .failed)
        #expect(r["rollback-ready"]?.summary.contains("the sign-off by alice on ") == true)
        #expect(r["rollback-ready"]?.summary.contains(" expired on ") == true)
    }

    @Test func aSignOffIsBoundToItsCommit() async throws {
        let repo = try await makeRepo()
        defer { repo.dir.remove() }
        try await repo.attest()
        // Committing the sign-off itself (gate's state directory) keeps it valid.
        try await repo.commit([:], "record the sign-off")
        #expect(try await repo.run()["rollback-ready"]?.status == .passed)
        // A change under the root voids it.
        try await repo.commit(["app/main.py": "print('v2')\n"], "v2")
        let r = try await repo.run()
        #expect(r["rollback-ready"]?.status == .failed)
        #expect(r["rollback-ready"]?.summary.contains("but 1 file changed since (app/main.py)") == true)
        // A commit that is not an ancestor (another branch) does not count either.
        try await Exec.git(["checkout", "-q", "-b", "other", "HEAD~2"], in: repo.dir.path)
        try await repo.commit(["app/other.py": "x\n"], "side")
        let side = try await repo.head()
        try await Exec.git(["checkout", "-q", "main"], in: repo.dir.path)
        try await repo.attest(commit: side)
        #expect(try await repo.run()["rollback-ready"]?.summary.contains("not an ancestor") == true)
    }

    @Test func allowPendingManualSkipsWithAWarning() async throws {
        let repo = try await makeRepo()
        defer { repo.dir.remove() }
        let r = try await repo.run(allowPending: true)
        let item = try #require(r["rollback-ready"])
        #expect(item.status == .skipped)
        #expect(item.reason?.contains("--allow-pending-manual") == true)
        #expect(item.findings.map(\.severity) == [.warning])
        #expect(!item.blocksRun)
        #expect(r["announce"]?.status == .skipped)
    }
}
