/// Line numbers of the rule tables and their keys in a TOML ruleset, so that configuration errors can
/// name `file:line`. The TOML parser does not expose positions of values, and rulesets have a simple,
/// regular shape (`[[rules]]` headers followed by `key = value` lines), so a line scan is enough.
struct TOMLLines {
    /// For each `[[rules]]` table, in order: its header line and the line of each top-level key.
    private(set) var rules: [(header: Int, keys: [String: Int])] = []
    /// For each `[[allowlists]]` table (and the single `[allowlist]`), in order: its header line.
    private(set) var allowlists: [Int] = []

    init(_ text: String) {
        var inMultiline: String?
        var inRule = false
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.trimmingCharacters(in: .whitespaces)
            if let delimiter = inMultiline {
                if line.contains(delimiter) { inMultiline = nil }
                continue
            }
            if line.hasPrefix("[") {
                let header = line.filter { !$0.isWhitespace }
                inRule = header.hasPrefix("[[rules]]")
                if inRule { rules.append((lineNumber, [:])) }
                if header.hasPrefix("[[allowlists]]") || header.hasPrefix("[allowlist]") { allowlists.append(lineNumber) }
                continue
            }
            if let eq = line.firstIndex(of: "="), inRule {
                let key = line[..<eq].trimmingCharacters(in: .whitespaces)
                if !key.isEmpty, !key.hasPrefix("#"), rules[rules.count - 1].keys[key] == nil {
                    rules[rules.count - 1].keys[key] = lineNumber
                }
                let value = line[line.index(after: eq)...].trimmingCharacters(in: .whitespaces)
                for delimiter in ["'''", "\"\"\""] where value.hasPrefix(delimiter) {
                    // A multi-line string that does not close on its own line.
                    if !value.dropFirst(3).contains(delimiter) { inMultiline = delimiter }
                }
            }
        }
    }

    /// The line of `key` in the `index`-th rule, else the rule's header line, else 1.
    func line(rule index: Int, key: String? = nil) -> Int {
        guard index < rules.count else { return 1 }
        if let key, let l = rules[index].keys[key] { return l }
        return rules[index].header
    }

    func line(allowlist index: Int) -> Int {
        index < allowlists.count ? allowlists[index] : 1
    }
}

import Foundation
