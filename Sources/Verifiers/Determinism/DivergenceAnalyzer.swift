import ContentHash
import Foundation
import GateCore

/// A divergence: the finding that goes into every report, and the longer text block (with the diff) for
/// the check's log and `report.txt`.
struct DivergenceReport: Sendable {
    var finding: Finding
    var text: String
    /// The likely causes, most specific first (output divergences only).
    var causes: [Cause] = []

    /// Lower leads: a declared output with a named cause, then vague ones, the exit status, stdout, and
    /// stderr last, where timings and temporary paths are noise more often than not.
    var rank: Int {
        let artifact = finding.evidence?["artifact"]
        let base: Int
        switch finding.rule {
        case "determinism/exit-code-diverged": return 15
        case "determinism/missing-output": return artifact == "stdout" || artifact == "stderr" ? 35 : 15
        case "determinism/output-diverged": base = artifact == "stderr" ? 40 : artifact == "stdout" ? 20 : 0
        default: return 60
        }
        let vague = causes.first.map { $0.label.hasSuffix("(possibly)") || $0.label == "unknown" } ?? true
        return base + (vague ? 10 : 0)
    }
}

/// Compares the runs of one case: exit codes, which outputs exist, and their digests. For each output
/// that differs it finds the first differing byte and line, the JSON path, a bounded diff and the likely
/// cause, and names the command for a deep diff.
struct DivergenceAnalyzer {
    /// The case's path relative to the root, or nil without cases.
    let caseID: String?
    let diffoscope: String?
    let displayBase: String
    /// Where unpacked archive members go (`<artifacts>/inside/`), and how deep and how much to unpack.
    var scratch: String = NSTemporaryDirectory() + "/gate-inside"
    var archiveDepth = 6
    var archiveLimit = 256 << 20
    var hints = ToolchainHints(command: "", names: [])

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

    var where_: String { caseID.map { " in case '\($0)'" } ?? "" }

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

    func display(_ path: String) -> String { PathUtil.relative(path, to: displayBase) }
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
