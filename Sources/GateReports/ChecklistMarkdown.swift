import Foundation
import GateCore

/// The launch checklist as Markdown task lines, for `gate checklist` and the Markdown report:
/// `- [x] Migration checksums — validated 2026-03-01 by gate (report: Reports/...)` or
/// `- [ ] Rollback script prepared — owner: release-manager, pending`.
public enum ChecklistMarkdown {
    /// A whole document with a heading and a one-line summary.
    public static func document(_ list: Checklist) -> String {
        var md = "# Launch checklist: \(list.suite)\n\n"
        md += summary(list) + "\n\n"
        md += lines(list)
        return md
    }

    /// "As of 2026-11-22 10:00 UTC at commit abc: 3 of 5 items done; pending sign-offs from qa."
    public static func summary(_ list: Checklist) -> String {
        var s = "As of \(DateText.minute(of: list.asOf))"
        if let c = list.commit { s += " at commit `\(c.prefix(12))`" }
        s += ": \(list.doneCount) of \(list.items.count) items done"
        let owners = list.pendingOwners
        if !owners.isEmpty { s += "; sign-offs pending from " + owners.map { "`\($0)`" }.joined(separator: ", ") }
        return s + "."
    }

    /// The task lines alone, in suite order.
    public static func lines(_ list: Checklist) -> String {
        list.items.map(line).joined()
    }

    public static func line(_ item: Checklist.Item) -> String {
        var s = "- [\(item.done ? "x" : " ")] \(escape(item.title))"
        if item.title != item.id { s += " (`\(item.id)`)" }
        s += " — \(escape(item.detail))"
        if item.manual, item.done {
            if let n = item.note, !n.isEmpty { s += ": “\(escape(Checklist.oneLine(n)))”" }
            if let e = item.evidence { s += " (evidence: \(escape(e)))" }
        }
        if !item.required { s += " *(advisory)*" }
        return s + "\n"
    }

    /// Keeps text on one line and stops it from starting HTML or links by accident.
    static func escape(_ s: String) -> String {
        VisibleText.line(Checklist.oneLine(s)).replacingOccurrences(of: "<", with: "&lt;")
    }
}
