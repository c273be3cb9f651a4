import CLibPQ
import ContentHash
import Foundation

/// Text-format values in and out of libpq: parameters are sent as text (the server infers their types
/// from the statement), and results are decoded by column type OID (catalog/pg_type.dat).
enum PostgresValues {
    static let bool: Oid = 16, bytea: Oid = 17, int8: Oid = 20, int2: Oid = 21, int4: Oid = 23, oid: Oid = 26
    static let float4: Oid = 700, float8: Oid = 701

    static func parameter(_ v: SQLValue) -> String? {
        switch v {
        case .null: nil
        case .integer(let i): String(i)
        case .real(let d): d.isNaN ? "NaN" : d.isInfinite ? (d < 0 ? "-Infinity" : "Infinity") : String(d)
        case .text(let s): s
        case .blob(let b): "\\x" + Hex.encode(b)
        case .bool(let b): b ? "t" : "f"
        }
    }

    static func columnNames(_ result: OpaquePointer) -> ColumnNames {
        ColumnNames((0..<PQnfields(result)).map { PQfname(result, $0).map { String(cString: $0) } ?? "?column?" })
    }

    static func row(_ result: OpaquePointer, _ index: Int32) -> [SQLValue] {
        (0..<PQnfields(result)).map { column in
            guard PQgetisnull(result, index, column) == 0, let raw = PQgetvalue(result, index, column) else { return .null }
            let bytes = UnsafeRawBufferPointer(start: raw, count: Int(PQgetlength(result, index, column))).bindMemory(to: UInt8.self)
            return decode(PQftype(result, column), bytes)
        }
    }

    static func decode(_ type: Oid, _ bytes: UnsafeBufferPointer<UInt8>) -> SQLValue {
        let text = String(decoding: bytes, as: UTF8.self)
        switch type {
        case bool: return .bool(text == "t")
        case int2, int4, int8, oid: return Int64(text).map(SQLValue.integer) ?? .text(text)
        case float4, float8: return Double(text).map(SQLValue.real) ?? .text(text)
        // bytea_output = hex, which every session of the layer sets: `\x0a1b…`.
        case bytea where text.hasPrefix("\\x"): return Hex.decode(text.dropFirst(2)).map(SQLValue.blob) ?? .text(text)
        default: return .text(text)
        }
    }
}
