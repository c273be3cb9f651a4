import GateCore
import GateTestSupport
import Testing
@testable import VerifierDeterminism

/// Bad `with:` blocks fail at load time (exit 2) with the key and a way out.
@Suite struct ConfigTests {
    static let cases: [(String, String)] = [
        ("command: date\nvary: [tz, timezone]", "'vary': unknown variation 'timezone'. Valid: all, tz,"),
        ("command: date\nvary: [hostnme]", "did you mean 'hostname'?"),
        ("command: date\nnormalize: [{pattern: '([a-z'}]", "'normalize[0].pattern': '([a-z' is not a valid regular expression"),
        ("command: date\nnormalize: [{json: 'createdAt'}]", "must start with '$'"),
        ("command: date\nnormalize: [{json: $.a, pattern: x}]", "give exactly one of 'pattern'"),
        ("command: date\nnormalize: [{jsn: $.a}]", "unknown key 'jsn' in 'normalize[0]'; did you mean 'json'?"),
        ("command: date\nrecord: true", "'record: true' needs 'golden'"),
        ("command: date\nruns: 1", "one run compares nothing"),
        ("command: date\nruns: 0", "'runs' must be an integer from 1 to 1000"),
        ("command: cat x.json\ncases: '*.json'", "the command must name the case"),
        ("command: cat {case}", "'{case}' needs 'cases'"),
        ("command: date\nstdout: false\nstderr: false", "nothing to compare"),
        ("command: date\noutputs: [../elsewhere/out]", "must be a glob relative to the working directory"),
        ("command: ''", "the command is empty"),
        ("command: date\nvray: [tz]", "unknown key 'vray'"),
    ]

    @Test(arguments: cases)
    func rejects(yaml: String, expected: String) throws {
        let h = try Harness()
        defer { h.remove() }
        do {
            _ = try h.verifier(yaml)
            Issue.record("accepted: \(yaml)")
        } catch {
            #expect(error.description.contains(expected), "\(error.description)")
            #expect(error.description.hasPrefix("test.yaml:"), "the message names the file and line: \(error.description)")
        }
    }

    @Test func acceptsTheDocumentedForms() throws {
        let h = try Harness()
        defer { h.remove() }
        _ = try h.verifier("command: [python3, engine.py, '{case}']\ncases: 'cases/*.json'\nvary: all\nparallel: true")
        _ = try h.verifier("command: date\nnormalize: {pattern: '\\d+', replace: N, outputs: [stdout]}")
        _ = try h.verifier("command: date\ngolden: g.lock\nruns: 1\nrecord: false\nenv: {A: b}\ntimeout: 30s")
    }

    @Test func variationNamesAreTheDocumentedOnes() {
        #expect(Variation.names == ["tz", "locale", "umask", "path", "time", "home", "env-order", "random", "jobs", "cpus",
                                    "aslr", "exec-path", "hostname", "user", "kernel", "file-order"])
    }
}
