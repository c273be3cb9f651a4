import Foundation
import GateCore

/// A fixed report that exercises every status and the awkward characters writers must escape.
enum ReportFixtures {
    static let start = Date(timeIntervalSince1970: 1_795_341_600)  // 2026-11-22T10:00:00Z

    static var report: RunReport {
        var waived = Finding(rule: "secrets/generic", severity: .error, message: "generic secret in test data",
                             path: "tests/data.env", line: 4, identity: "w1")
        waived.waived = true
        waived.waiver = "test fixture, owner: sec-team, expires 2027-01-01"
        let checks = [
            CheckResult(id: "unit-tests", verifier: "command", description: "Unit tests", status: .passed,
                        durationMs: 1234, summary: "exited 0 in 1.2s; 5 tests (JUnit)",
                        stats: ["exitCode": 0, "tests": 5], rules: ["command/exit-status", "command/test-failure"],
                        findings: [Finding(rule: "lint/todo", severity: .warning, message: "TODO left", path: "src/a.py", line: 3)],
                        log: "--- stdout ---\nok <all> & \"done\"\n", tags: ["fast"], source: "Suites/launch.yaml:12", root: "service"),
            CheckResult(id: "cas", verifier: "cas", status: .failed, durationMs: 20,
                        summary: "1 corrupt object of 3", stats: ["objects": 3, "gbPerSecond": 1.5],
                        rules: ["cas/hash-mismatch", "cas/orphan"],
                        findings: [
                            Finding(rule: "cas/hash-mismatch", message: "object <ab> hashes to 'ff' & not 'ab'\nsecond line\u{7}",
                                    path: "objects/ab/cdef", identity: "ab", evidence: ["expected": "ab", "actual": "ff"],
                                    help: "Restore the object from a replica."),
                            Finding(rule: "cas/orphan", severity: .warning, message: "unreferenced object", path: "objects/zz/01"),
                        ], source: "Suites/launch.yaml:20", root: "."),
            CheckResult(id: "migrations", verifier: "migrations", status: .error, durationMs: 5,
                        summary: "error: cannot open database", reason: "cannot open 'db.sqlite': no such file",
                        rules: ["migrations/modified"], source: "Suites/launch.yaml:30", root: "."),
            CheckResult(id: "slow", verifier: "command", status: .timedOut, durationMs: 30000,
                        summary: "timed out after 30.0s", reason: "exceeded its timeout of 30.0s",
                        rules: ["command/exit-status"], source: "Suites/launch.yaml:40", root: "."),
            CheckResult(id: "deploy", verifier: "command", status: .skipped, summary: "skipped: needs 'slow', which ended timed-out",
                        reason: "needs 'slow', which ended timed-out", rules: ["command/exit-status"],
                        source: "Suites/launch.yaml:50", root: "."),
            CheckResult(id: "style", verifier: "command", status: .failed, required: false, durationMs: 7,
                        summary: "'lint' exited with code 1", rules: ["command/exit-status"],
                        findings: [Finding(rule: "command/exit-status", message: "'lint' exited with code 1", identity: "exit-status")],
                        source: "Suites/launch.yaml:60", root: "."),
            CheckResult(id: "secrets", verifier: "secrets", status: .waived, durationMs: 9, summary: "1 waived",
                        rules: ["secrets/generic"], findings: [waived], source: "Suites/launch.yaml:70", root: "."),
        ]
        let rules = [
            RuleDescriptor("cas/hash-mismatch", "Object content does not hash to its address.", help: "Restore it."),
            RuleDescriptor("cas/orphan", "Object is not referenced.", severity: .warning),
            RuleDescriptor("command/exit-status", "The program failed."),
            RuleDescriptor("command/test-failure", "A test failed."),
            RuleDescriptor("migrations/modified", "An applied migration changed."),
            RuleDescriptor("secrets/generic", "Generic secret."),
            RuleDescriptor("unused/rule", "Not used by any check; must not appear."),
        ]
        return RunReport(suite: "launch", gateVersion: "0.1.0", startedAt: start, durationMs: 31300, status: .error,
                         exitCode: 3, suiteFile: "Suites/launch.yaml", checks: checks, rules: rules)
    }
}
