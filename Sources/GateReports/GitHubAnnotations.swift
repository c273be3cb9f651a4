import Foundation
import GateCore

/// GitHub Actions workflow commands (`::error file=...,line=...::message`) for the top findings, so that
/// they show inline on the pull request. GitHub shows only 10 annotations of each kind per step, so at
/// most `perKind` of each are emitted and one notice points to the summary for the rest.
///
/// Escaping follows GitHub's toolkit: in the message, `%`, CR and LF become `%25`, `%0D`, `%0A`; in
/// properties, `:` and `,` are escaped too (`%3A`, `%2C`), since they delimit the properties.
public enum GitHubAnnotations {
    public enum Kind: String, Sendable, CaseIterable {
        case error
        case warning
        case notice
    }

    public struct Annotation: Sendable, Equatable {
        public var kind: Kind
        public var file: String?
        public var line: Int?
        public var column: Int?
        public var title: String
        public var message: String
    }

    /// Every annotation the report deserves, most important first within each kind: failing checks'
    /// findings, checks that could not run, then warnings and notes. Waived findings are left out.
    public static func annotations(for report: RunReport) -> [Annotation] {
        var out: [Annotation] = []
        for c in report.checks {
            if c.status == .error || c.status == .timedOut {
                let loc = suiteLocation(c)
                out.append(Annotation(
                    kind: c.required ? .error : .warning, file: loc?.0, line: loc?.1, column: nil,
                    title: "gate: check '\(c.id)' \(c.status == .error ? "could not run" : "timed out")",
                    message: c.reason ?? c.summary))
            }
            let blocking = c.required && c.status == .failed
            for f in c.findings.sorted(by: { $0.severity != $1.severity ? $0.severity > $1.severity : Finding.reportOrder($0, $1) })
            where !f.waived {
                let kind: Kind
                switch f.severity {
                case .error: kind = blocking ? .error : .warning
                case .warning: kind = .warning
                case .note: kind = .notice
                }
                var file: String?, line = f.line, column = f.column
                if let p = f.path {
                    let root = c.root ?? "."
                    file = root == "." ? p : PathUtil.normalize(root + "/" + p)
                } else if let loc = suiteLocation(c) {
                    (file, line, column) = (loc.0, loc.1, nil)
                }
                if file?.hasPrefix("/") == true { (file, line, column) = (nil, nil, nil) }
                out.append(Annotation(kind: kind, file: file, line: line, column: column,
                                      title: "\(f.rule) (\(c.id))", message: f.message))
            }
        }
        return out
    }

    /// The workflow command lines, at most `perKind` of each kind, plus a pointer to `summaryHint` when
    /// some were left out (the pointer takes one of the notice slots).
    public static func lines(for report: RunReport, perKind: Int = 10, summaryHint: String) -> [String] {
        let all = annotations(for: report)
        var dropped: [Kind: Int] = [:]
        var kept: [Annotation] = []
        var counts: [Kind: Int] = [:]
        let total = Dictionary(grouping: all, by: \.kind).mapValues(\.count)
        let needPointer = Kind.allCases.contains { (total[$0] ?? 0) > perKind }
        for a in all {
            let limit = a.kind == .notice && needPointer ? perKind - 1 : perKind
            if counts[a.kind, default: 0] < limit {
                counts[a.kind, default: 0] += 1
                kept.append(a)
            } else {
                dropped[a.kind, default: 0] += 1
            }
        }
        var lines = kept.map(command)
        if !dropped.isEmpty {
            let parts = Kind.allCases.compactMap { k in dropped[k].map { "\($0) more \(k.rawValue)\($0 == 1 ? "" : "s")" } }
            lines.append(command(Annotation(
                kind: .notice, file: nil, line: nil, column: nil, title: "gate: more findings",
                message: "\(parts.joined(separator: ", ")) not shown here (GitHub shows \(perKind) of each kind per step); "
                    + "see \(summaryHint)")))
        }
        return lines
    }

    /// One `::kind props::message` line.
    public static func command(_ a: Annotation) -> String {
        var props: [String] = []
        if let f = a.file { props.append("file=" + escapeProperty(f)) }
        if let l = a.line { props.append("line=\(l)") }
        if let c = a.column { props.append("col=\(c)") }
        props.append("title=" + escapeProperty(a.title))
        return "::\(a.kind.rawValue) \(props.joined(separator:","))::\(escapeData(a.message))"
    }

    /// Control characters other than CR and LF are shown as escapes (`\x1b`): GitHub prints annotation
    /// text in the log and on the pull request, and must not carry a raw escape sequence to either. A
    /// `##[` (the runner's older command syntax, matched anywhere in a line) is broken the same way.
    public static func escapeData(_ s: String) -> String {
        VisibleText.line(s, keeping: ["\r", "\n"]).replacingOccurrences(of: "##[", with: "##\\x5b")
            .replacingOccurrences(of: "%", with: "%25").replacingOccurrences(of: "\r", with: "%0D")
            .replacingOccurrences(of: "\n", with: "%0A")
    }

    public static func escapeProperty(_ s: String) -> String {
        escapeData(s).replacingOccurrences(of: ":", with: "%3A").replacingOccurrences(of: ",", with: "%2C")
    }

    /// The suite file and line that define a check (`Suites/launch.yaml:12`).
    static func suiteLocation(_ c: CheckResult) -> (String, Int)? {
        guard let source = c.source, let colon = source.lastIndex(of: ":"),
            let line = Int(source[source.index(after: colon)...]) else { return nil }
        return (String(source[..<colon]), line)
    }
}
