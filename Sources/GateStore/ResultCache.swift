import Foundation
import GateCore
import GRDB

/// The result cache in `.gate/cache.sqlite`: outcomes by cache key, and the stat cache of input files
/// (size, mtime, ctime, inode, device and XXH3-128 digest by absolute path, hashed when the path holds a
/// credential), so that a warm run reads no
/// input file that did not change. Damage is recovered like every state database: moved aside, rebuilt.
public final class ResultCache: ResultCacheStore {
    public static let fileName = "cache.sqlite"
    /// Results not used, and file digests not refreshed, for this long are dropped when the cache is opened.
    public static let maxAge: TimeInterval = 30 * 24 * 3600

    public let database: StateDatabase

    public static let migrations: [StateDatabase.Migration] = [
        StateDatabase.Migration("cache-v1") { db in
            try db.execute(sql: """
                CREATE TABLE result (
                    key TEXT PRIMARY KEY,
                    check_id TEXT NOT NULL,
                    outcome BLOB NOT NULL,
                    created_at REAL NOT NULL,
                    used_at REAL NOT NULL
                );
                CREATE TABLE input_stat (
                    path TEXT PRIMARY KEY,
                    device INTEGER NOT NULL,
                    inode INTEGER NOT NULL,
                    size INTEGER NOT NULL,
                    mtime_ns INTEGER NOT NULL,
                    ctime_ns INTEGER NOT NULL,
                    digest BLOB NOT NULL,
                    recorded_ns INTEGER NOT NULL
                );
                """)
        },
    ]

    private init(_ database: StateDatabase) { self.database = database }

    /// Opens (creating) the cache in `stateDirectory`. On the opens that check the file in full (see
    /// `StateDatabase`), or when `prune` is set, it also drops entries unused for `maxAge`: both cost time in
    /// proportion to the file, so neither runs on every open.
    public static func open(stateDirectory: String, now: Date = Date(), prune: Bool = false) throws(StateDatabase.Failure)
        -> ResultCache {
        let cache = ResultCache(try StateDatabase.open(directory: stateDirectory, name: fileName, migrations: migrations))
        guard prune || cache.database.checkedFully else { return cache }
        _ = try? cache.database.write { db in
            try db.execute(sql: "DELETE FROM result WHERE used_at < ?",
                           arguments: [now.timeIntervalSince1970 - maxAge])
            // Digests of files nobody has changed in a month are simply read again once: this bounds the
            // table by the files of the last month's inputs.
            try db.execute(sql: "DELETE FROM input_stat WHERE recorded_ns < ?",
                           arguments: [Int64((now.timeIntervalSince1970 - maxAge) * 1e9)])
        }
        return cache
    }

    public func knownFiles(_ paths: [String]) throws -> [String: KnownFile] {
        guard !paths.isEmpty else { return [:] }
        return try database.read { db in
            let statement = try db.cachedStatement(
                sql: "SELECT device, inode, size, mtime_ns, ctime_ns, digest, recorded_ns FROM input_stat WHERE path = ?")
            var out: [String: KnownFile] = [:]
            for p in paths {
                guard let r = try Row.fetchOne(statement, arguments: [Redactor.shapesOnly.storageKey(p)]) else { continue }
                let digest: Data = r[5]
                out[p] = KnownFile(
                    device: UInt64(bitPattern: r[0]), inode: UInt64(bitPattern: r[1]), size: r[2], mtimeNs: r[3],
                    ctimeNs: r[4], digest: [UInt8](digest), recordedNs: r[6])
            }
            return out
        }
    }

    public func remember(_ files: [String: KnownFile]) throws {
        try database.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT OR REPLACE INTO input_stat(path, device, inode, size, mtime_ns, ctime_ns, digest, recorded_ns)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """)
            for (path, f) in files.sorted(by: { $0.key < $1.key }) {
                try insert.execute(arguments: [
                    Redactor.shapesOnly.storageKey(path), Int64(bitPattern: f.device), Int64(bitPattern: f.inode), f.size, f.mtimeNs, f.ctimeNs,
                    Data(f.digest), f.recordedNs,
                ])
            }
        }
    }

    public func outcome(forKey key: String) throws -> CachedOutcome? {
        let data = try database.write { db -> Data? in
            let d = try Data.fetchOne(db, sql: "SELECT outcome FROM result WHERE key = ?", arguments: [key])
            if d != nil {
                try db.execute(sql: "UPDATE result SET used_at = ? WHERE key = ?",
                               arguments: [Date().timeIntervalSince1970, key])
            }
            return d
        }
        // An entry that no longer decodes (written by another build) is a miss, not an error.
        return data.flatMap { try? Self.decoder.decode(CachedOutcome.self, from: $0) }
    }

    public func save(_ outcome: CachedOutcome, key: String, checkID: String) throws {
        let data = try Self.encoder.encode(outcome)
        let now = Date().timeIntervalSince1970
        try database.write { db in
            try db.execute(
                sql: "INSERT OR REPLACE INTO result(key, check_id, outcome, created_at, used_at) VALUES (?, ?, ?, ?, ?)",
                arguments: [key, checkID, data, now, now])
        }
    }

    /// Entries and stat records, for `gate cache` style reporting and tests.
    public func counts() throws -> (results: Int, files: Int) {
        try database.read { db in
            (try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM result") ?? 0,
             try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM input_stat") ?? 0)
        }
    }

    private static var encoder: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }

    private static var decoder: JSONDecoder { JSONDecoder() }
}
