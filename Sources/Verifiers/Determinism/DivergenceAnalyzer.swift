import ContentHash
import Foundation
import GateCore

/// A divergence: the finding that goes into every report, and the longer text block (with the diff) for
/// the check's log and `report.txt`.
struct DivergenceReport: Sendable {
    var finding: Finding
    var text: String
}

/// Compares the runs of one case: exit codes, which outputs exist, and their digests. For each output
/// that differs it finds the first differing byte and line, the JSON path, a bounded diff and the likely
/// cause, and names the command for a deep diff.
struct DivergenceAnalyzer {
    /// The case's path relative to the root, or nil without cases.
    let caseID: String?
    let diffoscope: String?
    let displayBase: String

    func analyze(_ runs: [RunRecord]) -> [DivergenceReport] {
        guard runs.count > 1 else { return [] }
        var out: [DivergenceReport] = []
        if let r = exitCodes(runs) { out.append(r) }
        let names = Set(runs.flatMap(\.artifacts.keys)).sorted(by: Self.artifactOrder)
        for name in names {
            let present = runs.filter { $0.artifacts[name] != nil }
            if present.count < runs.count { out.append(missing(name, runs: runs, present: present)) }
            let groups = Dictionary(grouping: present, by: { $0.artifacts[name]!.digest })
            guard groups.count > 1 else { continue }
            let ordered = groups.values.map { $0.map(\.index) }.sorted { $0[0] < $1[0] }
            let a = runs.first { $0.index == ordered[0][0] }!, b = runs.first { $0.index == ordered[1][0] }!
            out.append(diverged(name, a: a, b: b, groups: ordered))
        }
        return out
    }

    /// stdout, stderr, then files by path.
    static func artifactOrder(_ x: String, _ y: String) -> Bool {
        let rank = { (s: String) in s == "stdout" ? 0 : s == "stderr" ? 1 : 2 }
        return rank(x) != rank(y) ? rank(x) < rank(y) : x < y
    }

    private var where_: String { caseID.map { " in case '\($0)'" } ?? "" }

    static func groupText(_ groups: [[Int]]) -> String {
        groups.map { g in (g.count == 1 ? "run " : "runs ") + g.map(String.init).joined(separator: ", ") }.joined(separator: " | ")
    }

    private func exitCodes(_ runs: [RunRecord]) -> DivergenceReport? {
        let groups = Dictionary(grouping: runs, by: { $0.exitText })
        guard groups.count > 1 else { return nil }
        let a = runs[0], b = runs.first { $0.exitText != a.exitText }!
        let tail = StderrTail.lastLine(b.directory + "/stderr")
        var message = "exit status diverged\(where_): run \(a.index) ended with \(a.exitText), run \(b.index) with \(b.exitText)"
        if let tail { message += "; run \(b.index)'s stderr ends: '\(tail)'" }
        let evidence = [
            "runs": runs.map { "run \($0.index): \($0.exitText)" }.joined(separator: "; "),
            "variations": "run \(b.index): \(b.plan.description)",
            "stderr": display(b.directory + "/stderr"),
        ]
        let finding = Finding(rule: "determinism/exit-code-diverged", message: message, path: caseID,
                              identity: "exit|\(caseID ?? "")", evidence: evidence,
                              help: "Read run \(b.index)'s stderr (kept in the artifacts): the command fails under run \(b.index)'s conditions.")
        return DivergenceReport(finding: finding, text: "EXIT STATUS DIVERGED\(where_)\n  \(evidence["runs"]!)\n  run \(b.index): \(b.plan.description)\n  stderr: \(evidence["stderr"]!)")
    }

    private func missing(_ name: String, runs: [RunRecord], present: [RunRecord]) -> DivergenceReport {
        let absent = runs.filter { $0.artifacts[name] == nil }.map(\.index)
        let message = "'\(name)'\(where_) was written by \(present.count == 1 ? "run" : "runs") \(present.map { String($0.index) }.joined(separator: ", ")) "
            + "but not by \(absent.count == 1 ? "run" : "runs") \(absent.map(String.init).joined(separator: ", "))"
        let finding = Finding(
            rule: "determinism/missing-output", message: message, path: caseID, identity: "missing|\(caseID ?? "")|\(name)",
            evidence: ["artifact": name, "presentIn": present.map { String($0.index) }.joined(separator: ","),
                       "missingIn": absent.map(String.init).joined(separator: ",")],
            help: "An output counts when a run creates or rewrites it. A command that skips up-to-date outputs (make) "
                + "must rebuild each run: clean first, or add 'path' to vary so each run starts from a fresh copy.")
        return DivergenceReport(finding: finding, text: "MISSING OUTPUT \(message)")
    }

    private func diverged(_ name: String, a: RunRecord, b: RunRecord, groups: [[Int]]) -> DivergenceReport {
        let artA = a.artifacts[name]!, artB = b.artifacts[name]!
        let first = (try? ByteCompare.first(artA.compared, artB.compared)) ?? nil
        let isText = !BinarySniff.isBinary(path: artA.compared) && !BinarySniff.isBinary(path: artB.compared)
        var evidence: [String: String] = [
            "artifact": name, "runs": Self.groupText(groups),
            "artifactA": display(artA.compared), "artifactB": display(artB.compared),
            "digestA": artA.digest.hex, "digestB": artB.digest.hex,
            "sizes": "\(artA.size) vs \(artB.size) bytes", "variations": "run \(b.index): \(b.plan.description)",
        ]
        if artA.normalized { evidence["normalized"] = "compared after the 'normalize' rules; raw outputs are kept beside them" }
        var lines: [String] = []
        var message = "'\(name)'\(where_) diverged: run \(a.index) and run \(b.index) differ"
        var causes: [Cause] = []
        if let d = first {
            message += " at byte \(d.offset)" + (isText ? " (line \(d.line))" : "")
            if d.offset == min(d.sizeA, d.sizeB) && d.sizeA != d.sizeB {
                message += d.sizeA < d.sizeB ? ", where run \(b.index)'s output continues" : ", where run \(b.index)'s output ends"
            }
            evidence["firstDifference"] = "byte \(d.offset), line \(d.line), column \(d.column)"
            var jsonDiffs: [JSONSupport.Difference] = []
            var sameJSON = false
            if isText, let x = JSONSupport.parse(file: artA.compared), let y = JSONSupport.parse(file: artB.compared) {
                jsonDiffs = JSONSupport.differences(x, y)
                sameJSON = jsonDiffs.isEmpty
                if let j = jsonDiffs.first { message += " at \(j.path)" }
                if !jsonDiffs.isEmpty {
                    evidence["jsonPaths"] = jsonDiffs.map { "\($0.path): \($0.a) vs \($0.b)" }.joined(separator: "; ")
                }
            }
            let lineA = Self.line(artA.compared, d, isText), lineB = Self.line(artB.compared, d, isText)
            if isText {
                let wa = ByteCompare.lines(artA.compared, from: d.contextStart, maxLines: 120)
                let wb = ByteCompare.lines(artB.compared, from: d.contextStart, maxLines: 120)
                let diff = LineDiff.unified(wa.lines, wb.lines, startLine: d.contextLine,
                                            labelA: "run-\(a.index)/\(name)", labelB: "run-\(b.index)/\(name)",
                                            windowsComplete: wa.complete && wb.complete)
                if !diff.isEmpty { evidence["diff"] = diff }
            }
            let reordered = isText && d.sizeA == d.sizeB && LineMultiset.sameLines(artA.compared, artB.compared)
            causes = CauseAnalysis.causes(CauseInput(
                fileA: artA.compared, fileB: artB.compared, difference: d, isText: isText, lineA: lineA, lineB: lineB,
                json: jsonDiffs.first, sameJSON: sameJSON, runA: a, runB: b, reordered: reordered))
            lines.append("  first difference: byte \(d.offset), line \(d.line), column \(d.column) (sizes \(artA.size) and \(artB.size) bytes)")
            for j in jsonDiffs { lines.append("  JSON \(j.path): \(j.a) vs \(j.b)") }
        }
        if let c = causes.first {
            message += "; likely cause: \(c.label) (\(c.brief ?? TokenCauses.clip(c.detail)))"
            evidence["cause"] = causes.map { "\($0.label): \($0.detail)" }.joined(separator: "; ")
        }
        let deep = deepDiff(artA.compared, artB.compared, isText: isText)
        evidence["deepDiff"] = deep
        lines.append(contentsOf: causes.map { "  likely cause: \($0.label): \($0.detail)\n    fix: \($0.help)" })
        if let diff = evidence["diff"] { lines.append(diff.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")) }
        lines.append("  deep diff: \(deep)")
        let finding = Finding(rule: "determinism/output-diverged", message: message, path: caseID,
                              identity: "output|\(caseID ?? "")|\(name)", evidence: evidence,
                              help: causes.first?.help ?? "Compare the kept artifacts with the deep-diff command in the evidence.")
        return DivergenceReport(finding: finding, text: "DIVERGED '\(name)'\(where_): \(Self.groupText(groups))\n" + lines.joined(separator: "\n"))
    }

    /// The differing line (text) or a window around the offset (binary), bounded.
    private static func line(_ path: String, _ d: FirstDifference, _ isText: Bool) -> [UInt8] {
        if !isText { return ByteCompare.bytes(path, at: max(0, d.offset - 32), count: 96) }
        let bytes = ByteCompare.bytes(path, at: d.lineStart, count: 4096)
        return Array(bytes.prefix { $0 != 0x0A })
    }

    private func deepDiff(_ a: String, _ b: String, isText: Bool) -> String {
        let pair = ShellQuote.quote(display(a)) + " " + ShellQuote.quote(display(b))
        if diffoscope != nil { return "diffoscope \(pair)" }
        return (isText ? "diff -u " : "cmp ") + pair + " (install diffoscope for a deep, format-aware diff)"
    }

    private func display(_ path: String) -> String { PathUtil.relative(path, to: displayBase) }
}

/// The last non-empty line of a kept stderr file, for messages.
enum StderrTail {
    static func lastLine(_ path: String) -> String? {
        let size = FileInfo.size(path) ?? 0
        let bytes = ByteCompare.bytes(path, at: max(0, size - 2048), count: 2048)
        let text = String(decoding: bytes, as: UTF8.self)
        guard let line = text.split(whereSeparator: \.isNewline).last(where: { !$0.trimmingCharacters(in: .whitespaces).isEmpty })
        else { return nil }
        return LineDiff.clip(line.trimmingCharacters(in: .whitespaces), 200)
    }
}

/// Whether two text files hold the same lines in another order, by sorted per-line XXH3-64 digests
/// (8 bytes a line, never the text itself). Files over 16 MiB are not checked.
enum LineMultiset {
    static func sameLines(_ a: String, _ b: String) -> Bool {
        guard let x = digests(a), let y = digests(b) else { return false }
        return x == y
    }

    private static func digests(_ path: String) -> [UInt64]? {
        guard let size = FileInfo.size(path), size <= 16 << 20, let data = FileManager.default.contents(atPath: path) else { return nil }
        var out: [UInt64] = []
        data.withUnsafeBytes { raw in
            var start = 0
            for i in 0...raw.count where i == raw.count || raw[i] == 0x0A {
                if i > start || i < raw.count {
                    let d = ContentHash.hash(UnsafeRawBufferPointer(rebasing: raw[start..<i]), .xxh3_64)
                    out.append(d.bytes.reduce(0) { $0 << 8 | UInt64($1) })
                }
                start = i + 1
            }
        }
        return out.sorted()
    }
}
