import Foundation
import GateCore
import GateTestSupport
import Testing
@testable import VerifierMigrations

/// The scenario matrix on PostgreSQL: every cell of `ScenarioMatrixTests`, with the history table written
/// the way each tool writes it on PostgreSQL (`PostgresHistories`) in a database of the test cluster, must
/// give the very verdict it gives on SQLite.
@Suite struct PostgresMatrixTests {
    @Test(arguments: ScenarioMatrixTests.cells)
    func sameVerdictOnPostgres(_ cell: ScenarioMatrixTests.Cell) async throws {
        let pg = try await PostgresCluster.require()
        var setup = MatrixSetup(cell.format)
        cell.change(&setup)
        let (w, db) = try await setup.build(on: pg)
        defer {
            w.remove()
            if let db { pg.dropDatabase(db) }
        }
        let outcome = try await Check.run(setup.yaml, root: w.path)
        let found = outcome.findings.map { "\($0.rule.replacingOccurrences(of: "migrations/", with: "")):\($0.severity.rawValue)" }.sorted()
        #expect(found == cell.expect.sorted(), "\(cell.testDescription) on PostgreSQL: \(outcome.findings.map { "\($0.rule): \($0.message)" })")
        if let expectFormat = cell.expectFormat {
            #expect(outcome.stats["format"] == .string(expectFormat))
        }
        if db != nil {
            #expect(outcome.summary.contains("applied"), "\(outcome.summary)")
        }
    }
}
