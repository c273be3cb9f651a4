import Foundation
import GateCore
import Testing
@testable import VerifierSecrets

/// `filters = ["random-tail"]`: for tokens led by numeric ids (Slack's legacy `xoxa-2-<ids>-<random>`), runs
/// are judged on the part after the last `-` only. The ids of gitleaks' and detect-secrets' own true positive
/// are runs of one digit (`511111111`), which the whole-token run check took for filler.
@Suite struct RandomTailTests {
    /// The built-in ruleset with slack-legacy-token changed by `change`.
    static func engine(_ change: (inout RuleSpec) -> Void) -> SecretEngine {
        var set = Ruleset.defaults
        for i in set.rules.indices where set.rules[i].id == "slack-legacy-token" { change(&set.rules[i]) }
        return try! SecretEngine(set)
    }

    static let ids = "511111111-31111111111-3111111111111"

    @Test func idsMadeOfRunsDoNotHideARandomTail() {
        let text = "SLACK_TOKEN=xoxa-2-\(Self.ids)-\(token("{r:h:18}"))"
        #expect(ruleIDs(scan(text)).contains("slack-legacy-token"))
        // Without the filter, the whole token is judged for runs again and the token is lost.
        let whole = Self.engine { $0.allowRuns = false; $0.valueFilters.removeAll { $0 == .randomTail } }
        #expect(!ruleIDs(scan(text, engine: whole), engine: whole).contains("slack-legacy-token"))
    }

    @Test func aRunInTheRandomPartIsStillFiller() {
        for tail in ["111111111111111111", "abcdefabcdefabcdef", "0a1b2c3d4e5f6a7b8c"] {
            let text = "SLACK_TOKEN=xoxa-2-\(Self.ids)-\(tail)"
            #expect(scan(text).isEmpty, "tail \(tail)")
        }
        // Without ids, the random part is all that follows the prefix.
        #expect(scan("SLACK_TOKEN=xoxa-aaaaaaaaaaaa").isEmpty)
    }

    @Test func theFilterIsAConfigKeyword() throws {
        let base = "[[rules]]\nid = \"r\"\nregex = '''tok-[0-9]+-[a-z0-9]+'''\nkeywords = [\"tok-\"]\nallowRuns = true\n"
        let file = try RulesetFile(text: base + "filters = [\"random-tail\"]\n", file: "r.toml", allowHexByDefault: false)
        #expect(file.rules.first?.valueFilters == [.randomTail])
        #expect(throws: (any Error).self) { try RulesetFile(text: base + "filters = [\"random-tails\"]\n", file: "r.toml", allowHexByDefault: false) }
    }
}
