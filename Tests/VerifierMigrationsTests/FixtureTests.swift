import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierMigrations

/// Every case under Fixtures/migrations (written by its generate.py, whose checksums come from Python's
/// hashlib and zlib): the history database is built from history.sql, then the check must end with the
/// documented status and exactly the documented rules.
@Suite struct FixtureTests {
    static let cases: [String] = {
        let dir = Repo.path("Fixtures/migrations")
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { FileManager.default.fileExists(atPath: dir + "/" + $0 + "/case.yaml") }.sorted()
    }()

    @Test func everyFormatAndRuleHasAFixture() {
        for format in FormatName.concrete {
            #expect(Self.cases.contains { $0.hasPrefix("pass-\(format.rawValue)") }, "no passing fixture for \(format)")
            #expect(Self.cases.contains { $0.hasPrefix("fail-\(format.rawValue)") }, "no failing fixture for \(format)")
        }
        var rules = Set<String>()
        for name in Self.cases {
            let text = (try? String(contentsOfFile: Repo.path("Fixtures/migrations/\(name)/case.yaml"), encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where line.hasPrefix("rules:") {
                for r in line.dropFirst(6).trimmingCharacters(in: CharacterSet(charactersIn: " []")).split(separator: ",") {
                    rules.insert(r.trimmingCharacters(in: .whitespaces))
                }
            }
        }
        // The scenario matrix covers the rules whose cases are best built in code.
        for cell in ScenarioMatrixTests.cells {
            for e in cell.expect { rules.insert("migrations/" + String(e.split(separator: ":")[0])) }
        }
        // The PostgreSQL dry run's rules need the real server (PostgresDryRunTests).
        rules.formUnion(PostgresDryRunTests.rulesReported)
        for rule in MigrationsVerifier.descriptor.rules.map(\.id) {
            #expect(rules.contains(rule), "no fixture or matrix cell reports \(rule)")
        }
    }

    @Test(arguments: cases)
    func fixture(_ name: String) async throws {
        let source = Repo.path("Fixtures/migrations/" + name)
        let work = try TempDir("fixture-\(name)")
        defer { work.remove() }
        let root = work.path + "/case"
        try FileManager.default.copyItem(atPath: source, toPath: root)
        if FileManager.default.fileExists(atPath: root + "/history.sql") {
            try SQLiteFile.make(root + "/history.sqlite", try String(contentsOfFile: root + "/history.sql", encoding: .utf8))
        }
        let spec = try #require(try YAMLLoader.load(path: root + "/case.yaml"))
        let withText = try String(contentsOfFile: root + "/case.yaml", encoding: .utf8)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .drop { !$0.hasPrefix("with:") }.dropFirst()
            .prefix { $0.hasPrefix("  ") }
            .map { String($0.dropFirst(2)) }.joined(separator: "\n")
        let outcome = try await Check.run(withText, root: root)
        let expectFailed = spec["expect"]?.string == "failed"
        #expect(outcome.failed == expectFailed,
                "\(name): expected \(spec["expect"]?.string ?? "?"): \(outcome.summary)\n\(outcome.findings.map(\.message).joined(separator: "\n"))")
        let rules = Set(spec["rules"]?.stringList ?? [])
        #expect(outcome.rulesFound == rules, "\(name): \(outcome.findings.map { "\($0.rule): \($0.message)" })")
    }
}
