import Foundation
import Testing

@testable import GateCore

/// What a check keeps of its findings (FindingLimits, FieldCap, FindingCollector, DroppedTable), and how
/// what it drops still decides its status.
@Suite struct FindingLimitsTests {
    @Test func fieldsAreCutAtCharactersWithAMarkerThatCountsTheCut() {
        #expect(FieldCap.cap("short", limit: 100) == "short")
        for text in [String(repeating: "x", count: 50_000), String(repeating: "é", count: 30_000),
                     String(repeating: "a😀", count: 20_000), "ab" + String(repeating: "\u{0301}", count: 9_000)] {
            let cut = FieldCap.cap(text, limit: 8192)
            #expect(cut.utf8.count <= 8192)
            let marker = try! #require(cut.range(of: "…[cut ", options: .backwards))
            let kept = cut[..<marker.lowerBound]
            #expect(text.utf8.starts(with: kept.utf8))
            let n = Int(cut[marker.upperBound...].dropLast(" bytes]".count).filter { $0 != "," })
            #expect(kept.utf8.count + (n ?? -1) == text.utf8.count)
            // Cutting cut text changes nothing.
            #expect(FieldCap.cap(cut, limit: 8192) == cut)
        }
        // Bytes a reader dropped before count in the marker, even when what is left fits.
        #expect(FieldCap.cap("abc", limit: 100, alreadyCut: 1_000_000) == "abc…[cut 1,000,000 bytes]")
        let rule = FieldCap.cap("x/" + String(repeating: "r", count: 10_000), limit: 8192, compact: true)
        #expect(rule.utf8.count <= 8192 && !rule.contains(" ") && rule.hasSuffix("-bytes]"))
    }

    @Test func aFindingIsCutFieldByFieldThenAsAWhole() {
        let big = String(repeating: "m", count: 100_000)
        var evidence: [String: String] = [:]
        for i in 0..<40 { evidence["k\(i)"] = "v" }
        let f = Finding(rule: "x/y", message: big, path: String(repeating: "p", count: 9_000), identity: "id",
                        evidence: evidence, help: String(repeating: "h", count: 9_000))
        let c = f.capped()
        #expect(c.textBytes <= FindingLimits.standard.findingBytes)
        #expect(c.message.hasPrefix("mmmm") && c.message.hasSuffix("bytes]"))
        #expect(c.fingerprint == f.fingerprint)
        #expect(c.evidence?.count == 17 && c.evidence?["…"] == "24 more evidence entries cut")
        // A finding within the limits is returned as it is.
        let small = Finding(rule: "x/y", message: "m", path: "p")
        #expect(small.capped() == small)
    }

    static let small: FindingLimits = {
        var l = FindingLimits()
        l.perRule = 3
        l.perCheck = 5
        l.droppedRules = 2
        return l
    }()

    static func findings() -> [Finding] {
        var out: [Finding] = []
        for r in ["a/1", "a/2", "a/3", "a/4"] {
            for i in 0..<6 {
                out.append(Finding(rule: r, severity: i % 2 == 0 ? .error : .warning, message: "m\(i)", path: "f\(i % 3)", line: i + 1))
            }
        }
        return out
    }

    @Test func theFirstFindingsInReportOrderAreKeptWhateverTheOrderTheyCameIn() {
        var reference: (findings: [Finding], dropped: [DroppedFindings])?
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<20 {
            var c = FindingCollector(limits: Self.small, waives: nil)
            c.append(contentsOf: Self.findings().shuffled(using: &rng))
            let got = c.finish()
            if let reference {
                #expect(got.findings == reference.findings)
                #expect(got.dropped == reference.dropped)
            }
            reference = got
        }
        let (kept, dropped) = reference!
        #expect(kept == Array(Self.findings().sorted(by: Finding.reportOrder).prefix(5)))
        #expect(kept.count == 5)
        // Two rules counted one by one (the smallest ids), the others under "*"; 24 found, 5 kept.
        #expect(Set(dropped.map(\.rule)) == ["a/1", "a/2", "*"])
        #expect(dropped.total == 19)
    }

    @Test func theDroppedTableKeepsTheSmallestRuleIds() {
        var t = DroppedTable(limit: 3)
        for r in ["r9", "r2", "r7", "r1", "r8", "r3", "r0"] { t.add(rule: r, severity: .error, count: 2, waived: 1) }
        #expect(t.entries.map(\.rule) == ["r0", "r1", "r2", "*"])
        #expect(t.entries.last?.count == 8 && t.entries.last?.waived == 4)
        #expect(t.entries.map(\.count).reduce(0, +) == 14)
    }

    @Test func perRuleLimitAndMergingWorkersGiveTheSameResult() {
        var limits = FindingLimits()
        limits.perRule = 4
        limits.perCheck = 100
        let all = (0..<50).map { Finding(rule: "r/\($0 % 5)", message: "m\($0)", path: "p\($0 % 7)", line: $0 + 1) }
        var one = FindingCollector(limits: limits, waives: nil)
        one.append(contentsOf: all)
        var merged = FindingCollector(limits: limits, waives: nil)
        for part in stride(from: 0, to: 50, by: 13) {
            var worker = FindingCollector(limits: limits, waives: nil)
            worker.append(contentsOf: all[part..<min(50, part + 13)])
            merged.merge(worker)
        }
        let a = one.finish(), b = merged.finish()
        #expect(a.findings == b.findings && a.dropped == b.dropped)
        #expect(a.findings.count == 20 && a.dropped.total == 30)
        #expect(one.count == 50 && one.countsBySeverity[.error] == 50)
    }

    @Test func droppedFindingsAreCheckedAgainstTheWaiversAndDecideTheStatus() {
        let waives: @Sendable (Finding) -> Bool = { $0.rule == "a/1" }
        var c = FindingCollector(limits: Self.small, waives: waives)
        c.append(contentsOf: (0..<10).map { Finding(rule: "a/1", message: "m\($0)", path: "p", line: $0 + 1) })
        let (kept, dropped) = c.finish()
        #expect(kept.count == 3 && dropped == [DroppedFindings(rule: "a/1", severity: .error, count: 7, waived: 7)])
        // Kept ones unwaived: failed. Everything waived: waived. A dropped error nobody waived: failed.
        #expect(Scheduler.deriveStatus(kept, dropped: dropped) == .failed)
        let waivedKept = kept.map { f -> Finding in
            var f = f
            f.waived = true
            return f
        }
        #expect(Scheduler.deriveStatus(waivedKept, dropped: dropped) == .waived)
        #expect(Scheduler.deriveStatus(waivedKept, dropped: [DroppedFindings(rule: "a/1", severity: .error, count: 7, waived: 6)]) == .failed)
        #expect(Scheduler.deriveStatus([], dropped: [DroppedFindings(rule: "a/1", severity: .warning, count: 7)]) == .passed)
    }

    @Test func aRuleWideWaiverCoversDroppedFindingsInTheResult() throws {
        let waiver = Waiver(check: "c", rule: "a/1", reason: "accepted", owner: "me", expires: Date().addingTimeInterval(86_400))
        let set = WaiverSet([waiver], asOf: Date())
        #expect(set.covers(Finding(rule: "a/1", message: "m"), checkID: "c"))
        #expect(!set.covers(Finding(rule: "a/1", message: "m"), checkID: "other"))
        var r = CheckResult(id: "c", verifier: "x", status: .failed, findings: [Finding(rule: "a/1", message: "m", path: "p")])
        r.droppedFindings = [DroppedFindings(rule: "a/1", severity: .error, count: 9, waived: 9)]
        let applied = set.apply(to: r, checkRoot: "/tmp")
        #expect(applied.status == .waived)
        #expect(applied.summary.contains("10 waived"))
        #expect(applied.findingCounts.isEmpty)
    }
}
