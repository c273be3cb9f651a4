import Foundation
import GateCore
import GateTestSupport
import GRDB
import Testing

@testable import GateStore

@Suite struct StateDatabaseTests {
    static let schema = [
        StateDatabase.Migration("v1") { db in try db.execute(sql: "CREATE TABLE item(id INTEGER PRIMARY KEY, name TEXT)") },
    ]

    /// `keepLogOnClose` leaves the last write in the log (no checkpoint, no fsync on the way out); the
    /// next open still sees it, and `checkpoint()` empties the log. Without it, closing folds the log in.
    @Test(arguments: [true, false])
    func theLogIsKeptOnCloseOnlyWhenAsked(keep: Bool) throws {
        let dir = try TempDir("state-wal")
        defer { dir.remove() }
        func size(_ name: String) -> Int? {
            (try? FileManager.default.attributesOfItem(atPath: dir.file(name)))?[.size] as? Int
        }
        do {
            let db = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema, keepLogOnClose: keep)
            try db.write { try $0.execute(sql: "INSERT INTO item(name) VALUES ('kept')") }
            try db.queue.close()
        }
        if keep { #expect((size("t.sqlite-wal") ?? 0) > 0) } else { #expect((size("t.sqlite-wal") ?? 0) == 0) }
        let again = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema, keepLogOnClose: keep)
        #expect(try again.read { try String.fetchOne($0, sql: "SELECT name FROM item") } == "kept")
        #expect(again.checkpoint())
        // Every frame is in the file now: the next write starts the log over instead of growing it.
        let before = size("t.sqlite-wal") ?? 0
        try again.write { try $0.execute(sql: "INSERT INTO item(name) VALUES ('more')") }
        #expect((size("t.sqlite-wal") ?? 0) <= max(before, 8192))
        #expect(try again.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM item") } == 2)
    }

    /// A passive checkpoint never waits: with another connection holding a read transaction open it
    /// returns at once (copying what it may), where a truncating one would wait out the busy timeout.
    @Test func checkpointDoesNotWaitForAnotherReader() throws {
        let dir = try TempDir("state-wal-busy")
        defer { dir.remove() }
        let db = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema,
                                        busyTimeout: 5, keepLogOnClose: true)
        try db.write { try $0.execute(sql: "INSERT INTO item(name) VALUES ('a')") }
        let reader = try DatabaseQueue(path: dir.file("t.sqlite"))
        try reader.inDatabase { r in
            try r.execute(sql: "BEGIN")
            _ = try Int.fetchOne(r, sql: "SELECT count(*) FROM item")
            try db.write { try $0.execute(sql: "INSERT INTO item(name) VALUES ('b')") }
            let start = ContinuousClock.now
            _ = db.checkpoint()
            #expect(ContinuousClock.now - start < .seconds(2))
            try r.execute(sql: "COMMIT")
        }
    }

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
            for i in 0..<300 { try db.execute(sql: "INSERT INTO item(name) VALUES (?)", arguments: ["row \(i) " + String(repeating: "x", count: 100)]) }
        }
        try first.queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try first.queue.close()
        // Small enough to be checked in full on every open, large enough to have pages past the schema.
        let size = try #require(try FileManager.default.attributesOfItem(atPath: dir.file("t.sqlite"))[.size] as? Int)
        #expect(Int64(size) < StateDatabase.alwaysCheckBelow && size > 8192 + 16384)
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
    /// A database over `alwaysCheckBelow`, checkpointed and closed, with its rows' pages in the middle.
    static func largeDatabase(_ dir: TempDir) throws {
        let db = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema)
        try db.queue.write { db in
            for i in 0..<3000 { try db.execute(sql: "INSERT INTO item(name) VALUES (?)", arguments: ["row \(i) " + String(repeating: "y", count: 500)]) }
        }
        try db.queue.writeWithoutTransaction { try $0.execute(sql: "PRAGMA wal_checkpoint(TRUNCATE)") }
        try db.queue.close()
        let size = try #require(try FileManager.default.attributesOfItem(atPath: dir.file("t.sqlite"))[.size] as? Int)
        #expect(Int64(size) > StateDatabase.alwaysCheckBelow)
    }

    static func damageMiddle(_ dir: TempDir) throws {
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir.file("t.sqlite")))
        try handle.seek(toOffset: 600 * 1024)
        try handle.write(contentsOf: Data(repeating: 0x5A, count: 64 * 1024))
        try handle.close()
    }

    @Test func aLargeFileCheckedTodayOpensWithoutTheFullCheckAndDamageMetInUseIsRecoveredNextTime() throws {
        let dir = try TempDir("state")
        defer { dir.remove() }
        try Self.largeDatabase(dir)
        let clean = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema)
        #expect(!clean.checkedFully)
        try clean.queue.close()
        try Self.damageMiddle(dir)

        // The damage is past the pages an open reads, so this open cannot see it...
        let db = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema)
        #expect(db.recoveryNote == nil && !db.checkedFully)
        // ...but reading the rows meets it, and leaves the marker for the next open.
        #expect(throws: DatabaseError.self) {
            try db.read { try Int.fetchOne($0, sql: "SELECT sum(length(name)) FROM item") }
        }
        #expect(FileManager.default.fileExists(atPath: dir.file("t.sqlite.suspect")))
        try db.queue.close()

        let again = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema)
        #expect(again.recoveryNote?.contains("damaged") == true, "\(String(describing: again.recoveryNote))")
        #expect(!FileManager.default.fileExists(atPath: dir.file("t.sqlite.suspect")))
        #expect(try again.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM item") } == 0)
    }

    @Test func aLargeFileLastCheckedAWeekAgoIsCheckedInFull() throws {
        let dir = try TempDir("state")
        defer { dir.remove() }
        try Self.largeDatabase(dir)
        let today = Int(Date().timeIntervalSince1970 / 86400)
        let db = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema)
        try db.queue.writeWithoutTransaction {
            try $0.execute(sql: "PRAGMA user_version = \(today - StateDatabase.fullCheckEveryDays)")
        }
        try db.queue.close()
        let checked = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema)
        #expect(checked.checkedFully && checked.recoveryNote == nil)
        #expect(try checked.read { try Int.fetchOne($0, sql: "PRAGMA user_version") } == today)
        try checked.queue.writeWithoutTransaction {
            try $0.execute(sql: "PRAGMA user_version = \(today - StateDatabase.fullCheckEveryDays)")
        }
        try checked.queue.close()
        try Self.damageMiddle(dir)
        let rebuilt = try StateDatabase.open(directory: dir.path, name: "t.sqlite", migrations: Self.schema)
        #expect(rebuilt.recoveryNote != nil)
    }
}

@Suite struct ResultCachePruneTests {
    static func outcome() -> CachedOutcome {
        CachedOutcome(CheckOutcome(summary: "ok"), durationMs: 1)
    }

    @Test func entriesUnusedForMaxAgeGoWhenTheCacheIsPruned() throws {
        let dir = try TempDir("cache")
        defer { dir.remove() }
        let longAgo = Date().addingTimeInterval(-ResultCache.maxAge - 3600)
        let cache = try ResultCache.open(stateDirectory: dir.path)
        try cache.save(Self.outcome(), key: "fresh", checkID: "a")
        try cache.save(Self.outcome(), key: "stale", checkID: "b")
        try cache.database.write { db in
            try db.execute(sql: "UPDATE result SET used_at = ? WHERE key = 'stale'", arguments: [longAgo.timeIntervalSince1970])
        }
        try cache.remember(["/old": KnownFile(device: 1, inode: 2, size: 3, mtimeNs: 4, ctimeNs: 5, digest: [1],
                                              recordedNs: Int64(longAgo.timeIntervalSince1970 * 1e9))])
        #expect(try cache.counts() == (results: 2, files: 1))
        try cache.database.queue.close()

        let pruned = try ResultCache.open(stateDirectory: dir.path, prune: true)
        #expect(try pruned.counts() == (results: 1, files: 0))
        #expect(try pruned.outcome(forKey: "fresh") != nil)
        #expect(try pruned.outcome(forKey: "stale") == nil)
    }
}
