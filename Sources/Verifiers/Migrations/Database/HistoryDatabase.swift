import Foundation
import GateCore

/// A value read from a history table, independent of the database engine.
enum SQLValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])

    var isNull: Bool { self == .null }

    /// Text as stored; numbers rendered; nil for NULL and blobs.
    var text: String? {
        switch self {
        case .text(let s): s
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .null, .blob: nil
        }
    }

    var int: Int64? {
        switch self {
        case .integer(let i): i
        case .real(let d): d.isFinite && d == d.rounded() ? Int64(exactly: d) : nil
        case .text(let s): Int64(s.trimmingCharacters(in: .whitespaces))
        case .null, .blob: nil
        }
    }

    /// Booleans as SQLite (0/1) and PostgreSQL ('t'/'f', true/false) store them.
    var bool: Bool? {
        switch self {
        case .integer(let i): i != 0
        case .real(let d): d != 0
        case .text(let s):
            switch s.lowercased() {
            case "1", "t", "true", "y", "yes": true
            case "0", "f", "false", "n", "no": false
            default: nil
            }
        case .null, .blob: nil
        }
    }

    var bytes: [UInt8]? {
        switch self {
        case .blob(let b): b
        case .text(let s): Array(s.utf8)
        default: nil
        }
    }
}

/// One history row: column name to value.
struct HistoryRow: Sendable {
    var values: [String: SQLValue]

    subscript(_ column: String) -> SQLValue { values[column] ?? .null }
}

/// Read-only access to the database that holds a tool's history table.
///
/// The checks see only this protocol and `ScratchDatabase`. SQLite (through GRDB) is the backend today;
/// a PostgreSQL backend implements the same few calls (list tables and columns, select rows, make a
/// scratch copy with `CREATE DATABASE ... TEMPLATE`) without touching the checks or the formats.
protocol HistoryDatabase: Sendable {
    /// How messages name it, relative to the check's root: `'build/history.sqlite'`.
    var displayName: String { get }
    func tableNames() throws(VerifierError) -> Set<String>
    func columns(of table: String) throws(VerifierError) -> [String]
    /// Every row of `table` with the given columns, ordered by `orderBy` (ascending).
    func rows(of table: String, columns: [String], orderBy: [String]) throws(VerifierError) -> [HistoryRow]
    /// A private, writable copy for the dry run, made in `directory`; the original is never written.
    func scratchCopy(in directory: String) throws(VerifierError) -> any ScratchDatabase
}

/// What applying one migration to a scratch database did.
struct ApplyOutcome: Sendable {
    /// The failing statement's index and the engine's message.
    var failure: (statement: Int?, message: String)?
    var interrupted = false
    var duration: Duration
}

/// A throwaway writable database the dry run applies pending migrations to.
protocol ScratchDatabase: AnyObject, Sendable {
    /// Runs `statements` in order, inside one transaction unless `transactional` is false, and stops at
    /// the first error (rolling the transaction back).
    func apply(_ statements: [SQLStatement], transactional: Bool) -> ApplyOutcome
    /// Stops the running statement from another thread (a timeout or Ctrl-C).
    func interrupt()
    /// Removes the copy.
    func discard()
}

extension HistoryDatabase {
    /// Fails with a clear message when `table` lacks a column the format needs.
    func requireColumns(_ needed: [String], in table: String) throws(VerifierError) {
        let have = Set(try columns(of: table).map { $0.lowercased() })
        let missing = needed.filter { !have.contains($0.lowercased()) }
        guard missing.isEmpty else {
            throw VerifierError("the history table '\(table)' in \(displayName) has no column "
                + missing.map { "'\($0)'" }.joined(separator: ", ")
                + "; is 'format' right, or was the table made by another tool or version?")
        }
    }
}
