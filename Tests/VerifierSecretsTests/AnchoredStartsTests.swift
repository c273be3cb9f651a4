import Foundation
import GateCore
import Testing
@testable import VerifierSecrets

/// `startsBefore` / `startsAfter` / `startsAt`: generic-secret's regex is tried only near its keyword hits and
/// at quotes. The oracle is the same ruleset with the plan removed (the regex tried at every byte of each
/// window): both must find the same matches, down to the match ranges.
@Suite struct AnchoredStartsTests {
    static let anchored = SecretEngine.builtin
    static let unanchored = engine { $0.starts = nil }

    static func engine(_ change: (inout RuleSpec) -> Void) -> SecretEngine {
        var set = Ruleset.defaults
        for i in set.rules.indices where set.rules[i].starts != nil { change(&set.rules[i]) }
        return try! SecretEngine(set)
    }

    /// Every hit of one buffer, with its match range (which the finding alone does not show).
    static func hits(_ text: String, _ engine: SecretEngine) -> [String] {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { buf in
            BufferScanner(engine: engine).scan(buf, report: 0..<buf.count, path: "a.txt", commit: nil).map {
                "\(engine.rules[$0.rule].spec.id) \($0.secret) \($0.match) \($0.decoded?.description ?? "")"
            }
        }
    }

    static let value = "Hq7vLm2xRt9wZp4kNb"  // built here, mixed case and digits, not a real credential

    /// The edges of the plan: keywords at the very start and end of the buffer, names that begin before their
    /// keyword (client_secret) or after it (?key=), compared values, keywords inside values and close together.
    static let edges: [String] = [
        "password=\(value)", "x password=\(value)", "client_secret=\(value)", "clientsecret: \"\(value)\"",
        "?key=\(value)x", "a&key=\(value)", "\"\(value)!\" == password", "'\(value)#' != db_password",
        "db_password_token = \"\(value)\"", "secretoken=\(value)", "password = \"secret_token_\(value)\", \"x1\"",
        "token: \"\(value)\"\npassword: \"\(value)2\"", "note = 'ok'\nauth.key = \"\(value)\"",
        "let s = \"\(value)\" ; access.key = \"\(value)3\"", "x = 1\nvalue = password",
        "PASSWORD := \(value)", "<password>\n  \(value)\n</password>", "pwd\(value)", "creds => '\(value)'",
        String(repeating: "a", count: 300) + " token = \"\(value)\"", "api.key=\(value)&token=\(value)9",
    ]

    @Test(arguments: edges)
    func anchoredFindsWhatTheFullSearchFinds(text: String) {
        #expect(Self.hits(text, Self.anchored) == Self.hits(text, Self.unanchored))
    }

    /// The edge list does exercise the plan: at least one edge needs each part of it.
    @Test func theEdgesNeedEachPartOfThePlan() {
        let noBefore = Self.engine { $0.starts?.before = 0 }
        let noAfter = Self.engine { $0.starts?.after = 0 }
        let noQuotes = Self.engine { $0.starts?.bytes = [] }
        for variant in [noBefore, noAfter, noQuotes] {
            #expect(Self.edges.contains { Self.hits($0, variant) != Self.hits($0, Self.unanchored) })
        }
        #expect(Self.edges.filter { !Self.hits($0, Self.unanchored).isEmpty }.count >= Self.edges.count / 2)
    }

    /// Names the regex accepts are keywords too, so the plan has a hit to start from.
    @Test func everyNameFormOpensItsOwnWindow() {
        for name in ["auth.key", "auth-key", "access.key", "private.key"] {
            #expect(ruleIDs(scan("\(name) = \"\(Self.value)\"")) == ["generic-secret"], "\(name)")
        }
    }

    /// Random mixtures of names, separators and values, seeded so that a failure repeats.
    @Test func randomTextAgrees() {
        var rng = ExampleTemplate.Generator(seed: 22)
        let pieces = ["password", "client_secret", "clientSecret", "api.key", "?key=", "&key=", "token", "pass",
                      "PWD", "credentials", "secretoken", "auth-key", "x", "=", ": ", " := ", " => ", "\"", "'",
                      " == ", " = \"", "\n", " ", ",", "(", "<password>", "</password>", "value:", Self.value,
                      Self.value + "!", "sk", "12345678"]
        for _ in 0..<3000 {
            var text = ""
            for _ in 0..<Int(rng.next() % 24) { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
            let a = Self.hits(text, Self.anchored), u = Self.hits(text, Self.unanchored)
            #expect(a == u, "\(text.debugDescription)")
            if a != u { return }
        }
    }

    @Test func badStartsAreConfigErrors() {
        let base = "[[rules]]\nid = \"r\"\nregex = '''abc'''\nkeywords = [\"abc\"]\n"
        #expect(throws: (any Error).self) { try RulesetFile(text: base + "startsBefore = 99\n", file: "r.toml", allowHexByDefault: false) }
        #expect(throws: (any Error).self) { try RulesetFile(text: base + "startsAt = 3\n", file: "r.toml", allowHexByDefault: false) }
    }
}

