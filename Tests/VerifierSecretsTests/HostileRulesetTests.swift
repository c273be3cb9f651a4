import Foundation
import GateCore
import Testing
@testable import VerifierSecrets

/// Ruleset files with raw control characters. Found by the secrets-ruleset fuzz target: `[` followed by
/// ESC made the TOML library assert (abort) while reading a table header.
@Suite struct HostileRulesetTests {
    @Test func controlCharactersAreAConfigErrorNamingLineAndColumn() {
        let cases: [(String, Int, Int, String)] = [
            ("[\u{1B}", 1, 2, "U+001B"),
            ("title = \"ok\"\n[[rules]]\nid = \"a\u{0}b\"\n", 3, 8, "U+0000"),
            ("# comment \u{7F}\n", 1, 11, "U+007F"),
        ]
        for (text, line, column, code) in cases {
            do {
                _ = try RulesetFile(text: text, file: "bad.toml", allowHexByDefault: false)
                Issue.record("accepted \(text.debugDescription)")
            } catch {
                #expect(error.description.contains("bad.toml:\(line):\(column):"), "\(error.description)")
                #expect(error.description.contains("control character \(code) is not allowed"), "\(error.description)")
            }
        }
        // A table header whose key starts with a character no key starts with (the TOML library asserted).
        for (text, line) in [("[!", 1), ("title = \"x\"\n[ é]\n", 2), ("[[\u{FFFD}", 1)] {
            do {
                _ = try RulesetFile(text: text, file: "bad.toml", allowHexByDefault: false)
                Issue.record("accepted \(text.debugDescription)")
            } catch {
                #expect(error.description.contains("bad.toml:\(line):"), "\(error.description)")
                #expect(error.description.contains("a table header must start with a key"), "\(error.description)")
            }
        }
        // Lines starting with '[' inside arrays and multi-line strings are not headers.
        let q3 = String(repeating: "'", count: 3)
        let valid = "title = 'a'\n[[rules]]\nid = \"x\"\nregex = \(q3)\n[!x]\(q3)\nkeywords = [\n[ ]\n]\n[rules.allowlist]\n"
        #expect(throws: Never.self) { try RulesetFile.rejectBadTableHeaders(valid, file: "ok.toml") }
        // Tabs and CRLF line ends are fine.
        #expect((try? RulesetFile(text: "title = \"a\"\r\n\t\n", file: "ok.toml", allowHexByDefault: false)) != nil)
    }
}
