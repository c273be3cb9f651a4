import Foundation
import GateCore

@testable import GateReports

/// A launch run with sign-offs (one attested, two pending), a waived finding, an expired waiver, and a
/// history, for the checklist, HTML and GitHub outputs.
enum ReleaseFixtures {
    static let start = ReportFixtures.start

    static var report: RunReport {
        let attested = ManualItemVerifier.outcome(
            ManualItem(title: "Rollback script prepared", owner: "release-manager", validFor: .days(14),
                       evidence: "link to the runbook"),
            id: "rollback-ready",
            status: .attested(Attestation(item: "rollback-ready", by: "alice", at: start.addingTimeInterval(-86_400),
                                          commit: "0123456789abcdef0123456789abcdef01234567",
                                          note: "Rehearsed on staging <in 4 minutes>",
                                          evidence: "https://runbooks.example/rollback?step=1&env=staging"),
                              validUntil: start.addingTimeInterval(13 * 86_400)))
        let never = ManualItemVerifier.outcome(
            ManualItem(title: "Invoice migration tested on staging", owner: "dba-on-call", validFor: .days(7),
                       evidence: "link to the staging run"),
            id: "staging-migration", status: .pending(.neverAttested))
        let expired = ManualItemVerifier.outcome(
            ManualItem(title: "Support briefed", owner: "support-lead", validFor: .days(7), bindTo: .none),
            id: "support-briefed",
            status: .pending(.expired(Attestation(item: "support-briefed", by: "carol", at: start.addingTimeInterval(-10 * 86_400),
                                                  note: "briefed"), validUntil: start.addingTimeInterval(-3 * 86_400))))
        func manual(_ id: String, _ o: CheckOutcome, status: CheckStatus? = nil, line: Int, required: Bool = true) -> CheckResult {
            var findings = o.findings
            if status == .skipped { for i in findings.indices { findings[i].severity = .warning } }
            return CheckResult(id: id, verifier: "manual", status: status ?? o.status ?? .passed, required: required,
                               summary: o.summary, reason: status == .skipped ? "pending sign-off; --allow-pending-manual" : nil,
                               stats: o.stats, rules: ["gate/manual-pending"], findings: findings,
                               source: "Suites/launch.yaml:\(line)", root: "service")
        }
        var waived = Finding(rule: "secrets/generic", severity: .error, message: "generic secret in test data",
                             path: "tests/data.env", line: 4, identity: "w1")
        waived.waived = true
        waived.waiver = "fake key (owner: sec-team, expires 2026-12-31; .gate/waivers.yaml:2)"
        let expiredWaiver = Finding(rule: "gate/waiver-expired", severity: .warning,
                                    message: "waiver owned by 'sec-team' expired on 2026-11-01 (.gate/waivers.yaml:8): it no longer covers 1 finding",
                                    path: ".gate/waivers.yaml", line: 8, identity: "exp")
        let checks = [
            CheckResult(id: "config-valid", verifier: "command", description: "The service configuration parses.",
                        status: .passed, durationMs: 180, summary: "exited 0", rules: ["command/exit-status"],
                        source: "Suites/launch.yaml:8", root: "service"),
            CheckResult(id: "secrets", verifier: "secrets", description: "No credentials in the tree.", status: .failed,
                        durationMs: 950, summary: "1 secret (1 waived)", rules: ["secrets/generic", "secrets/aws-access-key-id"],
                        findings: [
                            waived, expiredWaiver,
                            Finding(rule: "secrets/aws-access-key-id", message: "AWS key, 100% real: 'AKIA…[redacted]'\nline two, with a comma",
                                    path: "config/prod,1.env", line: 12, column: 3, identity: "k1"),
                        ], source: "Suites/launch.yaml:14", root: "service"),
            CheckResult(id: "smoke", verifier: "command", description: "Probe /health.", status: .skipped,
                        summary: "skipped: needs 'secrets', which ended failed", reason: "needs 'secrets', which ended failed",
                        rules: ["command/exit-status"], source: "Suites/launch.yaml:20", root: "service"),
            manual("rollback-ready", attested, line: 26),
            manual("staging-migration", never, line: 32),
            manual("support-briefed", expired, status: .skipped, line: 38, required: false),
        ]
        var report = RunReport(
            suite: "launch", gateVersion: "0.1.0", startedAt: start, durationMs: 2345, status: .failed, exitCode: 1,
            suiteFile: "Suites/launch.yaml", checks: checks,
            rules: CoreRules.all + [RuleDescriptor("secrets/generic", "Generic secret."),
                                    RuleDescriptor("secrets/aws-access-key-id", "AWS access key id."),
                                    RuleDescriptor("command/exit-status", "The program failed.")],
            commit: "89abcdef0123456789abcdef0123456789abcdef")
        report.trend = (0..<6).map { i in
            let ok = i % 3 != 1
            return TrendRun(startedAt: start.addingTimeInterval(Double(i - 5) * 3600), status: ok ? .passed : .failed,
                            durationMs: 1500 + i * 170, commit: i < 3 ? "0123456789abcdef" : "89abcdef01234567",
                            checks: ["config-valid": .init(status: .passed, durationMs: 150 + i * 5),
                                     "secrets": .init(status: ok ? .passed : .failed, durationMs: 800 + i * 30),
                                     "smoke": .init(status: ok ? .passed : .skipped, durationMs: ok ? 400 : 0)])
        }
        return report
    }
}
