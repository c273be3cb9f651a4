import Foundation

/// The byte-level checks a candidate secret must pass: entropy, checksums and JWT headers.
enum SecretChecks {
    /// Shannon entropy in bits per byte.
    static func entropy(_ s: UnsafeBufferPointer<UInt8>) -> Double {
        guard !s.isEmpty else { return 0 }
        return withUnsafeTemporaryAllocation(of: Int32.self, capacity: 256) { counts in
            counts.initialize(repeating: 0)
            for b in s { counts[Int(b)] &+= 1 }
            let n = Double(s.count)
            var h = 0.0
            for c in counts where c > 0 {
                let p = Double(c) / n
                h -= p * log2(p)
            }
            return h
        }
    }

    // MARK: CRC32 in base62 (GitHub and npm tokens)

    private static let crcTable: [UInt32] = (0..<256).map { i -> UInt32 in
        var c = UInt32(i)
        for _ in 0..<8 { c = c & 1 != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    /// CRC-32 (IEEE 802.3, as zlib computes it).
    static func crc32(_ bytes: some Sequence<UInt8>) -> UInt32 {
        var c: UInt32 = 0xFFFF_FFFF
        for b in bytes { c = crcTable[Int((c ^ UInt32(b)) & 0xFF)] ^ (c >> 8) }
        return c ^ 0xFFFF_FFFF
    }

    static let base62Alphabet = Array("0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz".utf8)

    /// `value` in base62, left-padded with '0' to `width` characters.
    static func base62(_ value: UInt32, width: Int = 6) -> [UInt8] {
        var v = UInt64(value)
        var out: [UInt8] = []
        while v > 0 {
            out.append(base62Alphabet[Int(v % 62)])
            v /= 62
        }
        while out.count < width { out.append(UInt8(ascii: "0")) }
        return out.reversed()
    }

    static func base62Value(_ b: UInt8) -> UInt64? {
        switch b {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): UInt64(b - UInt8(ascii: "0"))
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): UInt64(b - UInt8(ascii: "A") + 10)
        case UInt8(ascii: "a")...UInt8(ascii: "z"): UInt64(b - UInt8(ascii: "a") + 36)
        default: nil
        }
    }

    /// GitHub's token layout (also npm's): the part after the last `_` ends with six base62 characters
    /// that encode the CRC32 of the characters before them in that part.
    static func crc32Base62Valid(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        let underscore = token.lastIndex(of: UInt8(ascii: "_")).map { $0 + 1 } ?? 0
        let part = UnsafeBufferPointer(rebasing: token[underscore...])
        guard part.count > 6 else { return false }
        var encoded: UInt64 = 0
        for b in part[(part.count - 6)...] {
            guard let v = base62Value(b) else { return false }
            encoded = encoded * 62 + v
        }
        return encoded == UInt64(crc32(part[..<(part.count - 6)]))
    }

    // MARK: JWT

    /// True when the first dot-separated part decodes (base64url) to a JSON object with a string `alg`, and
    /// the second (the claims) to a JSON object: a token cut short or corrupted is no usable credential.
    static func jwtHeaderValid(_ token: UnsafeBufferPointer<UInt8>) -> Bool {
        let parts = token.split(separator: UInt8(ascii: "."), maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count >= 2, let header = jsonObject(parts[0]), header["alg"] is String else { return false }
        return jsonObject(parts[1]) != nil
    }

    private static func jsonObject(_ part: some Collection<UInt8>) -> [String: Any]? {
        guard let json = base64URLDecode(part) else { return nil }
        return try? JSONSerialization.jsonObject(with: Data(json)) as? [String: Any]
    }

    static func base64URLDecode(_ bytes: some Collection<UInt8>) -> [UInt8]? {
        var s = String(decoding: bytes, as: UTF8.self)
        s = s.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while s.count % 4 != 0 { s += "=" }
        return Data(base64Encoded: s).map { Array($0) }
    }
}
