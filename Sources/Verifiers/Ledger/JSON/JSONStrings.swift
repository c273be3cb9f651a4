import Foundation
import GateCore

/// Byte-level helpers for JSON strings in a record line: UTF-8 sequence checks, escape decoding to
/// Unicode scalars or UTF-16 code units, and raw comparison of keys written without escapes.
enum JSONStrings {
    static func hexValue(_ c: UInt8) -> UInt32? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt32(c - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt32(c - UInt8(ascii: "A") + 10)
        default: nil
        }
    }

    @inline(__always)
    static func isHex(_ c: UInt8) -> Bool { Hex.nibbles[Int(c)] < 16 }

    static func hex2(_ c: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(c >> 4)], digits[Int(c & 15)]])
    }

    /// Calls `body` with each Unicode scalar value of a string node, escapes decoded. A `\u` surrogate
    /// pair becomes one scalar; a lone surrogate is passed through as its value (0xD800...0xDFFF) so that
    /// the caller decides (RFC 8785 refuses it; the as-written forms never decode).
    @inline(__always)
    static func forEachScalar(_ b: UnsafeBufferPointer<UInt8>, _ node: JSONNode, _ body: (UInt32) -> Void) {
        var i = node.start + 1
        let end = node.end - 1
        while i < end {
            let c = b[i]
            if c == UInt8(ascii: "\\") {
                let e = b[i + 1]
                switch e {
                case UInt8(ascii: "b"): body(0x08); i += 2
                case UInt8(ascii: "f"): body(0x0C); i += 2
                case UInt8(ascii: "n"): body(0x0A); i += 2
                case UInt8(ascii: "r"): body(0x0D); i += 2
                case UInt8(ascii: "t"): body(0x09); i += 2
                case UInt8(ascii: "u"):
                    let unit = hex4(b, i + 2)
                    i += 6
                    if unit >= 0xD800 && unit <= 0xDBFF, i + 5 < end, b[i] == UInt8(ascii: "\\"),
                       b[i + 1] == UInt8(ascii: "u") {
                        let low = hex4(b, i + 2)
                        if low >= 0xDC00 && low <= 0xDFFF {
                            body(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00))
                            i += 6
                            continue
                        }
                    }
                    body(unit)
                default: body(UInt32(e)); i += 2
                }
                continue
            }
            if c < 0x80 { body(UInt32(c)); i += 1; continue }
            let length = c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2
            var scalar = UInt32(c) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
            for k in 1..<length { scalar = scalar << 6 | UInt32(b[i + k] & 0x3F) }
            body(scalar)
            i += length
        }
    }

    private static func hex4(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> UInt32 {
        var v: UInt32 = 0
        for k in 0..<4 { v = v << 4 | UInt32(Hex.nibbles[Int(b[at + k])] & 15) }
        return v
    }

    /// The string's UTF-16 code units (RFC 8785 sorts keys by these).
    static func utf16(_ b: UnsafeBufferPointer<UInt8>, _ node: JSONNode, into out: inout [UInt16]) {
        out.removeAll(keepingCapacity: true)
        forEachScalar(b, node) { s in
            if s >= 0x10000 {
                let v = s - 0x10000
                out.append(UInt16(0xD800 + (v >> 10)))
                out.append(UInt16(0xDC00 + (v & 0x3FF)))
            } else {
                out.append(UInt16(s))
            }
        }
    }

    /// The decoded string, for messages and field values (a lone surrogate becomes U+FFFD).
    static func decode(_ b: UnsafeBufferPointer<UInt8>, _ node: JSONNode) -> String {
        var s = String.UnicodeScalarView()
        forEachScalar(b, node) { s.append(UnicodeScalar($0) ?? "\u{FFFD}") }
        return String(s)
    }

    /// Compares two unescaped ASCII strings by their bytes.
    @inline(__always)
    static func compareRaw(_ b: UnsafeBufferPointer<UInt8>, _ x: JSONNode, _ y: JSONNode) -> Int {
        let lx = x.end - x.start - 2, ly = y.end - y.start - 2
        let n = min(lx, ly)
        if n > 0, let base = b.baseAddress {
            let c = memcmp(base + x.start + 1, base + y.start + 1, n)
            if c != 0 { return c < 0 ? -1 : 1 }
        }
        return lx == ly ? 0 : (lx < ly ? -1 : 1)
    }

    /// True when the string node's decoded value is `name`.
    @inline(__always)
    static func equals(_ b: UnsafeBufferPointer<UInt8>, _ node: JSONNode, _ name: [UInt8]) -> Bool {
        if !node.escaped {
            guard node.end - node.start - 2 == name.count else { return false }
            var k = 0
            while k < name.count {
                if b[node.start + 1 + k] != name[k] { return false }
                k += 1
            }
            return true
        }
        return Array(decode(b, node).utf8) == name
    }
}
