import Foundation
import GateTestSupport
import Testing

/// The planted tree of `RedactionAuditTests`: the suite, the scripts and reports that carry the tokens,
/// the environment, and the checks that each place was really exercised (so that zero leaks means
/// something).
struct LeakPlant {
    let dir: TempDir
    /// One token of each kind.
    let tokens = LeakTokens.all()
    /// Environment values with secret-looking names, and passwords of URLs.
    var envTokens: [LeakToken] = []
    /// The AWS keys inside the files whose names are tokens (what makes the secrets verifier report them).
    var baits: [LeakToken] = []
    /// The key body whose BEGIN line falls before the kept tail, one token per line.
    var keyLines: [LeakToken] = []
    var environment: [String: String] = [:]

    var allTokens: [LeakToken] { tokens + envTokens + baits + keyLines }
    /// Tokens that can be part of a file name.
    var nameTokens: [LeakToken] { tokens.filter { !$0.text.contains("/") } }

    var note: String { "pasted by mistake: " + tokens.map(\.text).joined(separator: " ") }
    var evidence: String {
        "https://evidence.invalid/run?" + tokens.enumerated().map { "t\($0.offset)=\($0.element.text)" }.joined(separator: "&")
    }

    static func planted(_ rel: String) -> Bool {
        rel == "suite.yaml" || rel.hasPrefix("tools/") || rel.hasPrefix("src/")
    }

    init(dir: TempDir) throws {
        self.dir = dir
        func value() -> String { LeakTokens.random(24) }
        let (dsnPassword, cachePassword) = (value(), value())
        let named = ["MYSQL_PWD", "DB_PASS", "SIGNING_KEY", "STRIPE_KEY", "APP_PWD", "SUITE_PASS", "RELEASE_SIGNING_KEY",
                     "DEPLOY_KEY"]
        var values: [String: String] = [:]
        for n in named { values[n] = value() }
        envTokens = named.map { LeakToken(kind: "env \($0)", text: values[$0]!, secret: values[$0]!) }
        let dsn = "mysql://app:\(dsnPassword)@dsn-host.invalid:3306/app"
        envTokens.append(LeakToken(kind: "env DATABASE_DSN", text: dsn, secret: dsnPassword))
        envTokens.append(LeakToken(kind: "URL password in CACHE_URL", text: cachePassword, secret: cachePassword))
        environment = ["MYSQL_PWD": values["MYSQL_PWD"]!, "DB_PASS": values["DB_PASS"]!, "SIGNING_KEY": values["SIGNING_KEY"]!,
                       "STRIPE_KEY": values["STRIPE_KEY"]!, "DATABASE_DSN": dsn,
                       "CACHE_URL": "redis://:\(cachePassword)@cache.invalid:6379/0"]
        baits = nameTokens.indices.map { i in
            let key = "AK" + "IA" + LeakTokens.random(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
            return LeakToken(kind: "AWS key in file \(i)", text: key, secret: String(key.dropFirst(4)))
        }
        let body = LeakTokens.keyBody()
        keyLines = body.enumerated().map { LeakToken(kind: "key line \($0.offset)", text: $0.element, secret: $0.element) }

        var files: [String: String] = [:]
        let ansi = tokens.map { t in
            "printf '\\033[31m%s\\033[0m\\n' '\(t.text)'\nprintf 'error: \\033[1;33m%s\\033[0m rejected\\n' '\(t.text)' >&2"
        }
        files["tools/ansi.sh"] = ansi.joined(separator: "\n") + "\n[ \"$1\" = pass ] && exit 0\nexit 1\n"

        func json(_ object: Any) throws -> String {
            String(decoding: try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]), as: UTF8.self)
        }
        files["tools/findings.jsonl"] = try tokens.map { t in
            try json(["rule": "leak/\(t.text)", "message": "found \u{1B}[31m\(t.text)\u{1B}[0m", "path": "src/\(t.text).py",
                      "line": 1, "evidence": ["value": t.text, t.text: "key"], "help": "rotate \(t.text)"])
        }.joined(separator: "\n") + "\n"
        files["tools/findings.sh"] = "cat tools/findings.jsonl >> \"$GATE_FINDINGS\"\nexit 1\n"
        files["tools/junit.xml"] = "<testsuites><testsuite name=\"leaks\" tests=\"\(tokens.count)\">\n" + tokens.map { t in
            "<testcase classname=\"suite.\(t.text)\" name=\"test_\(t.text)\" file=\"src/\(t.text).py\">"
                + "<failure message=\"auth with \(t.text) failed\" type=\"\(t.text)\">body \(t.text)</failure></testcase>"
        }.joined(separator: "\n") + "\n</testsuite></testsuites>\n"
        files["tools/r.sarif"] = try json(["version": "2.1.0", "runs": [[
            "tool": ["driver": ["name": "scan", "rules": tokens.map { t in
                ["id": "rule-\(t.text)", "shortDescription": ["text": "desc \(t.text)"],
                 "fullDescription": ["text": "full \(t.text)"], "help": ["text": "help \(t.text)"]]
            }]],
            "results": tokens.map { t in
                ["ruleId": "rule-\(t.text)", "message": ["text": "found \(t.text)"],
                 "locations": [["physicalLocation": ["artifactLocation": ["uri": "src/\(t.kind).txt"], "region": ["startLine": 1]]]]]
            },
        ]]])
        files["tools/env.sh"] = """
            printf '%s\\n' "$MYSQL_PWD" "$DB_PASS" "$SIGNING_KEY" "$STRIPE_KEY" "$DATABASE_DSN" "$CACHE_URL" "$APP_PWD" \
              "$SUITE_PASS" "$RELEASE_SIGNING_KEY" "$DEPLOY_KEY"
            printf '\\033[36m%s\\033[0m\\n' "$DB_PASS" "$APP_PWD" >&2
            p=${CACHE_URL#redis://:}; echo "cache password ${p%%@*}"
            d=${DATABASE_DSN#*://app:}; echo "dsn password ${d%%@*}" >&2
            printf '%s %s\\n' "\(String(repeating: "x", count: 180))" "$SIGNING_KEY" >&2
            exit 1

            """
        // The BEGIN line, then more than the kept 64 KiB, then the body: only the body lines are kept.
        let filler = String(repeating: "filler line of build output\n", count: 2600)
        files["tools/pem.txt"] = "-----BEGIN RSA " + "PRIVATE KEY-----\n" + filler + body.joined(separator: "\n")
            + "\n-----END RSA " + "PRIVATE KEY-----\nbuild finished\n"
        files["tools/pem2.txt"] = "-----BEGIN OPENSSH " + "PRIVATE KEY-----\n" + filler + body.joined(separator: "\n")
            + "\nno END line: the program died\n"

        var checks = """
              - {id: ansi, run: sh tools/ansi.sh}
              - {id: cached, run: sh tools/ansi.sh pass, inputs: [tools/ansi.sh]}
              - {id: findings, run: sh tools/findings.sh}
              - {id: junit, run: 'true', with: {report: {format: junit, path: tools/junit.xml}}}
              - {id: sarif, run: 'true', with: {report: {format: sarif, path: tools/r.sarif}}}
              - {id: env, run: sh tools/env.sh, env: {DEPLOY_KEY: '\(values["DEPLOY_KEY"]!)'}}
              - {id: pem, run: 'cat tools/pem.txt; exit 1'}
              - {id: pem-no-end, run: 'cat tools/pem2.txt; exit 1'}
              - {id: names, uses: secrets, with: {include: ['src/**'], write-baseline: baseline.json}}
              - {id: names-baselined, uses: secrets, needs: [names], with: {include: ['src/**'], baseline: baseline.json}}

            """
        for (i, t) in tokens.enumerated() {
            // stdout: the 64 KiB tail starts 6 characters into the token. stderr: the failure message keeps the
            // first 197 characters of the last line, which cuts the token after 16 of them.
            let tail = 65536 + 7 - 3 - t.text.utf8.count
            files["tools/cut-\(i).txt"] = " \(t.text)\n" + String(repeating: "z", count: tail) + "\n"
            files["tools/cut-\(i).sh"] = "cat tools/cut-\(i).txt\nprintf '%s\\n' '\(String(repeating: "y", count: 180)) \(t.text)' >&2\nexit 1\n"
            checks += "  - {id: cut-\(i), run: sh tools/cut-\(i).sh}\n"
        }
        for (t, bait) in zip(nameTokens, baits) { files["src/\(t.text).env"] = "AWS_ACCESS_KEY_ID=\(bait.text)\n" }
        files["suite.yaml"] = """
            suite: leak
            env: {APP_PWD: '\(values["APP_PWD"]!)', SUITE_PASS: '\(values["SUITE_PASS"]!)', RELEASE_SIGNING_KEY: '\(values["RELEASE_SIGNING_KEY"]!)'}
            checks:
            \(checks)  - id: signoff
                manual: Rollback rehearsed
                owner: release
                bind-to: none

            """
        try dir.write(files)
    }

    /// Each place held its tokens when gate read it, so that finding none of them afterwards means they
    /// were redacted, not that nothing was read.
    func expectEveryPlaceWasExercised(annotations: String) throws {
        let report = try Hardening.json(dir.file("Reports/leak/report.json"))
        let checks = Hardening.checks(report)
        func findings(_ id: String) -> [[String: Any]] { checks[id]?["findings"] as? [[String: Any]] ?? [] }
        func log(_ id: String) -> String { checks[id]?["log"] as? String ?? "" }
        let n = tokens.count
        #expect(findings("findings").filter { ($0["rule"] as? String)?.hasPrefix("leak/") == true }.count == n)
        #expect(findings("junit").count == n && findings("sarif").count == n)
        #expect(findings("names").count >= n - 4, "the secrets verifier found \(findings("names").count) of \(n - 1) files")
        #expect(checks["names-baselined"]?["status"] as? String == "waived", "the baseline (redacted paths) matched nothing")
        #expect(checks["cached"]?["cached"] as? Bool == true, "the second run did not reuse the cached result")
        #expect(log("env").contains("[redacted:MYSQL_PWD]") && log("env").contains("[redacted:CACHE_URL]"), "\(log("env"))")
        #expect(log("pem").contains("[redacted key material]") && log("pem-no-end").contains("[redacted key material]"))
        for i in 0..<n { #expect(log("cut-\(i)").contains("(last 65536 of 65543 bytes)"), "cut-\(i): \(log("cut-\(i)").prefix(120))") }
        #expect(log("ansi").contains("\u{1B}[31m") && log("ansi").contains("…[redacted]"))
        #expect(annotations.contains("::error"), "no annotations under GITHUB_ACTIONS=true")
        let summary = try String(contentsOfFile: dir.file("step-summary.md"), encoding: .utf8)
        #expect(summary.contains("findings") && summary.contains("…[redacted]"), "\(summary.prefix(500))")
        let attestations = try String(contentsOfFile: dir.file(".gate/attestations.yaml"), encoding: .utf8)
        #expect(attestations.contains("pasted by mistake: ") && attestations.contains("…[redacted]"))
    }
}
