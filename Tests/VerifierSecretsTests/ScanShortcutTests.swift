import GateCore
import GateTestSupport
import Testing
@testable import VerifierSecrets

/// The scan's shortcuts must not change what it finds: case-sensitive keywords (`keywordCase = "exact"`)
/// and the line cursor that counts line feeds eight bytes at a time.
@Suite struct ScanShortcutTests {
    /// A rule whose regex ignores case, so that only the keyword's case decides what is found.
    static func engine(exact: Bool) throws -> SecretEngine {
        var r = RuleSpec(id: "acme", description: "ACME key")
        r.regex = "(?i)(?<![a-z0-9])(sk[0-9a-f]{32})(?![a-z0-9])"
        r.keywords = ["sk"]
        if exact { r.exactKeywords = ["SK"] }
        r.allowHex = true
        return try SecretEngine(Ruleset(rules: [r], allowlists: []))
    }

    @Test func anExactKeywordOpensWindowsOnlyWhereItIsSpelledAsWritten() throws {
        let exact = try Self.engine(exact: true), anyCase = try Self.engine(exact: false)
        let body = token("{r:h:32}", seed: 3)
        for prefix in ["SK", "sk", "Sk", "sK"] {
            // At the buffer's start, in the middle of a line, and at its end with no line feed after it.
            for text in ["\(prefix)\(body)", "x = \(prefix)\(body) # key\n", "line one\nkey: \(prefix)\(body)"] {
                #expect(scan(text, engine: anyCase).count == 1, "control: '\(text)' is found with any case")
                #expect(scan(text, engine: exact).count == (prefix == "SK" ? 1 : 0), "'\(text)'")
            }
        }
    }

    @Test func twilioKeysAreFoundAmongLowerCaseHitsOfTheirPrefix() {
        let key = token("SK{r:h:32}", seed: 5)
        // Many `sk` hits in other cases on the same line before and after: the windows they no longer
        // open must not have been what found the key.
        let noisy = String(repeating: "task ask Sk sK ", count: 60)
        for text in [key, "TWILIO_API_KEY=\(key)", "\(noisy)\(key) \(noisy)", "\(noisy)\n\(key)", "a\n\(key)"] {
            #expect(ruleIDs(scan(text)) == ["twilio-api-key"], "\(text.prefix(40))")
        }
        #expect(!ruleIDs(scan("TWILIO_API_KEY=sk\(key.dropFirst(2))")).contains("twilio-api-key"), "the prefix is upper case")
    }

    /// Keys on either side of chunk boundaries of a large file, among lower-case hits of their keyword.
    @Test func exactKeywordsAcrossChunkBoundaries() throws {
        var text = "", expected = 0, seed: UInt64 = 40
        while text.utf8.count < 40_000 {
            text += "risk task \(text.utf8.count) ask sk\n"
            if text.utf8.count % 4096 > 3950 || text.utf8.count % 4096 < 120 {
                seed += 1
                text += "k=" + token("SK{r:h:32}", seed: seed) + "\n"
                expected += 1
            }
        }
        let (whole, chunked) = try scanWholeAndChunked(text)
        #expect(expected > 5)
        #expect(ruleIDs(whole) == Array(repeating: "twilio-api-key", count: expected))
        #expect(chunked.map(\.line) == whole.map(\.line))
        #expect(chunked.map(\.column) == whole.map(\.column))
    }

    @Test func keywordCaseIsReadFromAConfigAndMergedWithAnyCaseKeywords() throws {
        let dir = try TempDir("secrets-keyword-case")
        defer { dir.remove() }
        let rule = "[[rules]]\nid = \"acme\"\nregex = '''(?i)acme-([0-9a-f]{24})'''\nallowHex = true\nkeywords = [\"ACME-\"]\n"
        try dir.write([
            "exact.toml": rule + "keywordCase = \"exact\"\n",
            "bad.toml": rule + "keywordCase = \"upper\"\n",
            // Extending the exact rule with the same keyword in any case makes it match in any case.
            "extend.toml": "[extend]\npath = \"exact.toml\"\n\n[[rules]]\nid = \"acme\"\nkeywords = [\"acme-\"]\n",
        ])
        func engine(_ file: String) throws -> SecretEngine {
            try SecretEngine(Ruleset.load(config: dir.file(file), display: file, disable: []))
        }
        let body = token("{r:h:24}", seed: 9)
        let exact = try engine("exact.toml")
        #expect(scan("v = ACME-\(body)", engine: exact).count == 1)
        #expect(scan("v = acme-\(body)", engine: exact).isEmpty)
        let extended = try engine("extend.toml")
        #expect(scan("v = acme-\(body)", engine: extended).count == 1)
        do {
            _ = try engine("bad.toml")
            Issue.record("keywordCase = \"upper\" was accepted")
        } catch let e as ConfigError {
            #expect(e.description.hasPrefix("bad.toml:6:"), "\(e.description)")
            #expect(e.description.contains("keywordCase") && e.description.contains("'exact' or 'any'"))
        }
    }

    /// The cursor against a count done byte by byte, over text with line feeds at every offset modulo 8,
    /// CRLF, multi-byte characters and long lines, advanced in random steps.
    @Test func lineCursorAgreesWithACountByteByByte() {
        var rng = ExampleTemplate.Generator(seed: 77)
        let pieces: [[UInt8]] = ["\n", "\r\n", "a", "bcdefgh", "é", "日本", "\n\n", String(repeating: "z", count: 40)]
            .map { Array($0.utf8) }
        for round in 0..<20 {
            var text: [UInt8] = []
            while text.count < 3000 { text += pieces[Int(rng.next() % UInt64(pieces.count))] }
            var cursor = LineCursor()
            var target = 0
            text.withUnsafeBufferPointer { buf in
                while target < text.count {
                    target = min(text.count, target + 1 + Int(rng.next() % UInt64(round < 10 ? 30 : 600)))
                    cursor.advance(to: target, in: buf, base: 0)
                    let feeds = (0..<target).filter { text[$0] == 10 }
                    let lineStart = feeds.last.map { $0 + 1 } ?? 0
                    let previous = feeds.count >= 2 ? feeds[feeds.count - 2] + 1 : feeds.count == 1 ? 0 : -1
                    let column = text[lineStart..<target].filter { $0 & 0xC0 != 0x80 }.count
                    #expect(cursor.line == feeds.count + 1 && cursor.lineStart == lineStart, "round \(round) at \(target)")
                    #expect(cursor.previousLineStart == previous && cursor.column == column, "round \(round) at \(target)")
                }
            }
        }
    }

    /// The ASCII fast path reads 32 bytes at a time: a multi-byte sequence, valid or not, at every offset
    /// around those blocks gets the same verdict as Swift's own UTF-8 validation.
    @Test func utf8CheckAgreesWithSwiftAtEveryOffset() {
        let sequences: [[UInt8]] = [[0xC3, 0xA9], [0xE6, 0x97, 0xA5], [0xF0, 0x9F, 0x94, 0x91], [0x80], [0xE2, 0x82],
                                    [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF]]
        for seq in sequences {
            for offset in 0..<80 {
                // (A continuation byte at the very start is skipped on purpose: it ends the previous piece's
                // sequence. The buffer starts with a letter so that every offset is checked.)
                let buf = Array(repeating: UInt8(ascii: "a"), count: 1 + offset) + seq
                    + Array(repeating: UInt8(ascii: "b"), count: 80 - offset)
                let expected = String(validating: buf, as: UTF8.self) != nil
                let got = buf.withUnsafeBufferPointer { UTF8Check.valid($0, from: 0, to: $0.count) }
                #expect(got == expected, "\(seq) at \(offset)")
            }
        }
    }

    /// The start bytes PCRE2 reports for a pattern: a fixed first byte in both cases, a set, or none.
    @Test func startBytesComeFromPCRE2sStudyOfThePattern() throws {
        func set(_ pattern: String) throws -> String? {
            try PCRE2Regex(pattern).startBytes.map { t in String(decoding: (0..<256).filter { t[$0] }.map(UInt8.init), as: UTF8.self) }
        }
        #expect(try set("(?i)(?:abc|xyz)") == "AXax")
        #expect(try set("foo[0-9]") == "Ff", "a fixed first byte is taken in both cases")
        #expect(try set("(?<![a-z])(?:ghp|gho)_") == "Gg")
        #expect(try set("[0-9]{4}") == "0123456789")
        #expect(try set("a?") == nil, "a pattern that can match the empty string has no start set")
    }

    /// The anchored tries skip offsets whose byte is outside the start set: at every offset of texts made
    /// of every rule's examples, an anchored match of any built-in rule must start with a byte of its set.
    @Test func noAnchoredMatchStartsOutsideTheStartBytes() throws {
        let engine = SecretEngine.builtin
        let scratch = RegexScratch(captures: engine.maxCaptures)
        var text: [UInt8] = []
        for (i, rule) in engine.rules.enumerated() {
            for example in rule.spec.examples { text += Array(token(example, seed: UInt64(i)).utf8) + [10] }
        }
        #expect(text.count > 10_000)
        var checked = 0
        try text.withUnsafeBufferPointer { buf in
            let base = try #require(buf.baseAddress)
            for rule in engine.rules {
                guard let regex = rule.regex, let starts = regex.startBytes else { continue }
                let anchored = try PCRE2Regex(regex.pattern, options: PCRE2Regex.anchoredOption)
                for p in 0..<buf.count where !starts[Int(buf[p])] {
                    if case .match = anchored.match(base, length: buf.count, from: p, scratch: scratch) {
                        Issue.record("\(rule.spec.id) matches at \(p), byte \(buf[p]) outside its start set")
                    }
                    checked += 1
                }
            }
        }
        #expect(checked > 100_000)
    }

    /// The eight-bytes-at-a-time base64 test against the definition, for every byte value in every lane.
    @Test func nonBase64AgreesWithTheAlphabetForEveryByteInEveryLane() {
        let alphabet = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".utf8)
        for lane in 0..<8 {
            for b in 0..<256 {
                // The other lanes hold a member and a non-member in turn, so that neighbours cannot leak in.
                for filler: UInt8 in [UInt8(ascii: "a"), UInt8(ascii: " ")] {
                    var bytes = [UInt8](repeating: filler, count: 8)
                    bytes[lane] = UInt8(b)
                    let word = bytes.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self) }
                    let flags = Decoding.nonBase64(word)
                    let expected = (0..<8).map { alphabet.contains(bytes[$0]) ? UInt8(0) : 0x80 }
                    let got = (0..<8).map { UInt8(truncatingIfNeeded: flags >> (8 * UInt64($0))) }
                    #expect(got == expected, "byte \(b) in lane \(lane)")
                }
            }
        }
    }

    /// The segment scan tests the 24 bytes ahead in words of eight: runs of base64 letters just shorter
    /// and just longer than a stretch, with one separator at every place in a word, must give what the
    /// byte-by-byte reference gives.
    @Test func segmentScanAgreesWithTheReferenceOnRunsNearTheMinimumLength() {
        var rng = ExampleTemplate.Generator(seed: 2024)
        let letters = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/-_".utf8)
        let separators = Array(" \n\"'.,;:=%&\u{80}\u{FF}@[`{".utf8)
        for round in 0..<300 {
            var buf: [UInt8] = []
            while buf.count < 400 {
                let run = 18 + Int(rng.next() % 12)
                buf += (0..<run).map { _ in letters[Int(rng.next() % UInt64(letters.count))] }
                buf.append(separators[Int(rng.next() % UInt64(separators.count))])
                if round % 3 == 0 { buf += Array("%2F".utf8) }
            }
            let lo = Int(rng.next() % 40)
            buf.withUnsafeBufferPointer { b in
                let fast = Decoding.segments(b, in: lo..<b.count).map { "\($0.encoding)\($0.range)" }
                let plain = DecodingTests.plainSegments(b, in: lo..<b.count).map { "\($0.encoding)\($0.range)" }
                #expect(fast == plain, "round \(round)")
            }
        }
    }
}
