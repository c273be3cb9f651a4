import Foundation
import GateTestSupport
import GRDB
import Testing

@testable import GateStore

@Suite struct StateDatabaseTests {
    static let schema = [
        StateDatabase.Migration("v1") { db in try db.execute(sql: "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)") },
    ]

    @Test func createsAndReopensWithData() throws {
        let dir = try TempDir("state")
        defer { dir.remove() }
        let db = try StateDatabase.open(directory: dir.path + "/.gate", name: "t.sqlite", migrations: Self.schema)
        try db.queue.write { try $0.execute(sql: "INSERT INTO item(name) VALUES ('a')") }
        #expect(db.recoveryNote == nil)
        let again = try StateDatabase.open(directory: dir.path + "/.gate", name: "t.sqlite", migrations: Self.schema)
        let count = try again.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM item") }
        #expect(count == 1)
    }

    @Test func rebuildsAFileThatIsNotADatabase() throws {
        let dir = try TempDir("state")
        defer { dir.remove() }
        try dir.write([".gate/t.sqlite": String(repeating: "this is not sqlite\n", count: 300)])
        let db = try StateDatabase.open(directory: dir.path + "/.gate", name: "t.sqlite", migrations: Self.schema)
        let note = try #require(db.recoveryNote)
        #expect(note.contains("damaged"))
        try db.queue.write { try $0.execute(sql: "INSERT INTO item(name) VALUES ('b')") }
        let aside = try FileManager.default.contentsOfDirectory(atPath: dir.path + "/.gate").filter { $0.contains(".corrupt-") }
        #expect(aside.count == 1)
    }

    @Test func rebuildsADatabaseWithDamagedPages() throws {
        let dir = try TempDir("state")
        defer { dir.remove() }
        let first = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema)
        try first.queue.write { db in
            for i in 0..<2000 { try db.execute(sql: "INSERT INTO item(name) VALUES (?)", arguments: ["row \(i) " + String(repeating: "x", count: 100)]) }
        }
        try first.queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try first.queue.close()
        // Overwrite a stretch of pages in the middle of the file with garbage.
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.file("t.sqlite")))
        try handle.seek(toOffset: 8192)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: 16384))
        try handle.close()
        let db = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema)
        #expect(db.recoveryNote != nil)
        let count = try db.queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM item") }
        #expect(count == 0)
    }
}
