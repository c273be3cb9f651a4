import Foundation
import GateCore

/// gitleaks' `.gitleaksignore`: one finding fingerprint per line, `file:rule:line` for a directory scan
/// and `commit:file:rule:line` for a git scan; `#` starts a comment. Read from the scan root when a
/// gitleaks configuration is used (`config:`), so that a repository moving from gitleaks keeps its
/// waivers. Rule ids are gitleaks' (gate's rules answer to them through their aliases).
struct GitleaksIgnore: Sendable {
    struct Entry: Hashable, Sendable {
        var commit: String?
        var path: String
        var rule: String
        var line: Int
    }

    var entries: Set<Entry>
    var display: String

    static let fileName = ".gitleaksignore"

    /// The file at `root`, or nil when there is none. A line that is no fingerprint is an error naming it.
    static func read(root: String) throws(ConfigError) -> GitleaksIgnore? {
        let path = PathUtil.resolve(fileName, against: root)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: fileName, reason: "permission denied")
        }
        var entries = Set<Entry>()
        for (i, raw) in String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let line = raw.trimmingCharacters(in: .whitespaces.union(CharacterSet(charactersIn: "\r")))
            if line.isEmpty || line.hasPrefix("#") { continue }
            guard let entry = parse(line) else {
                throw .invalidValue(SourceLocation(file: fileName, line: i + 1, column: 1), key: "fingerprint",
                                    expected: "'file:rule:line' or 'commit:file:rule:line'", got: "'\(line)'")
            }
            entries.insert(entry)
        }
        return GitleaksIgnore(entries: entries, display: fileName)
    }

    /// Fields are taken from the right (a path may hold ':'); a leading 40-hex field is the commit.
    static func parse(_ text: String) -> Entry? {
        var parts = text.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
        guard parts.count >= 3, let line = Int(parts.removeLast()), line >= 0 else { return nil }
        let rule = parts.removeLast()
        var commit: String?
        if parts.count >= 2, parts[0].count == 40, parts[0].allSatisfy(\.isHexDigit) {
            commit = parts.removeFirst().lowercased()
        }
        let path = parts.joined(separator: ":")
        guard !rule.isEmpty, !path.isEmpty else { return nil }
        return Entry(commit: commit, path: path, rule: rule, line: line)
    }

    /// Whether a finding of `spec` at `path:line` (in `commit`, for history scans) is listed.
    func lists(path: String, line: Int, commit: String?, spec: RuleSpec) -> Bool {
        for name in [spec.id] + spec.aliases {
            if entries.contains(Entry(commit: commit?.lowercased(), path: path, rule: name, line: line)) { return true }
        }
        return false
    }
}
