/// How digests are written in the ledger (`encoding:` and `prefix:`): hex (either case read, lowercase
/// written), base64 or base64url (padding optional when read), with an optional prefix such as `sha256:`.
struct DigestText: Sendable, Equatable {
    enum Encoding: String, CaseIterable, Sendable {
        case hex, base64, base64url
    }

    var encoding: Encoding
    /// Written before every digest; required on each stored value when set.
    var prefix: [UInt8]

    init(encoding: Encoding, prefix: String = "") {
        self.encoding = encoding
        self.prefix = Array(prefix.utf8)
    }

    /// The text of `bytes` as the ledger writes it, prefix included.
    func encode(_ bytes: [UInt8]) -> String {
        var out = prefix
        switch encoding {
        case .hex:
            let digits = Array("0123456789abcdef".utf8)
            for b in bytes { out.append(digits[Int(b >> 4)]); out.append(digits[Int(b & 15)]) }
        case .base64, .base64url:
            out += Base64.encode(bytes, url: encoding == .base64url)
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Decodes a stored value (prefix, then digits) and appends the bytes to `out`. False when the text
    /// lacks the prefix or is not valid in the encoding; `out` may then hold a partial value.
    func decode(_ text: UnsafeBufferPointer<UInt8>, into out: inout [UInt8]) -> Bool {
        guard text.count >= prefix.count else { return false }
        for k in 0..<prefix.count where text[k] != prefix[k] { return false }
        let body = UnsafeBufferPointer(rebasing: text[prefix.count...])
        switch encoding {
        case .hex:
            guard body.count % 2 == 0 else { return false }
            let start = out.count
            out.append(contentsOf: repeatElement(0, count: body.count / 2))
            return out.withUnsafeMutableBufferPointer { Hex.decode(body, into: UnsafeMutableBufferPointer(rebasing: $0[start...])) }
        case .base64, .base64url:
            return Base64.decode(body, url: encoding == .base64url, into: &out)
        }
    }

    func decode(_ text: String) -> [UInt8]? {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        let ok = bytes.withUnsafeBufferPointer { decode($0, into: &out) }
        return ok ? out : nil
    }
}

/// Hex for digests: lowercase when written (Merkle hashes in checkpoints and findings); read through a
/// 256-entry table, one load per digit and one validity check per value (a branch per digit took a tenth
/// of a full verify's CPU time).
enum Hex {
    static func encode(_ bytes: [UInt8]) -> String { DigestText(encoding: .hex).encode(bytes) }

    /// Each byte's value as a hex digit (either case), 0x10 for bytes that are not hex digits.
    static let nibbles: [UInt8] = (0...255).map { c in
        switch UInt8(c) {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt8(c) - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): UInt8(c) - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): UInt8(c) - UInt8(ascii: "A") + 10
        default: 0x10
        }
    }

    /// Decodes `2 * out.count` digits of `text`; false when any of them is not a hex digit.
    @inline(__always)
    static func decode(_ text: UnsafeBufferPointer<UInt8>, into out: UnsafeMutableBufferPointer<UInt8>) -> Bool {
        precondition(text.count >= 2 * out.count)
        return nibbles.withUnsafeBufferPointer { t in
            var bad: UInt8 = 0
            for k in 0..<out.count {
                let hi = t[Int(text[2 * k])], lo = t[Int(text[2 * k + 1])]
                bad |= hi | lo
                out[k] = hi << 4 | (lo & 15)
            }
            return bad & 0x10 == 0
        }
    }
}

/// RFC 4648 base64 and base64url.
enum Base64 {
    private static let standard = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
    private static let urlSafe = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// Standard base64 is written padded; base64url without padding (as JWS and most logs write it).
    static func encode(_ bytes: [UInt8], url: Bool) -> [UInt8] {
        let table = url ? urlSafe : standard
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count + 2) / 3 * 4)
        var i = 0
        while i + 2 < bytes.count {
            let v = UInt32(bytes[i]) << 16 | UInt32(bytes[i + 1]) << 8 | UInt32(bytes[i + 2])
            out += [table[Int(v >> 18 & 63)], table[Int(v >> 12 & 63)], table[Int(v >> 6 & 63)], table[Int(v & 63)]]
            i += 3
        }
        let rest = bytes.count - i
        if rest > 0 {
            let v = UInt32(bytes[i]) << 16 | (rest == 2 ? UInt32(bytes[i + 1]) << 8 : 0)
            out += [table[Int(v >> 18 & 63)], table[Int(v >> 12 & 63)]]
            if rest == 2 { out.append(table[Int(v >> 6 & 63)]) }
            if !url { out += Array(repeating: UInt8(ascii: "="), count: 3 - rest) }
        }
        return out
    }

    private static func value(_ c: UInt8, url: Bool) -> UInt32? {
        switch c {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt32(c - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt32(c - UInt8(ascii: "a") + 26)
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt32(c - UInt8(ascii: "0") + 52)
        case UInt8(ascii: "+") where !url: 62
        case UInt8(ascii: "/") where !url: 63
        case UInt8(ascii: "-") where url: 62
        case UInt8(ascii: "_") where url: 63
        default: nil
        }
    }

    static func decode(_ text: UnsafeBufferPointer<UInt8>, url: Bool, into out: inout [UInt8]) -> Bool {
        var n = text.count
        while n > 0, text[n - 1] == UInt8(ascii: "=") { n -= 1 }
        guard text.count - n <= 2, n % 4 != 1 else { return false }
        if text.count != n, text.count % 4 != 0 { return false }
        var acc: UInt32 = 0
        var bits = 0
        for k in 0..<n {
            guard let v = value(text[k], url: url) else { return false }
            acc = acc << 6 | v
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        // Leftover bits must be zero (a canonical encoding), or two texts would decode to one digest.
        return acc & ((1 << UInt32(bits)) - 1) == 0
    }

    static func decode(_ text: String, url: Bool) -> [UInt8]? {
        var out: [UInt8] = []
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBufferPointer { decode($0, url: url, into: &out) } ? out : nil
    }
}
