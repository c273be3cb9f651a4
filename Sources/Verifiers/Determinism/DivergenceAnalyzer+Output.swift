import Foundation
import GateCore

extension DivergenceAnalyzer {
    /// One output that differs between two runs: opened layer by layer when it is an archive or a
    /// compressed stream, then the innermost pair compared byte by byte, line by line and as JSON.
    func diverged(_ name: String, a: RunRecord, b: RunRecord, groups: [[Int]]) -> DivergenceReport {
        let artA = a.artifacts[name]!, artB = b.artifacts[name]!
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
        var pair: (String, String, String)? = (artA.compared, artB.compared, name)

        let slug = ((caseID.map { [$0] } ?? []) + [name]).joined(separator: "/").replacingOccurrences(of: "..", with: "_")
        let opener = ArchiveDiff(limit: archiveLimit, maxDepth: archiveDepth, scratch: scratch + "/" + slug)
        if let report = opener.run(artA.compared, artB.compared, name: name) {
            evidence["layers"] = report.layers.joined(separator: " › ")
            lines.append("  inside: " + report.layers.joined(separator: " › "))
            for d in report.differences.prefix(12) { lines.append("    \(d.location(in: name)): \(d.summary)") }
            if report.differences.count > 12 { lines.append("    ... \(report.differences.count - 12) more") }
            if report.differences.count > 1 {
                evidence["alsoInside"] = report.differences.dropFirst().prefix(8).map { "\($0.location(in: name)): \($0.summary)" }.joined(separator: "; ")
            }
            for note in report.notes { lines.append("  note: \(note)") }
            if !report.notes.isEmpty { evidence["archiveNotes"] = report.notes.joined(separator: "; ") }
            if let lead = report.lead {
                let location = lead.location(in: name)
                evidence["inside"] = location
                message += " at \(location)"
                if lead.kind == .content, let fa = lead.fileA, let fb = lead.fileB {
                    pair = (fa, fb, location)
                    evidence["innerA"] = display(fa)
                    evidence["innerB"] = display(fb)
                } else {
                    pair = nil
                    if lead.kind == .content { message += " (content; not unpacked)" }
                }
                causes = report.differences.compactMap { ArchiveCauses.cause($0, hints: hints) }
            }
        }
        if let (fileA, fileB, label) = pair {
            let p = comparePair(fileA, fileB, label: label, a: a, b: b, into: &evidence, lines: &lines)
            message += p.where
            // A named cause from the pair leads; a vague one ("the clock (possibly)") yields to what the
            // archive layers said.
            let vague = p.causes.filter { $0.label.hasSuffix("(possibly)") || $0.label == "unknown" }
            causes = p.causes.filter { c in !vague.contains { $0.label == c.label } } + causes + vague
        }
        var seen = Set<String>()
        causes = Array(causes.filter { seen.insert($0.label).inserted }.prefix(3))
        if let c = causes.first {
            message += "; likely cause: \(c.label) (\(c.brief ?? TokenCauses.clip(c.detail)))"
            evidence["cause"] = causes.map { "\($0.label): \($0.detail)" }.joined(separator: "; ")
        }
        let deep = deepDiff(artA.compared, artB.compared, inner: pair.map { ($0.0, $0.1) }, isText: pair.map { !BinarySniff.isBinary(path: $0.0) } ?? false)
        evidence["deepDiff"] = deep
        lines.append(contentsOf: causes.map { "  likely cause: \($0.label): \($0.detail)\n    fix: \($0.help)" })
        if let diff = evidence["diff"] { lines.append(diff.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")) }
        lines.append("  deep diff: \(deep)")
        let finding = Finding(rule: "determinism/output-diverged", message: message, path: caseID,
                              identity: "output|\(caseID ?? "")|\(name)", evidence: evidence,
                              help: causes.first?.help ?? "Compare the kept artifacts with the deep-diff command in the evidence.")
        return DivergenceReport(finding: finding, text: "DIVERGED '\(name)'\(where_): \(Self.groupText(groups))\n" + lines.joined(separator: "\n"),
                                causes: causes)
    }

    /// Byte, line, JSON path, diff and likely causes for one pair of files (an output, or the innermost
    /// member of an archive). Returns the words for the message ("at byte 4 (line 1)", " line 3").
    private func comparePair(_ fileA: String, _ fileB: String, label: String, a: RunRecord, b: RunRecord,
                             into evidence: inout [String: String], lines: inout [String]) -> (where: String, causes: [Cause]) {
        guard let d = (try? ByteCompare.first(fileA, fileB)) ?? nil else { return ("", []) }
        let inner = label != evidence["artifact"]
        let isText = !BinarySniff.isBinary(path: fileA) && !BinarySniff.isBinary(path: fileB)
        var place = inner ? (isText ? " line \(d.line)" : " byte \(d.offset)") : " at byte \(d.offset)" + (isText ? " (line \(d.line))" : "")
        if d.offset == min(d.sizeA, d.sizeB) && d.sizeA != d.sizeB {
            place += d.sizeA < d.sizeB ? ", where run \(b.index)'s output continues" : ", where run \(b.index)'s output ends"
        }
        evidence["firstDifference"] = (inner ? "\(label): " : "") + "byte \(d.offset), line \(d.line), column \(d.column)"
        var jsonDiffs: [JSONSupport.Difference] = []
        var sameJSON = false
        if isText, let x = JSONSupport.parse(file: fileA), let y = JSONSupport.parse(file: fileB) {
            jsonDiffs = JSONSupport.differences(x, y)
            sameJSON = jsonDiffs.isEmpty
            if let j = jsonDiffs.first { place += " at \(j.path)" }
            if !jsonDiffs.isEmpty { evidence["jsonPaths"] = jsonDiffs.map { "\($0.path): \($0.a) vs \($0.b)" }.joined(separator: "; ") }
        }
        let lineA = Self.line(fileA, d, isText), lineB = Self.line(fileB, d, isText)
        if isText {
            let wa = ByteCompare.lines(fileA, from: d.contextStart, maxLines: 120)
            let wb = ByteCompare.lines(fileB, from: d.contextStart, maxLines: 120)
            let diff = LineDiff.unified(wa.lines, wb.lines, startLine: d.contextLine,
                                        labelA: "run-\(a.index)/\(label)", labelB: "run-\(b.index)/\(label)",
                                        windowsComplete: wa.complete && wb.complete)
            if !diff.isEmpty { evidence["diff"] = diff }
        }
        let reordered = isText && d.sizeA == d.sizeB && LineMultiset.sameLines(fileA, fileB)
        let causes = CauseAnalysis.causes(CauseInput(
            fileA: fileA, fileB: fileB, difference: d, isText: isText, lineA: lineA, lineB: lineB,
            json: jsonDiffs.first, sameJSON: sameJSON, runA: a, runB: b, reordered: reordered, hints: hints))
        let sizes = "(sizes \(FileInfo.size(fileA) ?? 0) and \(FileInfo.size(fileB) ?? 0) bytes)"
        lines.append("  first difference\(inner ? " in \(label)" : ""): byte \(d.offset), line \(d.line), column \(d.column) \(sizes)")
        for j in jsonDiffs { lines.append("  JSON \(j.path): \(j.a) vs \(j.b)") }
        return (place, causes)
    }

    /// The differing line (text) or a window around the offset (binary), bounded.
    static func line(_ path: String, _ d: FirstDifference, _ isText: Bool) -> [UInt8] {
        if !isText { return ByteCompare.bytes(path, at: max(0, d.offset - 32), count: 96) }
        let bytes = ByteCompare.bytes(path, at: d.lineStart, count: 4096)
        return Array(bytes.prefix { $0 != 0x0A })
    }

    /// diffoscope on the outputs when installed (it opens archives too), and the unpacked pair for a
    /// plain diff.
    private func deepDiff(_ a: String, _ b: String, inner: (String, String)?, isText: Bool) -> String {
        let pair = ShellQuote.quote(display(a)) + " " + ShellQuote.quote(display(b))
        var out = diffoscope != nil ? "diffoscope \(pair)" : "cmp \(pair) (install diffoscope for a deep, format-aware diff)"
        if let (x, y) = inner, x != a {
            out += "; the unpacked members: " + (isText ? "diff -u " : "cmp ") + ShellQuote.quote(display(x)) + " " + ShellQuote.quote(display(y))
        } else if diffoscope == nil && isText {
            out = "diff -u \(pair) (install diffoscope for a deep, format-aware diff)"
        }
        return out
    }
}
