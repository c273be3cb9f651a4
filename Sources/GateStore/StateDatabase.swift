import CStateSupport
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
///
/// Every open reads the header and the schema, which catches a file that is not a database or whose
/// first pages are damaged. The full `PRAGMA quick_check` reads every page, so it costs time in
/// proportion to the file (23 ms for a 9 MB cache): it runs when the file is small, when the last full
/// check is a week old (the day is kept in the header's `user_version`), and on the first open after a
/// read or write met a damaged page (which leaves a `<name>.suspect` marker beside the file).
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
    /// True when this open ran the full integrity check: the moment for periodic upkeep (pruning old rows)
    /// whose cost also grows with the file.
    public let checkedFully: Bool

    /// Files up to this size are checked in full on every open (well under a millisecond; a 800 KB
    /// history took 5 ms, which is why the limit is not higher).
    public static let alwaysCheckBelow: Int64 = 64 << 10
    /// Larger files are checked in full once in this many days.
    public static let fullCheckEveryDays = 7

    /// How long an open waits for a database another process holds locked: 10 s, or the whole seconds in
    /// `GATE_STATE_WAIT` (1 to 3600; a shared CI cache or a loaded machine may want longer, a hook shorter).
    public static let defaultBusyTimeout: TimeInterval = {
        guard let text = ProcessInfo.processInfo.environment["GATE_STATE_WAIT"], let seconds = Int(text),
              (1...3600).contains(seconds) else { return 10 }
        return TimeInterval(seconds)
    }()

    /// Opens (creating when needed) `directory/name`, applying `migrations` in order.
    /// - Parameter keepLogOnClose: closing leaves the write-ahead log for the next open instead of
    ///   checkpointing it (two fsyncs) on the way out; the owner calls `checkpoint()` at a moment off the
    ///   critical path, or the log would grow and every open would read all of it.
    public static func open(directory: String, name: String, migrations: [Migration],
                            busyTimeout: TimeInterval = defaultBusyTimeout, keepLogOnClose: Bool = false) throws(Failure) -> StateDatabase {
        let path = directory + "/" + name
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            StateDirectoryIgnore.ensure(in: directory)
        } catch {
            throw Failure(message: "cannot create the state directory '\(PathUtil.display(directory))': \(error.localizedDescription)")
        }
        do {
            let (q, full) = try connect(path, migrations: migrations, busyTimeout: busyTimeout, keepLogOnClose: keepLogOnClose)
            return StateDatabase(path: path, queue: q, note: nil, checkedFully: full, busyTimeout: busyTimeout)
        } catch let error as DatabaseError where Self.isDamage(error) {
            let aside = path + ".corrupt-\(Int(Date().timeIntervalSince1970))"
            for suffix in ["", "-wal", "-shm"] {
                try? FileManager.default.moveItem(atPath: path + suffix, toPath: aside + suffix)
            }
            unlink(path + suspectSuffix)
            do {
                let (q, full) = try connect(path, migrations: migrations, busyTimeout: busyTimeout, keepLogOnClose: keepLogOnClose)
                return StateDatabase(path: path, queue: q, note: "state database '\(PathUtil.display(path))' was damaged "
                    + "(\(error.resultCode)); moved it to '\(PathUtil.display(aside))' and started a new one",
                    checkedFully: full, busyTimeout: busyTimeout)
            } catch {
                throw Failure(message: "cannot rebuild the state database '\(PathUtil.display(path))': \(error)")
            }
        } catch let error as DatabaseError where isLocked(error) {
            throw lockedFailure(path, busyTimeout)
        } catch {
            throw Failure(message: "cannot open the state database '\(PathUtil.display(path))': \(error)")
        }
    }

    private let busyTimeout: TimeInterval

    private init(path: String, queue: DatabaseQueue, note: String?, checkedFully: Bool, busyTimeout: TimeInterval) {
        self.path = path
        self.queue = queue
        self.recoveryNote = note
        self.checkedFully = checkedFully
        self.busyTimeout = busyTimeout
    }

    private static func isLocked(_ error: DatabaseError) -> Bool {
        error.resultCode == .SQLITE_BUSY || error.resultCode == .SQLITE_LOCKED
    }

    private static func lockedFailure(_ path: String, _ busyTimeout: TimeInterval) -> Failure {
        Failure(message: "the state database '\(PathUtil.display(path))' is locked by another process "
            + "(waited \(Int(busyTimeout))s); wait for the other gate run to finish")
    }

    /// Beside the database when a read or write met a damaged page: the next open checks in full.
    static let suspectSuffix = ".suspect"

    /// `queue.read`, noting damage met on the way so that the next open checks the whole file.
    /// A lock held by another process longer than the busy timeout becomes the same named `Failure` an
    /// open gives (the store may have opened before the other process took its lock).
    public func read<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.read(body) } catch { throw mapped(error) }
    }

    /// `queue.write`, noting damage like `read`.
    public func write<T>(_ body: (Database) throws -> T) throws -> T {
        do { return try queue.write(body) } catch { throw mapped(error) }
    }

    /// Copies the write-ahead log into the file (`wal_checkpoint(PASSIVE)`), for stores opened with
    /// `keepLogOnClose`. Passive never waits: another gate run reading or writing the same file just leaves
    /// frames for next time (a TRUNCATE checkpoint would wait up to the busy timeout). Once every frame is
    /// copied, the next write starts the log over, so the next open replays only that write. Returns true
    /// when every frame was copied.
    @discardableResult
    public func checkpoint() -> Bool {
        let row = try? queue.writeWithoutTransaction { db in
            try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
        }
        guard let row, let busy: Int = row[0], let log: Int = row[1], let copied: Int = row[2] else { return false }
        return busy == 0 && log == copied
    }

    /// Closes the database and, when no other connection (another gate run) has it open, folds the
    /// write-ahead log into the file and removes `-wal` and `-shm`: what a run does on its way out, so that
    /// `.gate/` holds only the database between runs. Another run holding the file keeps the log; the last
    /// one to close removes it.
    public func close() {
        try? queue.inDatabase { db in
            if let connection = db.sqliteConnection { _ = gate_sqlite_checkpoint_on_close(UnsafeMutableRawPointer(connection)) }
        }
        try? queue.close()
    }

    private func mapped(_ error: any Error) -> any Error {
        noteIfDamage(error)
        if let e = error as? DatabaseError, Self.isLocked(e) { return Self.lockedFailure(path, busyTimeout) }
        return error
    }

    private func noteIfDamage(_ error: any Error) {
        guard let e = error as? DatabaseError, Self.isDamage(e) else { return }
        let fd = Glibc.open(path + Self.suspectSuffix, O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
        if fd >= 0 { Glibc.close(fd) }
    }

    /// Opens the queue, checks it (see the type's comment) and migrates it. Returns whether the check was
    /// the full one.
    private static func connect(_ path: String, migrations: [Migration], busyTimeout: TimeInterval,
                                keepLogOnClose: Bool) throws
        -> (DatabaseQueue, Bool) {
        var config = Configuration()
        config.busyMode = .timeout(busyTimeout)
        // WAL is set here, not with GRDB's `journalMode = .wal`: that one also writes to the file whenever
        // the log is missing or empty (for DatabasePool readers; gate uses a queue), and a write waits on any
        // other process's lock. After a run that removed the log on its way out, the next run then waited on
        // a locked history before writing its reports. On a file already in WAL mode this pragma only reads.
        // WAL with synchronous=NORMAL cannot corrupt the file; a power cut may only lose the last
        // transactions, which for a cache or a run history is a miss or a missing row. It saves an fsync
        // on every commit (about 10 ms per run for the history).
        //
        config.prepareDatabase { db in
            guard try String.fetchOne(db, sql: "PRAGMA journal_mode = WAL") == "wal" else {
                throw DatabaseError(message: "could not turn on write-ahead logging for '\(path)'")
            }
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            if keepLogOnClose, let connection = db.sqliteConnection {
                _ = gate_sqlite_keep_wal_on_close(UnsafeMutableRawPointer(connection))
            }
        }
        let q = try DatabaseQueue(path: path, configuration: config)
        let today = Int(Date().timeIntervalSince1970 / 86400)
        var size = stat()
        let small = stat(path, &size) != 0 || Int64(size.st_size) <= alwaysCheckBelow
        let suspect = access(path + suspectSuffix, F_OK) == 0
        // A damaged file often opens fine and fails on first real use: check now, not mid-run.
        let (full, checkedDay) = try q.read { db -> (Bool, Int) in
            let checkedDay = try Int.fetchOne(db, sql: "PRAGMA user_version") ?? 0
            _ = try Int.fetchOne(db, sql: "SELECT count(*) FROM sqlite_master")
            guard small || suspect || today - checkedDay >= fullCheckEveryDays else { return (false, checkedDay) }
            let result = try String.fetchOne(db, sql: "PRAGMA quick_check") ?? "ok"
            if result != "ok" { throw DatabaseError(resultCode: .SQLITE_CORRUPT, message: result) }
            return (true, checkedDay)
        }
        if full && checkedDay != today {
            try q.writeWithoutTransaction { try $0.execute(sql: "PRAGMA user_version = \(today)") }
        }
        if full && suspect { unlink(path + suspectSuffix) }
        var migrator = DatabaseMigrator()
        for m in migrations { migrator.registerMigration(m.id) { db in try m.apply(db) } }
        try migrator.migrate(q)
        return (q, full)
    }

    private static func isDamage(_ e: DatabaseError) -> Bool {
        [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(e.resultCode) || [.SQLITE_CORRUPT, .SQLITE_NOTADB].contains(e.extendedResultCode)
    }
}
