import Foundation

/// A column value or a bound parameter, the same for every engine.
///
/// SQLite hands over its five storage classes as they are. PostgreSQL values are decoded by column type:
/// `bool` → `.bool`, `int2`/`int4`/`int8`/`oid` → `.integer`, `float4`/`float8` → `.real`, `bytea` →
/// `.blob`, everything else (`numeric`, `timestamptz` in ISO form at UTC, `uuid`, `jsonb`, arrays) → `.text`
/// exactly as the server prints it, so nothing is rounded.
public enum SQLValue: Sendable, Equatable, Hashable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case blob([UInt8])
    case bool(Bool)

    public var isNull: Bool { self == .null }

    /// Text as stored; numbers and booleans rendered; nil for NULL and blobs.
    public var text: String? {
        switch self {
        case .text(let s): s
        case .integer(let i): String(i)
        case .real(let d): String(d)
        case .bool(let b): b ? "true" : "false"
        case .null, .blob: nil
        }
    }

    /// An integer, also from integral reals, booleans (1/0) and decimal text; nil otherwise.
    public var int: Int64? {
        switch self {
        case .integer(let i): i
        case .real(let d): d.isFinite && d == d.rounded() ? Int64(exactly: d) : nil
        case .text(let s): Int64(s.trimmingCharacters(in: .whitespaces))
        case .bool(let b): b ? 1 : 0
        case .null, .blob: nil
        }
    }

    /// Booleans as SQLite (0/1) and PostgreSQL (`t`/`f`, true/false) store them.
    public var bool: Bool? {
        switch self {
        case .bool(let b): b
        case .integer(let i): i != 0
        case .real(let d): d != 0
        case .text(let s):
            switch s.lowercased() {
            case "1", "t", "true", "y", "yes", "on": true
            case "0", "f", "false", "n", "no", "off": false
            default: nil
            }
        case .null, .blob: nil
        }
    }

    /// Bytes of a blob, or the UTF-8 of text.
    public var bytes: [UInt8]? {
        switch self {
        case .blob(let b): b
        case .text(let s): Array(s.utf8)
        default: nil
        }
    }

    /// How examples in messages show the value: `NULL`, numbers and text as they are, blobs as at most 16
    /// bytes of hex (`x'00ff…'`).
    public var display: String {
        switch self {
        case .null: "NULL"
        case .blob(let b):
            "x'" + b.prefix(16).map { String(format: "%02x", $0) }.joined() + (b.count > 16 ? "…'" : "'")
        default: text ?? ""
        }
    }
}
