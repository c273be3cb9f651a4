import Foundation
import GateTestSupport
import Testing

/// `command` plugins that misbehave: flood stdout, ignore SIGTERM, fork grandchildren that escape, or die
/// by a signal. gate keeps bounded memory, kills everything, and reports the right status for each.
@Suite struct PluginFaultTests {
    @Test func floodingStubbornAndSignalledPluginsAreContained() async throws {
        let marker = "gate-harden-plugin-\(UUID().uuidString.prefix(8))"
        // 2 GiB under `make hardening`; 256 MiB in the everyday suite keeps it to a second or two.
        let flood = Hardening.full ? "2G" : "256M"
        let dir = try Hardening.suite("""
            checks:
              - id: flood
                run: head -c \(flood) /dev/zero; echo done
              - id: stubborn
                timeout: 1s
                with: {kill-grace: 300ms}
                run: trap '' TERM; bash -c "trap '' TERM; exec -a \(marker)-child sleep 300" & (trap '' TERM; bash -c "exec -a \(marker)-grandchild sleep 300" &); exec bash -c "exec -a \(marker) sleep 300"
              - id: escapes
                run: setsid bash -c "trap '' TERM INT HUP; exec -a \(marker)-daemon sleep 300" & echo detached
              - id: segv
                run: kill -SEGV $$
            """)
        defer { dir.remove() }
        let (r, peakKB) = try await Hardening.gateWithPeakRSS(["run", "suite.yaml", "--jobs", "4"], cwd: dir.path)
        #expect(r.code == 1, "\(r.stdout)")
        // The flood's output is kept as a bounded tail; gate itself stays far below what it read.
        // AddressSanitizer's shadow memory and quarantine add a few hundred MiB of their own (`make sanitize`).
        let limitMiB = ProcessInfo.processInfo.environment["ASAN_OPTIONS"] == nil ? 300 : 1024
        #expect(peakKB > 0 && peakKB < limitMiB * 1024, "gate's peak RSS was \(peakKB) KiB")
        let report = try Hardening.json(dir.file("Reports/suite/report.json"))
        let checks = Hardening.checks(report)
        #expect(checks["flood"]?["status"] as? String == "passed")
        #expect(checks["stubborn"]?["status"] as? String == "timed-out")
        #expect(checks["escapes"]?["status"] as? String == "passed")
        #expect(checks["segv"]?["status"] as? String == "failed")
        let segvStats = checks["segv"]?["stats"] as? [String: Any]
        #expect(segvStats?["signal"] as? String == "SIGSEGV")
        try await Task.sleep(for: .milliseconds(200))
        #expect(Hardening.survivors(marker).isEmpty, "survivors: \(Hardening.survivors(marker))")
        print("fault plugin-flood(\(flood)): gate peak RSS \(peakKB / 1024) MiB")
    }

    /// A plugin that floods GATE_FINDINGS with junk lines: the reader keeps a bounded number of findings.
    @Test func floodedFindingsFileIsBounded() async throws {
        let dir = try Hardening.suite("""
            checks:
              - id: junk
                run: yes 'not json at all' | head -n 200000 >> "$GATE_FINDINGS"
            """)
        defer { dir.remove() }
        let r = try await Exec.gate(["run", "suite.yaml"], cwd: dir.path)
        // The program itself exited 0: the junk is reported as warnings, which do not fail the check.
        #expect(r.code == 0, "\(r.stdout)\(r.stderr)")
        let checks = Hardening.checks(try Hardening.json(dir.file("Reports/suite/report.json")))
        let findings = checks["junk"]?["findings"] as? [[String: Any]] ?? []
        #expect(findings.count <= 60, "\(findings.count) findings")
        #expect(findings.contains { ($0["message"] as? String ?? "").contains("more than 100000 lines") })
    }
}
