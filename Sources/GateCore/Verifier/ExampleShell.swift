import Foundation

/// Shell forms of an example's set-up, so that `gate explain` prints examples that run as printed in an
/// empty directory (ExplainExamplesEndToEndTests pastes each into `sh`).
public enum ExampleShell {
    /// Creates the SQLite file `database` by feeding `sql` to the sqlite3 command-line shell.
    public static func sqlite(_ database: String, _ sql: String) -> String {
        "sqlite3 \(quoted(database)) <<'GATE_SQL'\n" + sql + (sql.hasSuffix("\n") ? "" : "\n") + "GATE_SQL\n"
    }

    /// A printf of the one-line `text` in pieces, so that a generated test credential appears whole in no
    /// printed example (secret scanners read docs, and gate's own console redacts what looks like a token or
    /// a `KEY=value` credential): the text is cut inside the name before `=`, inside `marker` (a token prefix
    /// such as `ghp_`) and every 10 characters after it.
    public static func pieces(_ text: String, breaking marker: String) -> String {
        let line = Array(text.hasSuffix("\n") ? String(text.dropLast()) : text)
        let at = text.range(of: marker).map { text.distance(from: text.startIndex, to: $0.lowerBound) + 2 } ?? 0
        let equals = line.firstIndex(of: "=").map { max($0 - 3, 1) }
        var cuts = [equals, min(at, line.count)].compactMap { $0 }.filter { $0 > 0 && $0 <= at }
        var i = min(at, line.count) + 10
        while i < line.count { cuts.append(i); i += 10 }
        var parts: [String] = []
        var start = 0
        for cut in Set(cuts).sorted() + [line.count] where cut > start {
            parts.append(String(line[start..<cut]))
            start = cut
        }
        let format = String(repeating: "%s", count: parts.count) + "\\n"
        return "printf '\(format)' " + parts.map(quoted).joined(separator: " ")
    }

    /// `text` in single quotes for `sh` (a quote inside becomes '\'').
    public static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
