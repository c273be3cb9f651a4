import Foundation
import GateTestSupport
import Testing
@testable import VerifierLedger

/// Helpers to run the parser and canonical writer on a string.
enum Canon {
    static func write(_ text: String, _ form: CanonicalForm = .jcs, exclude: [String] = [], mode: HashFieldsMode = .omit,
                      anyRoot: Bool = false) throws -> String {
        let parser = JSONLineParser()
        let bytes = Array(text.utf8)
        return try bytes.withUnsafeBufferPointer { b in
            try parser.parse(b, anyRoot: anyRoot)
            var excluded: [Int] = []
            if parser.nodes[0].kind == .object {
                var key = 1
                for _ in 0..<parser.nodes[0].count {
                    if exclude.contains(JSONStrings.decode(b, parser.nodes[key])) { excluded.append(key) }
                    key = parser.nodes[key + 1].next
                }
            }
            var writer = CanonicalWriter(parser: parser, line: b, excluded: excluded, mode: mode)
            var out: [UInt8] = []
            try writer.write(form, into: &out)
            return String(decoding: out, as: UTF8.self)
        }
    }

    static func problem(_ text: String, _ form: CanonicalForm = .jcs) -> JSONProblem? {
        do {
            _ = try write(text, form)
            return nil
        } catch let p as JSONProblem {
            return p
        } catch {
            return nil
        }
    }
}

/// The canonicalization test data of RFC 8785's reference implementation (Fixtures/ledger/rfc8785): each
/// input must canonicalise to exactly the bytes of its output file.
@Suite struct JCSVectorTests {
    @Test(arguments: ["arrays", "french", "structures", "unicode", "values", "weird"])
    func canonicalisesTheReferenceVectors(name: String) throws {
        let input = try String(contentsOfFile: Repo.path("Fixtures/ledger/rfc8785/input/\(name).json"), encoding: .utf8)
        let output = try Data(contentsOf: URL(fileURLWithPath: Repo.path("Fixtures/ledger/rfc8785/output/\(name).json")))
        let got = try Canon.write(input, anyRoot: true)
        #expect(Array(got.utf8) == Array(output), "\(name): got \(got)")
    }

    /// RFC 8785 §3.2.3's sorting example: keys by UTF-16 code units, so U+1F600 (a surrogate pair,
    /// 0xD83D...) sorts before U+FB33 (0xFB33), unlike code point order.
    @Test func sortsKeysByUTF16CodeUnits() throws {
        #expect(try Canon.write(#"{"\ufb33":1,"😀":2,"\u20ac":3,"\r":4,"1":5,"\u0080":6,"ö":7}"#)
                == "{\"\\r\":4,\"1\":5,\"\u{80}\":6,\"ö\":7,\"€\":3,\"😀\":2,\"דּ\":1}")
        // The sorted form orders by code point instead: U+FB33 before U+1F600.
        #expect(try Canon.write(#"{"😀":2,"דּ":1}"#, .sorted) == #"{"דּ":1,"😀":2}"#)
    }

    @Test func rewritesNumbersTheECMAScriptWay() throws {
        #expect(try Canon.write(#"{"a":1.0,"b":1E2,"c":-0,"d":0.000001,"e":1e-7,"f":123456789012345678901234,"g":4.50}"#)
                == #"{"a":1,"b":100,"c":0,"d":0.000001,"e":1e-7,"f":1.2345678901234569e+23,"g":4.5}"#)
    }

    @Test func escapesStringsMinimally() throws {
        #expect(try Canon.write(#"{"s":"\u0041\/\u00e9\u001f\b\t\"\\\ud83d\ude00\u2028"}"#)
                == "{\"s\":\"A/é\\u001f\\b\\t\\\"\\\\😀\u{2028}\"}")
    }

    @Test func leavesOutOrNullsTheHashMembers() throws {
        let line = #"{"b":2, "hash":"x", "a":[1, 2.50], "chain_hash":"y"}"#
        #expect(try Canon.write(line, exclude: ["hash", "chain_hash"]) == #"{"a":[1,2.5],"b":2}"#)
        #expect(try Canon.write(line, exclude: ["hash", "chain_hash"], mode: .null) == #"{"a":[1,2.5],"b":2,"chain_hash":null,"hash":null}"#)
        #expect(try Canon.write(line, .sorted, exclude: ["hash", "chain_hash"]) == #"{"a":[1,2.50],"b":2}"#)
        #expect(try Canon.write(line, .compact, exclude: ["hash", "chain_hash"]) == #"{"b":2,"a":[1,2.50]}"#)
        #expect(try Canon.write(line, .bytes, exclude: ["hash", "chain_hash"]) == #"{"b":2, "a":[1, 2.50]}"#)
        #expect(try Canon.write(line, .bytes, exclude: ["hash", "chain_hash"], mode: .null)
                == #"{"b":2, "hash":null, "a":[1, 2.50], "chain_hash":null}"#)
        // The first member cut takes the separator after it.
        #expect(try Canon.write(#"{"hash":"x", "a":1}"#, .bytes, exclude: ["hash"]) == #"{"a":1}"#)
        #expect(try Canon.write(#"{ "hash":"x" }"#, .bytes, exclude: ["hash"]) == "{  }")
    }

    @Test func refusesWhatRFC8785Cannot() {
        #expect(Canon.problem(#"{"a":1e400}"#)?.kind == .numberRange)
        #expect(Canon.problem(#"{"a":"\ud800"}"#)?.kind == .loneSurrogate)
        // The as-written forms keep such values as they are.
        #expect(Canon.problem(#"{"a":1e400}"#, .sorted) == nil)
        #expect(Canon.problem(#"{"a":"\ud800"}"#, .bytes) == nil)
    }
}
