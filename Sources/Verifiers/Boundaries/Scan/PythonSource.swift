import GateCore
import Glibc

/// Python source bytes read the way grimp 3.20 (import-linter's engine) reads them, as UTF-8:
/// a leading byte-order mark is dropped, and a PEP 263 coding declaration on line 1 or 2
/// (`# -*- coding: latin-1 -*-`, `# vim: set fileencoding=cp1252 :`) selects the codec.
///
/// As in grimp's `RealBasicFileSystem::read` (rust/src/filesystem.rs): the declaration is matched by
/// `^[ \t\f]*#.*?coding[:=][ \t]*([-_.a-zA-Z0-9]+)`; names are compared lower-cased with `_` as `-`;
/// `latin-1`, `iso-8859-1`, `iso-latin-1` (and their `-suffix` spellings) map each byte to its code
/// point and never fail; `utf-8` spellings decode strictly; any other name goes to the C library's iconv
/// (grimp uses encoding_rs's WHATWG labels; both know the common codecs). An unknown codec, or bytes
/// the codec rejects, make the file undecodable.
enum PythonSource {
    enum Decoded: Equatable {
        case text([UInt8])
        /// Why the file cannot be read: the codec and what went wrong.
        case undecodable(String)
    }

    static func decode(_ bytes: [UInt8]) -> Decoded {
        if bytes.count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF {
            let rest = Array(bytes[3...])
            return isUTF8(rest) ? .text(rest) : .undecodable("not UTF-8 after its byte-order mark")
        }
        guard let name = declaredCoding(bytes) else {
            return isUTF8(bytes) ? .text(bytes) : .undecodable("not UTF-8 and no coding declaration")
        }
        let normalized = String(name.lowercased().map { $0 == "_" ? "-" : $0 })
        func spelling(of canonical: String) -> Bool { normalized == canonical || normalized.hasPrefix(canonical + "-") }
        if ["latin-1", "iso-8859-1", "iso-latin-1", "latin1", "l1", "iso8859-1"].contains(where: spelling) {
            return .text(latin1(bytes))
        }
        if spelling(of: "utf-8") || normalized == "utf8" {
            return isUTF8(bytes) ? .text(bytes) : .undecodable("not valid '\(name)'")
        }
        // WHATWG (and so grimp) reads ASCII declarations as Windows-1252.
        let codec = ["ascii", "us-ascii", "646"].contains(normalized) ? "CP1252" : name
        return iconvDecode(bytes, from: codec) ?? iconvDecode(bytes, from: normalized)
            ?? .undecodable("unknown encoding '\(name)'")
    }

    /// The codec named on line 1 or 2, as grimp's `ENCODING_RE` finds it.
    static func declaredCoding(_ b: [UInt8]) -> String? {
        var start = 0
        for _ in 0..<2 where start < b.count {
            var end = start
            while end < b.count && b[end] != 0x0A { end += 1 }
            if let name = coding(in: b[start..<end]) { return name }
            start = end + 1
        }
        return nil
    }

    private static func coding(in line: ArraySlice<UInt8>) -> String? {
        var k = line.startIndex
        while k < line.endIndex && (line[k] == 0x20 || line[k] == 0x09 || line[k] == 0x0C) { k += 1 }
        guard k < line.endIndex, line[k] == UInt8(ascii: "#") else { return nil }
        let word = Array("coding".utf8)
        var i = k + 1
        while i + word.count < line.endIndex {
            if line[i..<(i + word.count)].elementsEqual(word), line[i + word.count] == UInt8(ascii: ":") || line[i + word.count] == UInt8(ascii: "=") {
                var j = i + word.count + 1
                while j < line.endIndex && (line[j] == 0x20 || line[j] == 0x09) { j += 1 }
                var e = j
                while e < line.endIndex, isCodecChar(line[e]) { e += 1 }
                if e > j { return String(decoding: line[j..<e], as: UTF8.self) }
            }
            i += 1
        }
        return nil
    }

    private static func isCodecChar(_ c: UInt8) -> Bool {
        (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x2D || c == 0x5F || c == 0x2E
    }

    static func isUTF8(_ b: [UInt8]) -> Bool {
        b.withUnsafeBufferPointer { UTF8Validation.firstInvalidOffset($0) == nil }
    }

    static func latin1(_ b: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(b.count + b.count / 8)
        for c in b {
            if c < 0x80 { out.append(c) } else { out.append(0xC0 | c >> 6); out.append(0x80 | c & 0x3F) }
        }
        return out
    }

    /// Converts to UTF-8 with iconv; nil when iconv does not know the codec.
    static func iconvDecode(_ b: [UInt8], from codec: String) -> Decoded? {
        convert(b, from: codec, to: "UTF-8").map { $0.map(Decoded.text) ?? .undecodable("not valid '\(codec)'") }
    }

    /// Converts between two codecs with iconv: nil when iconv does not know one of them, `.some(nil)`
    /// when the bytes are not valid in `from` (or cannot be written in `to`).
    static func convert(_ b: [UInt8], from: String, to: String) -> [UInt8]?? {
        let cd = iconv_open(to, from)
        guard cd != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        var input = b
        var out = [UInt8](repeating: 0, count: b.count * 4 + 16)
        var inLeft = input.count, outLeft = out.count
        let result = input.withUnsafeMutableBufferPointer { ib in
            out.withUnsafeMutableBufferPointer { ob -> Int in
                var ip: UnsafeMutablePointer<CChar>? = ib.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
                var op: UnsafeMutablePointer<CChar>? = ob.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: CChar.self) }
                return iconv(cd, &ip, &inLeft, &op, &outLeft)
            }
        }
        guard result != -1, inLeft == 0 else { return .some(nil) }
        out.removeLast(outLeft)
        return .some(out)
    }
}
