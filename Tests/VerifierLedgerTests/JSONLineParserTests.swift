import Testing
@testable import VerifierLedger

/// Bad lines are problems with a kind, an offset and a message; never a crash.
@Suite struct JSONLineParserTests {
    static func problem(_ bytes: [UInt8]) -> JSONProblem? {
        let parser = JSONLineParser(maxDepth: 64)
        do {
            try bytes.withUnsafeBufferPointer { try parser.parse($0) }
            return nil
        } catch let problem as JSONProblem {
            return problem
        } catch {
            return nil
        }
    }

    static func problem(_ text: String) -> JSONProblem? { problem(Array(text.utf8)) }

    @Test(arguments: [
        (#"{"a":1"#, JSONProblem.Kind.syntax), (#"{"a":01}"#, .syntax), (#"{"a":1,}"#, .syntax), (#"{'a':1}"#, .syntax),
        (#"{"a":tru}"#, .syntax), (#"{"a":"x\q"}"#, .syntax), (#"{"a":"\u12"}"#, .syntax), ("{\"a\":\"tab\there\"}", .syntax),
        (#"{"a":1} x"#, .syntax), (#"[1,2]"#, .notAnObject), ("", .syntax), ("   ", .syntax), (#"{"a":1,"a":2}"#, .duplicateKey),
        (#"{"a":{"b":1,"b":1}}"#, .duplicateKey), (#"{"\u0061":1,"a":2}"#, .duplicateKey), (#"{"a":-}"#, .syntax),
        (#"{"a":1.}"#, .syntax), (#"{"a":1e}"#, .syntax), (#"{"a":NaN}"#, .syntax), (#"{"a":"unterminated}"#, .syntax),
    ])
    func refusesBadLines(text: String, kind: JSONProblem.Kind) {
        #expect(Self.problem(text)?.kind == kind, "\(text)")
    }

    @Test func namesTheDuplicateKeyAndItsPlace() throws {
        let p = try #require(Self.problem(#"{"id":1,"amount":2,"amount":3}"#))
        #expect(p.key == "amount")
        #expect(p.offset == 19)
    }

    @Test func refusesBytesThatAreNotUTF8() throws {
        let bad: [[UInt8]] = [
            Array(#"{"a":""#.utf8) + [0xFF] + Array(#""}"#.utf8),
            Array(#"{"a":""#.utf8) + [0xC0, 0xAF] + Array(#""}"#.utf8),          // overlong '/'
            Array(#"{"a":""#.utf8) + [0xED, 0xA0, 0x80] + Array(#""}"#.utf8),    // an encoded surrogate
            Array(#"{"a":""#.utf8) + [0xE2, 0x82] + Array(#""}"#.utf8),          // cut short
            Array(#"{"a":""#.utf8) + [0xF4, 0x90, 0x80, 0x80] + Array(#""}"#.utf8), // above U+10FFFF
        ]
        for bytes in bad {
            let p = try #require(Self.problem(bytes))
            #expect(p.kind == .invalidUTF8)
            #expect(p.offset == 6)
        }
        #expect(Self.problem(Array(#"{"a":"é😀"}"#.utf8)) == nil)
    }

    @Test func boundsNesting() throws {
        let deep = String(repeating: #"{"a":"#, count: 100) + "1" + String(repeating: "}", count: 100)
        #expect(Self.problem(deep)?.kind == .tooDeep)
        let arrays = "{\"a\":" + String(repeating: "[", count: 100_000)
        #expect(Self.problem(arrays)?.kind == .tooDeep)
    }

    @Test func sortsALargeObjectAndFindsItsDuplicate() {
        var members = (0..<5000).map { "\"k\($0)\":\($0)" }
        #expect(Self.problem("{" + members.joined(separator: ",") + "}") == nil)
        members.append("\"k4321\":0")
        #expect(Self.problem("{" + members.joined(separator: ",") + "}")?.key == "k4321")
    }

    /// With two keys repeated, the one named is the first that repeats an earlier key in the text (where a
    /// reader going left to right first sees the record is invalid), whatever the object's size: small
    /// objects are sorted one way and large ones another, and both must name the same key at the same place.
    @Test func namesTheFirstRepeatInTheTextInObjectsOfAnySize() throws {
        for filler in [0, 3, 20, 300] {
            let extra = (0..<filler).map { "\"f\($0)\":0" }
            let members = ["\"zz\":1", "\"zz\":2"] + extra + ["\"aa\":1", "\"aa\":2"]
            let text = "{" + members.joined(separator: ",") + "}"
            let p = try #require(Self.problem(text), "\(filler)")
            #expect(p.key == "zz", "\(filler) more keys: named \(p.key ?? "nothing")")
            #expect(p.offset == 8, "\(filler) more keys")
            // Three times: the second appearance is the place.
            let thrice = "{" + (extra + ["\"k\":1", "\"k\":2", "\"k\":3"]).joined(separator: ",") + "}"
            let q = try #require(Self.problem(thrice))
            #expect(q.key == "k" && q.offset == thrice.utf8.count - 12, "\(filler) more keys: \(String(describing: q.offset))")
        }
    }

    /// The scan moves the parser's arrays out and back: after a line that throws midway (in a nested
    /// object, in a key sort, in a string), the same parser must still read the next line in full.
    @Test func readsALineAfterOneThatFailedMidway() throws {
        let parser = JSONLineParser(maxDepth: 64)
        let bad = [#"{"a":{"b":[1,2,{"c":"é","c":1}]}}"#, #"{"x":{"y":"\u00G1"}}"#, #"{"k":1,"j":{"#,
                   #"{"a":"# + String(repeating: "[", count: 80)]
        let good = #"{"z":1,"a":{"é":2,"e":[true,null]},"m":"\u0041"}"#
        for line in bad {
            #expect(throws: JSONProblem.self) { try Array(line.utf8).withUnsafeBufferPointer { try parser.parse($0) } }
            try Array(good.utf8).withUnsafeBufferPointer { b in
                try parser.parse(b)
                #expect(parser.nodes.count == 13)
                #expect(parser.nodes[0].count == 3 && parser.nodes[0].next == 13)
                let keys = parser.sortedKeys[parser.nodes[0].sortedAt..<(parser.nodes[0].sortedAt + 3)]
                #expect(keys.map { JSONStrings.decode(b, parser.nodes[$0]) } == ["a", "m", "z"])
            }
        }
    }

    /// `\u` needs four hex digits in either case; a non-hex byte in any of the four is refused.
    @Test func checksEachDigitOfAUnicodeEscape() {
        #expect(Self.problem(#"{"a":"\u00aF\u00Af"}"#) == nil)
        for bad in [#"\uG000"#, #"\u0G00"#, #"\u00G0"#, #"\u000G"#, #"\u000 "#, #"\u00"#] {
            #expect(Self.problem(#"{"a":""# + bad + #""}"#)?.kind == .syntax, "\(bad)")
        }
    }

    /// A key written with an escape and the same key written plainly are one key (UTF-16 comparison).
    @Test func findsADuplicateWrittenTwoWays() {
        #expect(Self.problem(#"{"\u00e9":1,"z":2,"é":3}"#)?.key == "é")
        #expect(Self.problem(#"{"\ud83d\ude00":1,"😀":2}"#)?.key == "😀")
        #expect(Self.problem(#"{"\ud83d\ude00":1,"\uffff":2}"#) == nil)
    }

    /// Strings are scanned eight bytes at a time: a byte that needs a look (a control character, a quote,
    /// a backslash, a byte above 0x7F) is found wherever it stands in or across those words.
    @Test func findsEveryByteThatNeedsALookWhereverItStands() throws {
        let parser = JSONLineParser()
        let open = Array(#"{"k":""#.utf8), close = Array(#""}"#.utf8)
        for length in 1..<20 {
            for at in 0..<length {
                var text = Array(repeating: UInt8(ascii: "x"), count: length)
                text[at] = 0x01
                #expect(Self.problem(open + text + close)?.offset == open.count + at, "\(length) \(at)")
                text[at] = UInt8(ascii: "\"")
                #expect(Self.problem(open + text + close)?.kind == .syntax, "\(length) \(at)")
                text[at] = 0xFF
                #expect(Self.problem(open + text + close)?.kind == .invalidUTF8, "\(length) \(at)")
                for (inserted, escaped, ascii) in [(Array(#"\""#.utf8), true, true), (Array("é".utf8), false, false)] {
                    var good = Array(repeating: UInt8(ascii: "x"), count: length)
                    good.replaceSubrange(at..<(at + 1), with: inserted)
                    let line = open + good + close
                    try line.withUnsafeBufferPointer { b in
                        try parser.parse(b)
                        let node = parser.nodes[2]
                        #expect(node.end == line.count - 1 && node.escaped == escaped && node.ascii == ascii, "\(length) \(at)")
                    }
                }
            }
        }
    }
}
