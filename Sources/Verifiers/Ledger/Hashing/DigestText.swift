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
            var k = 0
            while k < body.count {
                guard let hi = JSONStrings.hexValue(body[k]), let lo = JSONStrings.hexValue(body[k + 1]) else { return false }
                out.append(UInt8(hi << 4 | lo))
                k += 2
            }
            return true
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
