import Foundation
import GateCore
import GRDB

/// A SQLite database under gate's state directory (`.gate/` by default), opened through GRDB over the
/// system SQLite: run history, the CAS stat cache, the result cache.
///
/// State is a cache of facts gate can recompute, so damage is never fatal: a file that is not a database
/// or fails its integrity check is moved aside and rebuilt empty, and `recoveryNote` says so for the
/// console and the report. A database locked by another gate process waits `busyTimeout`, then fails
/// with a message that names the file.
public final class StateDatabase: Sendable {
    /// A schema step: a stable identifier and the SQL (or code) that applies it.
    public struct Migration: Sendable {
        public let id: String
        public let apply: @Sendable (Database) throws -> Void

        public init(_ id: String, _ apply: @escaping @Sendable (Database) throws -> Void) {
            self.id = id
            self.apply = apply
        }
    }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let message: String
        public var description: String { message }
    }

    public let path: String
    public let queue: DatabaseQueue
    /// Set when the file was damaged and rebuilt.
    public let recoveryNote: String?

    /// Opens (creating when needed) `directory/name`, applying `migrations` in order.
    public static func open(directory: String, name: String, migrations: [Migration],
                            busyTimeout: TimeInterval = 10) throws(Failure) -> StateDatabase {
        let path = directory + "/" + name
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw Failure(message: "cannot create the state directory '\(PathUtil.display(directory))': \(error.localizedDescription)")
        }
        do {
            let q = try connect(path, migrations: migrations, busyTimeout: busyTimeout)
            return StateDatabase(path: path, queue: q, note: nil)
        } catch let error as DatabaseError where Self.isDamage(error) {
            let aside = path + ".corrupt-\(Int(Date().timeIntervalSince1970))"
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.moveItem(atPath: path + suffix, toPath: aside + suffix)
            }
            do {
                let q = try connect(path, migrations: migrations, busyTimeout: busyTimeout)
                return StateDatabase(path: path, queue: q, note: "state database '\(PathUtil.display(path))' was damaged "
                    + "(\(error.resultCode)); moved it to '\(PathUtil.display(aside))' and started a new one")
            } catch {
                throw Failure(message: "cannot rebuild the state database '\(PathUtil.display(path))': \(error)")
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED {
            throw Failure(message: "the state database '\(PathUtil.display(path))' is locked by another process "
                + "(waited \(Int(busyTimeout))s); wait for the other gate run to finish")
        } catch {
            throw Failure(message: "cannot open the state database '\(PathUtil.display(path))': \(error)")
        }
    }

    private init(path: String, queue: DatabaseQueue, note: String?) {
        self.path = path
        self.queue = queue
        self.recoveryNote = note
    }

    private static func connect(_ path: String, migrations: [Migration], busyTimeout: TimeInterval) throws -> DatabaseQueue {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        config.journalMode = .wal
        let q = try DatabaseQueue(path: path, configuration: config)
        // A damaged file often opens fine and fails on first real use: check now, not mid-run.
        try q.read { db in
            let result = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "ok"
            if result != "ok" { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: result) }
        }
        var migrator = DatabaseMigrator()
        for m in migrations { migrator.registerMigration(m.id) { db in try m.apply(db) } }
        try migrator.migrate(q)
        return q
    }

    private static func isDamage(_ e: DatabaseError) -> Bool {
        [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(e.resultCode) || [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(e.extendedResultCode)
    }
}
