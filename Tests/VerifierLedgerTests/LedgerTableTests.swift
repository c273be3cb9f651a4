import Foundation
import GateTestSupport
import Testing
@testable import VerifierLedger

/// Ledgers kept in tables: real SQLite files written by the independent writer through Python's sqlite3,
/// and a real PostgreSQL cluster the tests start themselves, read through the shared GateDatabase layer.
@Suite struct LedgerTableTests {
    @Test func aSQLiteTableOfColumns() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        _ = try await Exec.writer(w, "-", ["--records", "40", "--flat", "--sqlite", w.file("ledger.db")])
        let base = ["database=ledger.db", "table=receipts", "sequence-field=seq", "timestamp-field=ts", "id-field=receipt_id"]
        let o = try await w.check(base)
        #expect(o.findings.isEmpty, "\(o.text)")
        #expect(o.summary.hasPrefix("table receipts in ledger.db: 40 records"), "\(o.summary)")
        // One row's amount changed in place.
        let r = try await Exec.run(["sqlite3", w.file("ledger.db"), "UPDATE receipts SET amount = amount + 1 WHERE seq = 23"], cwd: w.path)
        #expect(r.code == 0, "\(r.stderr)")
        let edited = try await w.check(base)
        let f = try #require(edited.first("ledger/record-hash"), "\(edited.text)")
        #expect(f.path == "ledger.db" && f.line == nil)
        #expect(f.message.hasPrefix("row 23 (23) of ledger.db (sequence 23, receipt_id 'r-000023')"), "\(f.message)")
        #expect(f.evidence?["order-key"] == "23")
    }

    @Test func aSQLiteTableWithAJSONColumnAndBlobHashes() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        _ = try await Exec.writer(w, "-", ["--records", "30", "--sqlite", w.file("ledger.db"), "--json-column", "body", "--blob-hashes"])
        let base = ["database=ledger.db", "table=receipts", "json-column=body", "sequence-field=seq"]
        let o = try await w.check(base)
        #expect(o.findings.isEmpty, "\(o.text)")
        // The JSON column's exact text is what 'bytes' hashes: re-spacing it breaks that form only.
        let r = try await Exec.run(["sqlite3", w.file("ledger.db"), "DELETE FROM receipts WHERE seq = 12"], cwd: w.path)
        #expect(r.code == 0)
        let removed = try await w.check(base)
        let f = try #require(removed.first("ledger/chain-break"), "\(removed.text)")
        #expect(f.message.contains("removed: one record is missing before it (sequence 12)"), "\(f.message)")
    }

    @Test func aCheckpointedTableResumesAtItsKey() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        _ = try await Exec.writer(w, "-", ["--records", "50", "--flat", "--sqlite", w.file("ledger.db")])
        let base = ["database=ledger.db", "table=receipts", "sequence-field=seq", "checkpoint=ledger.checkpoint"]
        #expect(try w.verifier(base).writeCheckpoint(root: w.path, output: nil).written)
        let checkpoint = try String(contentsOfFile: w.file("ledger.checkpoint"), encoding: .utf8)
        #expect(checkpoint.contains("\"key\" : \"50\""), "\(checkpoint)")
        let o = try await w.check(base)
        #expect(o.findings.isEmpty, "\(o.text)")
        #expect(o.stats["resumed"] == .bool(true))
        #expect(o.stats["checked"] == .int(1))
        // Rows deleted from the end: cut below the checkpoint.
        _ = try await Exec.run(["sqlite3", w.file("ledger.db"), "DELETE FROM receipts WHERE seq > 44"], cwd: w.path)
        let cut = try await w.check(base)
        #expect(cut.first("ledger/checkpoint")?.message.contains("truncated below the checkpoint: the ledger holds 44 records") == true, "\(cut.text)")
    }

    @Test func aMissingTableOrColumnSaysWhatExists() async throws {
        let w = try LedgerWorkspace()
        defer { w.remove() }
        _ = try await Exec.writer(w, "-", ["--records", "3", "--flat", "--sqlite", w.file("ledger.db")])
        do {
            _ = try await w.check("database=ledger.db", "table=receipt")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("the table 'receipt' does not exist in ledger.db"))
        }
        do {
            _ = try await w.check("database=ledger.db", "table=receipts", "order-by=id")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("no column 'id' to order by; its columns: seq, receipt_id, ts, amount, currency, hash, chain_hash"))
        }
    }

    @Test func aPostgreSQLTable() async throws {
        let cluster = try await PostgresCluster.require()
        let database = try await cluster.createDatabase("ledger")
        defer { cluster.dropDatabase(database) }
        let w = try LedgerWorkspace()
        defer { w.remove() }
        _ = try await Exec.writer(w, "-", ["--records", "60", "--postgres-sql", w.file("load.sql"), "--json-column", "body", "--blob-hashes"])
        _ = try await cluster.psql(try String(contentsOfFile: w.file("load.sql"), encoding: .utf8), database: database)
        let url = cluster.socketURL(database: database)
        let base = ["database=\(url)", "table=receipts", "json-column=body", "sequence-field=seq", "id-field=receipt_id"]
        let o = try await w.check(base)
        #expect(o.findings.isEmpty, "\(o.text)")
        _ = try await cluster.psql("UPDATE receipts SET body = replace(body, '\"EUR\"', '\"USD\"') WHERE seq = 31", database: database)
        let edited = try await w.check(base)
        let f = try #require(edited.first("ledger/record-hash"), "\(edited.text)")
        #expect(f.message.contains("row 31 (31)"), "\(f.message)")
        #expect(f.message.contains("receipt_id 'r-000031'"))
        // Without a sequence column PostgreSQL needs 'order-by'.
        do {
            _ = try await w.check("database=\(url)", "table=receipts", "json-column=body")
            Issue.record("no error")
        } catch {
            #expect("\(error)".contains("set 'order-by'"))
        }
    }
}
