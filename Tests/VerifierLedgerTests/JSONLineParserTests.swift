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
}
