import GateCore
import Testing
@testable import VerifierDeterminism

@Suite struct JSONPathTests {
    let doc: JSONValue = [
        "meta": ["generatedAt": "2026-11-22T10:00:00Z", "version": 3],
        "items": [["id": "a", "createdAt": "x"], ["id": "b", "createdAt": "y"]],
    ]

    @Test func dropsAKeyAndAWildcardField() throws {
        var v = try JSONPath("$.meta.generatedAt").dropping(from: doc)
        v = try JSONPath("$.items[*].createdAt").dropping(from: v)
        #expect(v == ["meta": ["version": 3], "items": [["id": "a"], ["id": "b"]]])
    }

    @Test func recursiveDescentDropsEveryLevel() throws {
        let v = try JSONPath("$..createdAt").dropping(from: doc)
        #expect(v == ["meta": ["generatedAt": "2026-11-22T10:00:00Z", "version": 3], "items": [["id": "a"], ["id": "b"]]])
    }

    @Test func indexAndQuotedKeys() throws {
        let v = try JSONPath("$['items'][1]").dropping(from: doc)
        #expect(v == ["meta": doc.objectValue!["meta"]!, "items": [["id": "a", "createdAt": "x"]]])
    }

    @Test func rejectsBadPaths() {
        for bad in ["meta.x", "$", "$.", "$[x]", "$..", "$.a[1"] {
            #expect(throws: JSONPath.ParseError.self, "'\(bad)' should not parse") { try JSONPath(bad) }
        }
    }

    @Test func structuralDifferenceNamesThePath() {
        var other = doc
        if case .object(var o) = other, case .array(var items)? = o["items"], case .object(var second) = items[1] {
            second["createdAt"] = "z"
            items[1] = .object(second)
            o["items"] = .array(items)
            other = .object(o)
        }
        let d = JSONSupport.differences(doc, other)
        #expect(d.map(\.path) == ["$.items[1].createdAt"])
        #expect(d.first?.rawA == "y" && d.first?.rawB == "z")
        #expect(JSONPath.render([.key("odd key"), .index(2)]) == "$['odd key'][2]")
    }

    @Test func canonicalJSONSortsKeys() {
        #expect(JSONSupport.canonical(["b": 1, "a": [true, .null, "q\"\n"]]) == #"{"a":[true,null,"q\"\n"],"b":1}"#)
    }
}

extension JSONValue {
    var objectValue: [String: JSONValue]? { if case .object(let o) = self { o } else { nil } }
}
