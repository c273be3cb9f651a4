import Foundation
import GateTestSupport
import Testing

@testable import GateCore

/// `.gate/waivers.yaml`: strict loading with positions, matching, expiry, and application inside the
/// scheduler so that a fully waived check is `waived` and satisfies `needs`.
@Suite struct WaiverTests {
    let registry = VerifierRegistry([EchoVerifier.self, SleepVerifier.self])
    static let today = DateText.parse("2026-11-22T10:00:00Z")!

    func parse(_ yaml: String, maxDays: Int = 90) throws(ConfigError) -> [Waiver] {
        let doc = try YAMLLoader.load(text: yaml, file: ".gate/waivers.yaml")!
        return try WaiverFile.parse(doc, now: Self.today, maxLifetime: .days(maxDays))
    }

    func failure(_ yaml: String, maxDays: Int = 90) -> ConfigError? {
        do {
            _ = try parse(yaml, maxDays: maxDays)
            return nil
        } catch {
            return error
        }
    }

    // MARK: Loading

    @Test func parsesEveryKey() throws {
        let w = try parse("""
            waivers:
              - check: secrets
                rule: secrets/*
                fingerprint: abc123
                path: tests/fixtures/**
                reason: Fake keys for the parser tests.
                owner: security-team
                expires: 2026-12-31
                created: 2026-11-01
            """)
        #expect(w.count == 1)
        #expect(w[0].rule == "secrets/*")
        #expect(w[0].owner == "security-team")
        #expect(w[0].location.line == 2)
        // A bare date is valid through that whole day.
        #expect(w[0].expires == DateText.parse("2027-01-01T00:00:00Z"))
    }

    @Test func aMisspelledKeyFailsWithFileLineAndSuggestion() {
        let e = failure("""
            waivers:
              - rule: secrets/generic
                reason: test data
                owner: sec
                expiry: 2026-12-01
            """)
        #expect(e?.description.hasPrefix(".gate/waivers.yaml:5:5: error: unknown key 'expiry' in a waiver; did you mean 'expires'?") == true,
                "\(String(describing: e))")
    }

    @Test func aMissingExpiryFails() {
        let e = failure("waivers:\n  - {rule: a/b, reason: r, owner: o}\n")
        #expect(e == .missingKey(SourceLocation(file: ".gate/waivers.yaml", line: 2, column: 5), key: "expires", context: "a waiver"))
    }

    @Test func expiryBeyondTheMaximumLifetimeFails() {
        let e = failure("waivers:\n  - {rule: a/b, reason: r, owner: o, expires: 2027-06-01}\n")
        #expect(e?.description.contains("waivers may last at most 90 days") == true, "\(String(describing: e))")
        #expect(e?.location?.line == 2)
        // The limit is configurable, and measured from 'created' when given.
        #expect(failure("waivers:\n  - {rule: a/b, reason: r, owner: o, expires: 2027-06-01}\n", maxDays: 365) == nil)
        #expect(failure("waivers:\n  - {rule: a/b, reason: r, owner: o, created: 2026-01-01, expires: 2026-12-01}\n")?
            .description.contains("after its 'created' date 2026-01-01") == true)
        #expect(failure("waivers:\n  - {rule: a/b, reason: r, owner: o, expires: 2027-02-20}\n") == nil)
    }

    @Test func otherMistakesFailWithTheKey() {
        #expect(failure("waivers:\n  - {reason: r, owner: o, expires: 2026-12-01}\n")?.description
            .contains("missing required key 'check', 'rule', 'fingerprint' or 'path'") == true)
        #expect(failure("waivers:\n  - {rule: a/b, reason: r, owner: o, expires: next week}\n")?.description
            .contains("'expires' must be a date") == true)
        #expect(failure("waivers:\n  - {rule: a/b, reason: '', owner: o, expires: 2026-12-01}\n")?.description
            .contains("'reason' must be a non-empty string") == true)
        #expect(failure("waiver:\n  - {rule: a/b}\n")?.description.contains("did you mean 'waivers'?") == true)
        #expect(failure("waivers: {rule: a/b}\n")?.description.contains("'waivers' must be a list of waivers") == true)
    }

    @Test func aMissingOrEmptyFileHasNoWaivers() throws {
        let dir = try TempDir("waivers")
        defer { dir.remove() }
        #expect(try WaiverFile.load(path: dir.file("none.yaml")).isEmpty)
        try dir.write(["empty.yaml": "# nothing yet\n"])
        #expect(try WaiverFile.load(path: dir.file("empty.yaml")).isEmpty)
    }

    // MARK: Matching

    @Test func everyGivenSelectorMustMatch() {
        let f = Finding(rule: "secrets/aws-key", message: "key", path: "tests/fixtures/a.env", line: 3, identity: "k")
        func w(check: String? = nil, rule: String? = nil, fingerprint: String? = nil, path: String? = nil) -> Waiver {
            Waiver(check: check, rule: rule, fingerprint: fingerprint, path: path, reason: "r", owner: "o", expires: Self.today)
        }
        #expect(w(rule: "secrets/aws-key").matches(f, checkID: "secrets"))
        #expect(w(rule: "secrets/*").matches(f, checkID: "secrets"))
        #expect(!w(rule: "secrets/github-*").matches(f, checkID: "secrets"))
        #expect(w(path: "tests/**").matches(f, checkID: "secrets"))
        #expect(w(path: "*.env").matches(f, checkID: "secrets"))
        #expect(!w(path: "src/**").matches(f, checkID: "secrets"))
        #expect(w(fingerprint: f.fingerprint).matches(f, checkID: "secrets"))
        #expect(!w(fingerprint: "0000").matches(f, checkID: "secrets"))
        #expect(w(check: "secrets", rule: "secrets/*").matches(f, checkID: "secrets"))
        #expect(!w(check: "other", rule: "secrets/*").matches(f, checkID: "secrets"))
        #expect(!w(path: "**").matches(Finding(rule: "x/y", message: "no path"), checkID: "secrets"))
    }

    // MARK: In the scheduler

    func run(_ yaml: String, waivers: String, asOf: Date = today) async throws -> [String: CheckResult] {
        let dir = try TempDir("waive")
        defer { dir.remove() }
        try dir.write(["s.yaml": yaml, ".gate/waivers.yaml": waivers])
        let s = try SuiteLoader(registry: registry, workingDirectory: dir.path).load("s.yaml")
        var options = RunOptions(jobs: 2, reportsDirectory: dir.file("Reports"))
        options.waivers = try WaiverFile.load(path: dir.file(".gate/waivers.yaml"), now: Self.today).asOf(asOf)
        let o = await Scheduler(options: options).run(s, selection: try Selection.compute(s, options: options))
        return Dictionary(uniqueKeysWithValues: o.results.map { ($0.id, $0) })
    }

    static let suite = """
        checks:
          - {id: scan, uses: echo, with: {fail: true, repeat: 2, message: leaked}}
          - {id: deploy, uses: echo, needs: scan}
        """

    @Test func aFullyWaivedCheckIsWaivedAndSatisfiesNeeds() async throws {
        let r = try await run(Self.suite, waivers: """
            waivers:
              - {check: scan, rule: echo/fail, reason: known test data, owner: sec-team, expires: 2026-12-31}
            """)
        #expect(r["scan"]?.status == .waived)
        #expect(r["scan"]?.findings.allSatisfy(\.waived) == true)
        #expect(r["scan"]?.findings.first?.waiver?.contains("known test data (owner: sec-team, expires 2026-12-31") == true)
        #expect(r["deploy"]?.status == .passed)
    }

    @Test func aPartlyWaivedCheckStillFails() async throws {
        let r = try await run(Self.suite, waivers: """
            waivers:
              - {path: f0.txt, reason: one of two, owner: sec-team, expires: 2026-12-31}
            """)
        #expect(r["scan"]?.status == .failed)
        #expect(r["scan"]?.findings.filter(\.waived).map(\.path) == ["f0.txt"])
        #expect(r["deploy"]?.status == .skipped)
    }

    @Test func anExpiredWaiverStopsApplyingAndNamesItsOwner() async throws {
        let later = DateText.parse("2027-01-05T00:00:00Z")!
        let r = try await run(Self.suite + "\n  - {id: other, uses: echo, with: {warn: true}}\n", waivers: """
            waivers:
              - {rule: echo/fail, reason: known test data, owner: sec-team, expires: 2026-12-31}
            """, asOf: later)
        let scan = try #require(r["scan"])
        #expect(scan.status == .failed)
        #expect(scan.findings.filter(\.waived).isEmpty)
        let expired = try #require(scan.findings.first { $0.rule == "gate/waiver-expired" })
        #expect(expired.severity == .warning)
        #expect(expired.message.contains("waiver for echo/fail expired on 2026-12-31 (sec-team, "))
        #expect(expired.message.contains("no longer covers 2 findings"))
        #expect(expired.path == ".gate/waivers.yaml")
        #expect(expired.line == 2)
        #expect(scan.rules.contains("gate/waiver-expired"))
        // The expired waiver says nothing about a check it never matched.
        #expect(r["other"]?.findings.map(\.rule) == ["echo/warn"])
    }
}

/// The index that narrows waivers per finding must never hide a waiver that matches.
@Suite struct WaiverIndexTests {
    @Test func candidatesIncludeEveryMatchingWaiver() {
        let expires = Date(timeIntervalSince1970: 2_000_000_000)
        let findings = (0..<60).map { i in
            Finding(rule: "r/k\(i % 4)", message: "m\(i)", path: i % 5 == 0 ? nil : "src/d\(i % 3)/f\(i % 7).py", line: i + 1)
        }
        var waivers: [Waiver] = []
        for s in ["src/d1/f2.py", "./src/d0/f1.py", "/src/d2/f3.py", "f4.py", "src/**", "*.py", "src/d1/", "lib/x.py"] {
            waivers.append(Waiver(path: s, reason: "r", owner: "o", expires: expires))
        }
        for s in ["r/k1", "r/*", "x/y"] { waivers.append(Waiver(rule: s, reason: "r", owner: "o", expires: expires)) }
        waivers.append(Waiver(check: "c1", reason: "r", owner: "o", expires: expires))
        waivers.append(Waiver(check: "c2", rule: "r/k*", reason: "r", owner: "o", expires: expires))
        waivers.append(Waiver(fingerprint: findings[7].fingerprint, reason: "r", owner: "o", expires: expires))
        let index = WaiverIndex(waivers)
        var matched = 0
        for check in ["c1", "c2", "c3"] {
            for f in findings {
                let all = waivers.indices.filter { waivers[$0].matches(f, checkID: check) }
                let candidates = index.candidates(for: f, checkID: check)
                #expect(Set(all).isSubset(of: Set(candidates)), "\(f.path ?? "-") \(f.rule) in \(check)")
                #expect(candidates == candidates.sorted())
                matched += all.count
            }
        }
        #expect(matched > 100)
    }
}
