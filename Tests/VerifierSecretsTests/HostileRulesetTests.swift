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
        // Tabs and CRLF line ends are fine.
        #expect((try? RulesetFile(text: "title = \"a\"\r\n\t\n", file: "ok.toml", allowHexByDefault: false)) != nil)
    }
}
