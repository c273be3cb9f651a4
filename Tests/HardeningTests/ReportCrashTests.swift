import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import GateTestSupport
import Testing

/// gate killed with SIGKILL while it writes its reports: every report on disk is the old one or the new
/// one, whole, never a part of one; the temporary file a killed run leaves is swept by the next run.
@Suite struct ReportCrashTests {
    static let formats = ["report.json", "junit.xml", "report.sarif", "report.md", "report.html"]

    /// A suite whose one check emits many findings, so that each report takes a while to write.
    func suite(label: String) -> String {
        """
        checks:
          - id: many
            run: python3 -c "import json; print('\\\\n'.join(json.dumps({'rule':'x/r%d' % (i % 7),'severity':'warning','message':'\(label) finding %d' % i,'path':'src/f%d.txt' % i,'line':1}) for i in range(8000)))" >> "$GATE_FINDINGS"
        """
    }

    /// A report is whole when it parses to the end.
    func isWhole(_ name: String, _ data: Data) -> Bool {
        switch name {
        case "report.json", "report.sarif":
            return (try? JSONSerialization.jsonObject(with: data)) != nil
        case "junit.xml":
            return XMLParser(data: data).parse()
        case "report.html":
            return String(decoding: data.suffix(64), as: UTF8.self).contains("</html>")
        default:
            // The Markdown report starts with its title and ends with a newline; a cut one lacks the end.
            let text = String(decoding: data, as: UTF8.self)
            return text.hasPrefix("# gate: ") && text.hasSuffix("\n")
        }
    }

    @Test func sigkillDuringReportWritingLeavesOldOrNewNeverHalf() async throws {
        let dir = try Hardening.suite(suite(label: "old"))
        defer { dir.remove() }
        let first = try await Exec.gate(["run", "suite.yaml", "--no-history"], cwd: dir.path, timeout: .seconds(300))
        #expect(first.code == 0, "\(first.stdout)\(first.stderr)")
        let reports = dir.file("Reports/suite")
        var old: [String: Data] = [:]
        for name in Self.formats { old[name] = try Data(contentsOf: URL(fileURLWithPath: reports + "/" + name)) }
        try dir.write(["suite.yaml": suite(label: "new")])

        // Kill at the moment a temporary report file appears, that is in the middle of writing one.
        // Attempt k kills while the k-th format's temporary exists (formats are written in name order).
        let order = ["report.html", "report.json", "junit.xml", "report.md", "report.sarif"]
        var caughtMidWrite = 0
        var mixed = 0
        // Every format once, then more rounds (up to four) while no kill has landed mid-write yet: on a
        // loaded machine the poll below can miss the few milliseconds a report takes to write.
        for attempt in 0..<(order.count * 4) {
            if attempt >= order.count && caughtMidWrite > 0 && mixed > 0 { break }
            let p = try Hardening.spawn(["run", "suite.yaml", "--no-history"], cwd: dir.path)
            var killedDuring: String?
            let deadline = Date().addingTimeInterval(120)
            while p.isRunning && Date() < deadline {
                let names = (try? FileManager.default.contentsOfDirectory(atPath: reports)) ?? []
                if let tmp = names.first(where: { $0.hasPrefix("." + order[attempt % order.count] + ".tmp-") }) {
                    kill(p.processIdentifier, SIGKILL)
                    killedDuring = tmp
                    break
                }
                usleep(100)
            }
            try await Hardening.wait(p)
            if killedDuring != nil, p.terminationReason == .uncaughtSignal { caughtMidWrite += 1 }
            for name in Self.formats {
                let data = try Data(contentsOf: URL(fileURLWithPath: reports + "/" + name))
                let isOld = data == old[name]
                #expect(isOld || isWhole(name, data), "\(name) is neither the old report nor a whole new one")
                if !isOld { mixed += 1 }
            }
        }
        #expect(caughtMidWrite > 0, "no kill landed while a report was being written")
        #expect(mixed > 0, "no run got as far as replacing a report before it was killed")
        // The next run completes and sweeps the temporaries the killed runs left.
        let last = try await Exec.gate(["run", "suite.yaml", "--no-history"], cwd: dir.path, timeout: .seconds(300))
        #expect(last.code == 0)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: reports).filter { $0.contains(".tmp-") }
        #expect(leftovers.isEmpty, "temporary files left: \(leftovers)")
        for name in Self.formats {
            #expect(isWhole(name, try Data(contentsOf: URL(fileURLWithPath: reports + "/" + name))))
        }
        print("fault sigkill-during-reports: \(caughtMidWrite) of \(order.count) kills landed mid-write; \(mixed) files were new")
    }
}
