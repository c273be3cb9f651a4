import Foundation

/// Shell forms of an example's set-up, so that `gate explain` prints examples that run as printed in an
/// empty directory (ExplainExamplesEndToEndTests pastes each into `sh`).
public enum ExampleShell {
    /// Creates the SQLite file `database` by feeding `sql` to the sqlite3 command-line shell.
    public static func sqlite(_ database: String, _ sql: String) -> String {
        "sqlite3 \(quoted(database)) <<'GATE_SQL'\n" + sql + (sql.hasSuffix("\n") ? "" : "\n") + "GATE_SQL\n"
    }

    /// A printf of the one-line `text` in pieces, so that a generated test credential appears whole in no
    /// printed example (secret scanners read docs, and gate's own console redacts what looks like a token):
    /// the text is cut inside `marker` (a token prefix such as `ghp_`) and every 10 characters after it.
    public static func pieces(_ text: String, breaking marker: String) -> String {
        let line = Array(text.hasSuffix("\n") ? String(text.dropLast()) : text)
        let at = text.range(of: marker).map { text.distance(from: text.startIndex, to: $0.lowerBound) + 2 } ?? 0
        var parts = [String(line[..<min(at, line.count)])]
        var i = min(at, line.count)
        while i < line.count {
            parts.append(String(line[i..<min(i + 10, line.count)]))
            i += 10
        }
        let format = String(repeating: "%s", count: parts.count) + "\\n"
        return "printf '\(format)' " + parts.map(quoted).joined(separator: " ")
    }

    /// `text` in single quotes for `sh` (a quote inside becomes '\'').
    public static func quoted(_ text: String) -> String {
        "'" + text.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
