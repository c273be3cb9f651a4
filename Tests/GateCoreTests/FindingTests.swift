import Testing

@testable import GateCore

@Suite struct FindingTests {
    @Test func fingerprintIgnoresLinesButNotContent() {
        let a = Finding(rule: "secrets/x", message: "m", path: "a.env", line: 3, identity: "hash1")
        let moved = Finding(rule: "secrets/x", message: "m", path: "a.env", line: 90, identity: "hash1")
        let other = Finding(rule: "secrets/x", message: "m", path: "a.env", line: 3, identity: "hash2")
        let otherFile = Finding(rule: "secrets/x", message: "m", path: "b.env", line: 3, identity: "hash1")
        #expect(a.fingerprint == moved.fingerprint)
        #expect(a.fingerprint != other.fingerprint)
        #expect(a.fingerprint != otherFile.fingerprint)
        #expect(a.fingerprint.count == 32)
    }

    @Test func reportOrderIsPathLineRule() {
        let fs = [
            Finding(rule: "b/r", message: "x", path: "b", line: 1),
            Finding(rule: "a/r", message: "x", path: "a", line: 2),
            Finding(rule: "z/r", message: "x", path: "a", line: 1),
            Finding(rule: "a/r", message: "x", path: "a", line: 1),
        ].sorted(by: Finding.reportOrder)
        #expect(fs.map { "\($0.path!):\($0.line!):\($0.rule)" } == ["a:1:a/r", "a:1:z/r", "a:2:a/r", "b:1:b/r"])
    }
}
