import Foundation
import GateTestSupport
import Testing

/// SIGINT mid-run, and a report directory on a full file system.
@Suite struct InterruptAndDiskTests {
    @Test func sigintMarksReportsInterruptedAndLeavesNoProcessBehind() async throws {
        let marker = "gate-harden-int-\(UUID().uuidString.prefix(8))"
        let dir = try Hardening.suite("""
            checks:
              - id: deaf
                run: trap '' INT TERM; bash -c "trap '' INT TERM; exec -a \(marker)-child sleep 300" & setsid bash -c "trap '' INT TERM HUP; exec -a \(marker)-session sleep 300" & touch started; exec bash -c "exec -a \(marker) sleep 300"
              - id: quick
                run: 'true'
              - id: after
                run: 'true'
                needs: deaf
            """)
        defer { dir.remove() }
        let p = try Hardening.spawn(["run", "suite.yaml", "--no-history"], cwd: dir.path)
        let started = try await Hardening.until(60) {
            FileManager.default.fileExists(atPath: dir.file("started")) && Hardening.survivors(marker).count >= 3
        }
        #expect(started, "the plugin did not start its processes")
        kill(p.processIdentifier, SIGINT)
        try await Hardening.wait(p)
        #expect(p.terminationReason == .exit && p.terminationStatus == 130)
        let report = try Hardening.json(dir.file("Reports/suite/report.json"))
        #expect(report["interrupted"] as? Bool == true)
        #expect(report["status"] as? String == "interrupted")
        #expect(report["exitCode"] as? Int == 130)
        let checks = Hardening.checks(report)
        #expect(checks["quick"]?["status"] as? String == "passed")
        #expect(checks["after"]?["status"] as? String == "skipped")
        for name in ["junit.xml", "report.sarif", "report.md", "report.html"] {
            #expect(FileManager.default.fileExists(atPath: dir.file("Reports/suite/" + name)), "missing \(name)")
        }
        // Nothing the plugin started survives: not the child in its group, not the one in its own session.
        let gone = try await Hardening.until(5) { Hardening.survivors(marker).isEmpty }
        #expect(gone, "survivors: \(Hardening.survivors(marker))")
    }

    /// The reports directory is a 512 KiB tmpfs (mounted in a private mount namespace, so this needs root
    /// or unprivileged user namespaces). A small run fits; a large one does not: exit 3, a message naming
    /// the file and the cause, and the earlier reports left as they were.
    @Test func fullDiskExitsThreeAndKeepsEarlierReports() async throws {
        let dir = try Hardening.suite(
            "suite: disk\nchecks:\n  - {id: small, run: 'true'}\n",
            files: ["big.yaml": """
                suite: disk
                checks:
                  - id: small
                    run: python3 -c "import json; print('\\\\n'.join(json.dumps({'rule':'x/r','message':'finding %d' % i,'path':'f%d' % i}) for i in range(20000)))" >> "$GATE_FINDINGS"
                """])
        defer { dir.remove() }
        let script = """
            set -u
            mkdir -p Reports/disk old after
            mount -t tmpfs -o size=512k gate-harden-full Reports/disk || exit 77
            "$1" run suite.yaml --no-history > first.out 2>&1; echo $? > first.code
            cp Reports/disk/* old/
            "$1" run big.yaml --no-history > second.out 2>&1; echo $? > second.code
            cp Reports/disk/* after/
            ls -a Reports/disk > listing
            """
        let r = try await Exec.run(["unshare", "-r", "-m", "sh", "-c", script, "sh", Repo.gateBinary], cwd: dir.path,
                                   env: ["NO_COLOR": "1", "GITHUB_ACTIONS": "", "GITHUB_STEP_SUMMARY": ""],
                                   timeout: .seconds(300))
        if r.code == 77 || r.stderr.contains("unshare") {
            // No way to mount a small file system here: say so instead of passing silently.
            if Hardening.full { Issue.record("cannot mount a tmpfs here: \(r.stderr)") }
            print("fault disk-full: SKIPPED (no mount namespace: \(r.stderr))")
            return
        }
        let firstCode = try dir.read("first.code").trimmingCharacters(in: .whitespacesAndNewlines)
        let firstOut = try dir.read("first.out")
        #expect(firstCode == "0", "\(firstOut)")
        let code = try dir.read("second.code").trimmingCharacters(in: .whitespacesAndNewlines)
        let out = try dir.read("second.out")
        #expect(code == "3", "\(out)")
        #expect(out.contains("No space left on device"), "\(out)")
        #expect(out.contains("report.json") || out.contains("report.html"), "\(out)")
        // The reports that did not fit are the earlier ones, byte for byte; those that fit are whole new ones.
        var kept: [String] = []
        for name in ["report.json", "junit.xml", "report.sarif", "report.md", "report.html"] {
            let before = try Data(contentsOf: URL(fileURLWithPath: dir.file("old/" + name)))
            let after = try Data(contentsOf: URL(fileURLWithPath: dir.file("after/" + name)))
            if before == after {
                kept.append(name)
                #expect(out.contains(name), "\(name) was not replaced, yet no failure names it:\n\(out)")
            } else {
                #expect(ReportCrashTests().isWhole(name, after), "\(name) is cut short")
            }
        }
        #expect(!kept.isEmpty, "every report fitted: the disk was never full")
        let listing = try dir.read("listing")
        #expect(!listing.contains(".tmp-"), "a temporary file was left on the full disk")
        print("fault disk-full: exit \(code); kept \(kept); " + (out.split(separator: "\n").first { $0.contains("space") } ?? ""))
    }
}
