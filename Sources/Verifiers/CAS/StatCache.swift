import ContentHash
import Foundation
import GateStore
import GRDB

/// The stat cache: objects whose (path, device, inode, size, mtime_ns, ctime_ns) are unchanged since they
/// last verified are not hashed again.
///
/// It lives in SQLite under the state directory (`cas-cache.sqlite`), one row per walked directory and
/// scope (store, layout, algorithm). A row holds that directory's records packed as fixed-size binary,
/// sorted by inode, because loading and comparing 200,000 separate rows costs more than the whole
/// incremental re-verify is allowed to take. A directory's row is rewritten only when one of its records
/// changed, so an unchanged store writes nothing.
final class StatCacheDB: Sendable {
    let database: StateDatabase
    let scope: String

    static let migrations = [
        StateDatabase.Migration("cas-stat-v1") { db in
            try db.execute(sql: """
                CREATE TABLE cas_stat_segment(
                    scope TEXT NOT NULL, dir TEXT NOT NULL, records BLOB NOT NULL,
                    PRIMARY KEY(scope, dir)) WITHOUT ROWID
                """)
        },
    ]

    init(stateDirectory: String, scope: String) throws(StateDatabase.Failure) {
        database = try StateDatabase.open(directory: stateDirectory, name: "cas-cache.sqlite", migrations: Self.migrations)
        self.scope = scope
    }

    /// Every directory's packed records for this scope.
    func load() throws -> [String: [UInt8]] {
        try database.read { db in
            var out: [String: [UInt8]] = [:]
            let rows = try Row.fetchCursor(db, sql: "SELECT dir, records FROM cas_stat_segment WHERE scope = ?",
                                           arguments: [scope])
            while let row = try rows.next() {
                let dir: String = row[0]
                let data: Data = row[1]
                out[dir] = [UInt8](data)
            }
            return out
        }
    }

    func save(changed: [String: [UInt8]], removed: [String]) throws {
        guard !changed.isEmpty || !removed.isEmpty else { return }
        try database.write { db in
            for dir in removed {
                try db.execute(sql: "DELETE FROM cas_stat_segment WHERE scope = ? AND dir = ?", arguments: [scope, dir])
            }
            let insert = try db.makeStatement(
                sql: "INSERT OR REPLACE INTO cas_stat_segment(scope, dir, records) VALUES (?, ?, ?)")
            for (dir, bytes) in changed {
                try insert.execute(arguments: [scope, dir, Data(bytes)])
            }
        }
    }
}

/// One directory's records: `inode, nameHash, device, size, mtime_ns, ctime_ns` (8 bytes each, little
/// endian) then the digest, sorted by inode and name hash.
struct CacheSegment {
    static let header = 48
    let bytes: [UInt8]
    let recordSize: Int

    var count: Int { bytes.count / recordSize }

    init(bytes: [UInt8], digestLength: Int) {
        recordSize = Self.header + digestLength
        self.bytes = bytes.count % recordSize == 0 ? bytes : []
    }

    private func word(_ record: Int, _ field: Int) -> UInt64 {
        bytes.withUnsafeBytes { UInt64(littleEndian: $0.loadUnaligned(fromByteOffset: record * recordSize + field * 8, as: UInt64.self)) }
    }

    /// The index of the record for this inode and name, if any.
    func find(inode: UInt64, nameHash: UInt64) -> Int? {
        let size = recordSize, n = count
        return bytes.withUnsafeBytes { b -> Int? in
            func word(_ record: Int, _ field: Int) -> UInt64 {
                UInt64(littleEndian: b.loadUnaligned(fromByteOffset: record * size + field * 8, as: UInt64.self))
            }
            var lo = 0, hi = n
            while lo < hi {
                let mid = (lo + hi) / 2
                if word(mid, 0) < inode { lo = mid + 1 } else { hi = mid }
            }
            var i = lo
            while i < n && word(i, 0) == inode {
                if word(i, 1) == nameHash { return i }
                i += 1
            }
            return nil
        }
    }

    func matches(_ i: Int, _ s: FileStat) -> Bool {
        word(i, 2) == s.device && word(i, 3) == UInt64(bitPattern: s.size) && word(i, 4) == UInt64(bitPattern: s.mtimeNs)
            && word(i, 5) == UInt64(bitPattern: s.ctimeNs)
    }

    /// Record `i` as stored.
    func record(_ i: Int) -> ArraySlice<UInt8> { bytes[(i * recordSize)..<((i + 1) * recordSize)] }

    func digest(_ i: Int) -> ArraySlice<UInt8> {
        let start = i * recordSize + Self.header
        return bytes[start..<(start + recordSize - Self.header)]
    }

    /// Packs records and sorts them, so that equal content gives equal bytes.
    static func pack(_ raw: [UInt8], recordSize: Int) -> [UInt8] {
        let n = raw.count / recordSize
        guard n > 1 else { return raw }
        let keys: [(UInt64, UInt64, Int)] = raw.withUnsafeBytes { b in
            (0..<n).map { i in
                (UInt64(littleEndian: b.loadUnaligned(fromByteOffset: i * recordSize, as: UInt64.self)),
                 UInt64(littleEndian: b.loadUnaligned(fromByteOffset: i * recordSize + 8, as: UInt64.self)), i)
            }
        }
        var out = [UInt8]()
        out.reserveCapacity(raw.count)
        for k in keys.sorted(by: { ($0.0, $0.1) < ($1.0, $1.1) }) {
            out.append(contentsOf: raw[(k.2 * recordSize)..<((k.2 + 1) * recordSize)])
        }
        return out
    }

    /// Appends one record; the digest is zero-padded to `length` (stores with mixed algorithms).
    static func append(to out: inout [UInt8], nameHash: UInt64, stat s: FileStat, digest: [UInt8], length: Int) {
        append(to: &out, nameHash: nameHash, stat: s, digest: digest[...], length: length)
    }

    static func append(to out: inout [UInt8], nameHash: UInt64, stat s: FileStat, digest: ArraySlice<UInt8>,
                       length: Int) {
        func word(_ w: UInt64) { withUnsafeBytes(of: w.littleEndian) { out.append(contentsOf: $0) } }
        word(s.inode)
        word(nameHash)
        word(s.device)
        word(UInt64(bitPattern: s.size))
        word(UInt64(bitPattern: s.mtimeNs))
        word(UInt64(bitPattern: s.ctimeNs))
        out.append(contentsOf: digest.prefix(length))
        if digest.count < length { out.append(contentsOf: repeatElement(0, count: length - digest.count)) }
    }
}

/// Per-directory cache state shared by the workers that visit its chunks.
final class DirectoryCacheState {
    let old: CacheSegment?
    /// Records written since the last run (new or changed objects).
    var fresh: [UInt8] = []
    /// Indices of `old` records that still describe their object.
    var hits: [Int32] = []

    init(old: CacheSegment?) { self.old = old }
}
