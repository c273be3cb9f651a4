import Foundation
import GateTestSupport
import Testing

/// Issue 23 on the built binary: the console, partial runs, state files and the first hour with a new
/// project.
@Suite struct EverydayEndToEndTests {
    static var soonExpired: String {
        let f = DateFormatter()
        f.locale = Locale(identifier: "en_US_POSIX")
        f.timeZone = TimeZone(identifier: "UTC")
        f.dateFormat = "yyyy-MM-dd"
        return f.string(from: Date().addingTimeInterval(-3 * 86400))
    }

    @Test func anExpiredWaiverIsPrintedBesideTheErrorWithoutVerbose() async throws {
        let dir = try TempDir("expired-waiver")
        defer { dir.remove() }
        try dir.write([
            "gate.yaml": "suite: w\nchecks:\n  - id: lint\n    run: echo '{\"rule\":\"lint/x\",\"message\":\"bad\",\"path\":\"a.py\"}' >> \"$GATE_FINDINGS\"; exit 1\n",
            "a.py": "x\n",
            ".gate/waivers.yaml": """
                waivers:
                  - rule: lint/x
                    reason: reviewed
                    owner: dev-team
                    created: \(Self.soonExpired)
                    expires: \(Self.soonExpired)
                """,
        ])
        let r = try await Exec.gate(["run"], cwd: dir.path)
        #expect(r.code == 1, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("waiver for lint/x expired on \(Self.soonExpired) (dev-team, .gate/waivers.yaml:2)"), "\(r.stdout)")
    }

    @Test func consoleWordsAndProgressLinesForCILogs() async throws {
        let dir = try TempDir("console")
        defer { dir.remove() }
        let marker = UInt32.random(in: 100_000...999_999)
        try dir.write(["gate.yaml": "suite: c\nchecks:\n  - id: slow\n    run: sleep 2.\(marker)\n"])
        // Not a terminal: one line per interval for the check still running.
        let r = try await Exec.gate(["run"], cwd: dir.path, env: ["GATE_PROGRESS_INTERVAL": "0.5"])
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        #expect(r.stdout.contains("... slow still running ("), "\(r.stdout)")
        #expect(r.stdout.contains("1 check:") && !r.stdout.contains("1 checks"), "\(r.stdout)")
        #expect(r.stdout.contains("· 1 check ·"), "\(r.stdout)")
    }

    @Test func aPartialRunIsMarkedInEveryFormatAndLeftOutOfPassRates() async throws {
        let dir = try TempDir("partial")
        defer { dir.remove() }
        try dir.write(["gate.yaml": "suite: p\nchecks:\n  - {id: a, run: 'true'}\n  - {id: b, run: 'exit 1'}\n"])
        _ = try await Exec.gate(["run", "-q"], cwd: dir.path)
        let partial = try await Exec.gate(["run", "--only", "a"], cwd: dir.path)
        #expect(partial.code == 0)
        #expect(partial.stdout.contains("Partial run (--only a)"), "\(partial.stdout)")
        let base = "Reports/p/"
        #expect(try dir.read(base + "report.json").contains(#""partial" : "--only a""#))
        #expect(try dir.read(base + "report.md").contains("**Partial run** (--only a)"))
        #expect(try dir.read(base + "report.html").contains("Partial run (<code>--only a</code>)"))
        #expect(try dir.read(base + "junit.xml").contains(#"<property name="partial" value="--only a"/>"#))
        #expect(try dir.read(base + "report.sarif").contains(#""partial" : "--only a""#))
        try await SchemaCheck.report(dir.file(base + "report.json"))
        try await SchemaCheck.junit(dir.file(base + "junit.xml"))
        try await SchemaCheck.sarif(dir.file(base + "report.sarif"))
        let history = try await Exec.gate(["history"], cwd: dir.path)
        #expect(history.stdout.contains("1 full run"), "\(history.stdout)")
        #expect(history.stdout.contains("and 1 partial run, left out of the figures"), "\(history.stdout)")
        #expect(history.stdout.contains("runs passed  0 of 1 (0%)"), "\(history.stdout)")
    }

    @Test func stateDirectoryGetsAGitignoreAndNoLogIsLeftBehind() async throws {
        let dir = try TempDir("state-files")
        defer { dir.remove() }
        try dir.write(["gate.yaml": "suite: s\nchecks:\n  - {id: a, run: 'true'}\n"])
        let r = try await Exec.gate(["run", "-q"], cwd: dir.path)
        #expect(r.code == 0)
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.file(".gate")).sorted()
        #expect(files.contains(".gitignore"), "\(files)")
        #expect(!files.contains { $0.hasSuffix("-wal") || $0.hasSuffix("-shm") }, "\(files)")
        let ignore = try dir.read(".gate/.gitignore")
        #expect(ignore.contains("!waivers.yaml") && ignore.contains("!attestations.yaml"))
    }

    /// The first gates wrote a .gitignore without the baseline line, so `write-baseline: true` files stayed
    /// out of git. A file with exactly those bytes is brought up to date; an edited one is left alone.
    @Test func anUntouchedGitignoreFromAnEarlierGateIsUpdatedAndAnEditedOneIsNot() async throws {
        let earlier = """
            # Written by gate on first use. gate's local state (run history, result cache, locks) stays out of git.
            # waivers.yaml and attestations.yaml are decisions to review: commit them.
            *
            !.gitignore
            !waivers.yaml
            !attestations.yaml

            """
        for edited in [false, true] {
            let dir = try TempDir("old-ignore")
            defer { dir.remove() }
            let old = edited ? earlier + "!notes.md\n" : earlier
            try dir.write(["gate.yaml": "suite: s\nchecks:\n  - {id: a, run: 'true'}\n", ".gate/.gitignore": old])
            let r = try await Exec.gate(["run", "-q"], cwd: dir.path)
            #expect(r.code == 0, "\(r.stderr)")
            let ignore = try dir.read(".gate/.gitignore")
            if edited {
                #expect(ignore == old, "an edited .gitignore was rewritten:\n\(ignore)")
            } else {
                #expect(ignore.contains("!*-baseline.json\n") && ignore.contains("!waivers.yaml\n"), "\(ignore)")
            }
            let leftovers = try FileManager.default.contentsOfDirectory(atPath: dir.file(".gate")).filter { $0.contains(".gitignore.") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
    }

    @Test func gateCheckSaysWhereReportsGoAndLeavesNoEmptyDirectories() async throws {
        let dir = try TempDir("adhoc")
        defer { dir.remove() }
        let r = try await Exec.gate(["check", "command", "--set", "run=true"], cwd: dir.path)
        #expect(r.code == 0)
        #expect(r.stdout.contains("No report files were written: add --reports DIR"), "\(r.stdout)")
        #expect(!FileManager.default.fileExists(atPath: dir.file("Reports")), "an empty Reports/ was left behind")
    }

    @Test func validateReportsEveryErrorWithItsSuggestion() async throws {
        let dir = try TempDir("validate-all")
        defer { dir.remove() }
        try dir.write(["gate.yaml": """
            suite: v
            checks:
              - id: one
                run: 'true'
                with:
                  timeout: 5s
              - id: two
                uses: boundaries
                with:
                  rules:
                    - layer: [a, b]
              - id: three
                uses: comand
            """])
        let r = try await Exec.gate(["validate"], cwd: dir.path)
        #expect(r.code == 2)
        #expect(r.stderr.contains("'timeout' is a key of the check, not a parameter of the 'command' verifier"), "\(r.stderr)")
        #expect(r.stderr.contains("unknown key 'layer'") && r.stderr.contains("did you mean 'layers'?"), "\(r.stderr)")
        #expect(r.stderr.contains("did you mean 'command'?"), "\(r.stderr)")
        #expect(r.stderr.contains("3 errors"), "\(r.stderr)")
        // --set takes the comma form --only takes.
        let set = try await Exec.gate(["check", "determinism", "--set", "command=true", "--set", "vary=time,umask",
                                       "--set", "outputs=[out]"], cwd: dir.path)
        #expect(!set.stderr.contains("time,umask"), "\(set.stderr)")
    }

    @Test func helpKeepsEveryExampleLineWhole() async throws {
        for command in [[], ["run"], ["check"], ["attest"], ["init"], ["merge"]] {
            let r = try await Exec.gate(command + ["--help"], cwd: Repo.root)
            #expect(r.code == 0)
            let lines = r.stdout.split(separator: "\n")
            // A command split in two leaves a line that continues it with no 'gate' in front.
            for (i, line) in lines.enumerated() where line.trimmingCharacters(in: .whitespaces).hasPrefix("gate ") {
                let next = i + 1 < lines.count ? lines[i + 1] : ""
                let continued = next.hasPrefix("  ") && !next.trimmingCharacters(in: .whitespaces).hasPrefix("gate ")
                    && !next.trimmingCharacters(in: .whitespaces).isEmpty && next.count > 0
                    && line.count >= 78 && !next.contains(":")
                #expect(!continued, "\(command) --help splits '\(line)' / '\(next)'")
            }
        }
    }

    @Test func initWritesASuiteThatRunsAndEveryCommandFindsIt() async throws {
        let dir = try TempDir("init")
        defer { dir.remove() }
        try dir.write([
            "shop/__init__.py": "",
            "shop/cart.py": "def total(items):\n    return sum(items)\n",
            "tests/test_cart.py": "from shop.cart import total\n\n\ndef test_total():\n    assert total([1, 2]) == 3\n",
            "migrations/20260101000000_create_carts.sql": "CREATE TABLE carts (id INTEGER PRIMARY KEY);\n",
            "pyproject.toml": "[project]\nname = \"shop\"\nversion = \"0.1\"\n",
        ])
        try await Exec.git(["init", "-q"], in: dir.path)
        let before = try await Exec.gate(["run"], cwd: dir.path)
        #expect(before.code == 2 && before.stderr.contains("Run 'gate init'"), "\(before.stderr)")
        let initRun = try await Exec.gate(["init"], cwd: dir.path)
        #expect(initRun.code == 0, "\(initRun.stderr)")
        for part in ["found: git repository", "found: Python (packages shop)", "found: migrations (migrations/ (sqlx))"] {
            #expect(initRun.stdout.contains(part), "\(part) in \(initRun.stdout)")
        }
        let suite = try dir.read("gate.yaml")
        #expect(suite.contains("uses: secrets") && suite.contains("uses: migrations") && suite.contains("format: sqlx"))
        #expect(FileManager.default.fileExists(atPath: dir.file(".gate/.gitignore")))
        let validate = try await Exec.gate(["validate"], cwd: dir.path)
        #expect(validate.code == 0, "\(validate.stderr)")
        let run = try await Exec.gate(["run"], cwd: dir.path)
        #expect(run.code == 0, "\(run.stdout)\(run.stderr)")
        let again = try await Exec.gate(["init"], cwd: dir.path)
        #expect(again.code == 2 && again.stderr.contains("gate.yaml already exists"))
        let history = try await Exec.gate(["history"], cwd: dir.path)
        #expect(history.stdout.contains("suite 'init"), "\(history.stdout)")
        let checklist = try await Exec.gate(["checklist"], cwd: dir.path)
        #expect(checklist.code == 0, "\(checklist.stderr)")
    }
}
