import Foundation
import GateTestSupport
import Testing

/// Issue 19 §3 on the built binary: 27 kinds of credential, built at test time, planted in every place a
/// check's text comes from (coloured stdout and stderr, the 64 KiB tail cut, the cut last line of a failure
/// message, GATE_FINDINGS rule, path, message, evidence and help, ingested JUnit and SARIF, environment
/// values with secret-looking names and URL passwords, a private key whose BEGIN line fell before the kept
/// tail, `gate attest --note/--evidence`, file names the secrets verifier reports and writes to its
/// baseline). Every report format, the console with and without GitHub Actions, `gate checklist` and
/// `gate history` run; then every byte gate wrote (reports, `.gate/` with `sqlite3 .dump` of each database
/// and the WAL files, the baseline, the step summary, stdout, stderr) is searched for each token whole and
/// for every 12 characters of its secret part. The count must be zero.
@Suite(.serialized) struct RedactionAuditTests {
    @Test func noPlantedCredentialSurvivesInAnyByteGateWrites() async throws {
        let dir = try TempDir("redaction-audit")
        defer { dir.remove() }
        let plant = try LeakPlant(dir: dir)
        let env = plant.environment

        var printed: [(String, String)] = []
        func gate(_ args: [String], extra: [String: String] = [:], expect codes: Set<Int32>) async throws -> Completed {
            let r = try await Exec.gate(args, cwd: dir.path, env: env.merging(extra) { _, b in b }, timeout: .seconds(300))
            #expect(codes.contains(r.code), "gate \(args.joined(separator: " ")): exit \(r.code)\n\(r.stdout.suffix(2000))\n\(r.stderr.suffix(2000))")
            printed += [("stdout of gate \(args[0])", r.stdout), ("stderr of gate \(args[0])", r.stderr)]
            return r
        }
        let attest = try await gate(["attest", "signoff", "--suite", "suite.yaml", "--by", "tester", "--note", plant.note,
                                     "--evidence", plant.evidence], expect: [0])
        #expect(attest.stderr.contains("recorded redacted"), "\(attest.stderr)")
        let github = ["GITHUB_ACTIONS": "true", "GITHUB_STEP_SUMMARY": dir.file("step-summary.md")]
        let first = try await gate(["run", "suite.yaml", "--verbose"], extra: github, expect: [1])
        _ = try await gate(["run", "suite.yaml", "--verbose"], expect: [1])
        _ = try await gate(["checklist", "suite.yaml"], expect: [0])
        _ = try await gate(["checklist", "suite.yaml", "--output", "out/checklist.md"], expect: [0])
        _ = try await gate(["history", "suite.yaml"], expect: [0])
        _ = try await gate(["history", "suite.yaml", "--check", "findings"], expect: [0])
        let shortest = plant.tokens[0].text
        _ = try await gate(["check", "command", "--set", "run=printf '\\033[31m\(shortest)\\033[0m\\n'; exit 1",
                            "--json", "out/check.json", "--junit", "out/check.xml", "--sarif", "out/check.sarif",
                            "--markdown", "out/check.md", "--html", "out/check.html"], extra: github, expect: [1])
        _ = try await gate(["check", "secrets", "src", "--json", "out/secrets.json", "--sarif", "out/secrets.sarif",
                            "--junit", "out/secrets.xml", "--markdown", "out/secrets.md", "--html", "out/secrets.html"],
                           expect: [1])

        try plant.expectEveryPlaceWasExercised(annotations: first.stdout)

        // Everything gate wrote, and everything it printed.
        var written: [(String, [UInt8])] = printed.map { ($0.0, Array($0.1.utf8)) }
        let walker = FileManager.default.enumerator(atPath: dir.path)
        while let rel = walker?.nextObject() as? String {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: dir.file(rel), isDirectory: &isDir), !isDir.boolValue,
                  !LeakPlant.planted(rel) else { continue }
            written.append((rel, Array(try Data(contentsOf: URL(fileURLWithPath: dir.file(rel))))))
            if rel.hasSuffix(".sqlite") {
                let dump = try await Exec.run(["sqlite3", dir.file(rel), ".dump"], cwd: dir.path)
                #expect(dump.code == 0 && dump.stdout.contains("CREATE TABLE"), "sqlite3 .dump \(rel): \(dump.stderr)")
                written.append(("sqlite3 .dump \(rel)", Array(dump.stdout.utf8)))
            }
        }
        let names = Set(written.map(\.0))
        for required in ["Reports/leak/report.json", "Reports/leak/junit.xml", "Reports/leak/report.sarif",
                         "Reports/leak/report.md", "Reports/leak/report.html", "step-summary.md", "baseline.json",
                         ".gate/attestations.yaml", ".gate/history.sqlite", ".gate/cache.sqlite",
                         "sqlite3 .dump .gate/history.sqlite", "sqlite3 .dump .gate/cache.sqlite", "out/checklist.md",
                         "out/check.html", "out/secrets.sarif"] {
            #expect(names.contains(required), "gate did not write \(required): \(names.sorted())")
        }

        let search = LeakSearch(plant.allTokens)
        var leaks: [String: Set<String>] = [:]
        for (name, bytes) in written {
            for kind in search.kinds(in: bytes) { leaks[kind, default: []].insert(name) }
        }
        let report = leaks.sorted { $0.key < $1.key }.map { "\($0.key): \($0.value.sorted().joined(separator: ", "))" }
        #expect(leaks.isEmpty, "planted credentials leaked:\n\(report.joined(separator: "\n"))")
        print("audit redaction: \(plant.allTokens.count) credentials (\(plant.tokens.count) kinds) planted, \(written.count) "
              + "outputs, \(written.reduce(0) { $0 + $1.1.count }) bytes searched, \(leaks.count) leaked")
    }
}

/// Finds which tokens occur in a byte string, whole or by any 12 characters of their secret part.
struct LeakSearch {
    private var needles: [(kind: String, bytes: [UInt8])] = []
    private var byPrefix: [UInt32: [Int]] = [:]
    private var firstTwo = [Bool](repeating: false, count: 65536)

    init(_ tokens: [LeakToken]) {
        for t in tokens {
            for n in Set([t.text] + t.pieces) where n.utf8.count >= 4 { needles.append((t.kind, Array(n.utf8))) }
        }
        for (i, n) in needles.enumerated() {
            byPrefix[Self.key(n.bytes, 0), default: []].append(i)
            firstTwo[Int(n.bytes[0]) | Int(n.bytes[1]) << 8] = true
        }
    }

    private static func key(_ b: [UInt8], _ i: Int) -> UInt32 {
        UInt32(b[i]) | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2]) << 16 | UInt32(b[i + 3]) << 24
    }

    func kinds(in bytes: [UInt8]) -> Set<String> {
        var found: Set<String> = []
        guard bytes.count >= 4 else { return found }
        for i in 0...(bytes.count - 4) where firstTwo[Int(bytes[i]) | Int(bytes[i + 1]) << 8] {
            guard let list = byPrefix[Self.key(bytes, i)] else { continue }
            for j in list {
                let n = needles[j].bytes
                if i + n.count <= bytes.count, bytes[i..<(i + n.count)].elementsEqual(n) { found.insert(needles[j].kind) }
            }
        }
        return found
    }
}
