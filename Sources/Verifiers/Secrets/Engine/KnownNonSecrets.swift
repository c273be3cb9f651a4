/// Values that look random but are known not to be secrets: identifiers, digests, integrity hashes,
/// public keys, documented example keys and placeholders. Every rule's candidates pass through these
/// checks, so a UUID or a git SHA is never a finding whatever the rule.
enum KnownNonSecrets {
    /// Why `secret` (at `start` in `buffer`) is not a secret, or nil when it may be one.
    static func reason(_ secret: UnsafeBufferPointer<UInt8>, in buffer: UnsafeBufferPointer<UInt8>, at start: Int,
                       allowHex: Bool, allowUUID: Bool = false, allowRuns: Bool = false) -> String? {
        if !allowUUID && isUUID(secret) { return "a UUID" }
        if !allowHex && isHex(secret) { return "a hex digest" }
        if contains(secret, "EXAMPLE") { return "a documented example key" }
        // Long secrets (key blocks) are base64 bodies where short runs and words occur by chance.
        let short = secret.count <= 128
        if let p = placeholder(secret, words: short) { return p }
        if short && !allowRuns && hasRun(secret) { return "a run of repeated or sequential characters" }
        if hasPrefix(secret, publicKeyPrefixes) { return "a public key" }
        if hasPrefix(secret, ["pk_live_", "pk_test_", "pk.eyJ"]) { return "a publishable (client-side) key" }
        if preceded(buffer, start, by: ["sha256-", "sha384-", "sha512-"]) || hasPrefix(secret, ["sha256-", "sha384-", "sha512-"]) {
            return "a subresource integrity hash"
        }
        if preceded(buffer, start, by: ["h1:"]) || hasPrefix(secret, ["h1:"]) { return "a go.sum hash" }
        if let colon = secret.firstIndex(of: UInt8(ascii: ":")), hasPrefix(secret, ["sha1:", "sha256:", "sha384:", "sha512:", "md5:"]),
           isHex(UnsafeBufferPointer(rebasing: secret[(colon + 1)...])) {
            return "a labelled digest"
        }
        if insideDataURI(buffer, start) { return "part of a data: URI" }
        if insidePublicPEM(buffer, start) { return "part of a certificate or public key" }
        return nil
    }

    static let publicKeyPrefixes = ["ssh-rsa", "ssh-ed25519", "ssh-dss", "ecdsa-sha2-", "AAAAB3NzaC1", "AAAAC3NzaC1",
                                    "AAAAE2VjZHNh", "MIIBIjANBgkqhkiG9w0BAQEFAAOC", "MFkwEwYHKoZIzj0CAQYI", "MCowBQYDK2Vw"]

    static func isUUID(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.count == 36 else { return false }
        for (i, b) in s.enumerated() {
            if i == 8 || i == 13 || i == 18 || i == 23 {
                if b != UInt8(ascii: "-") { return false }
            } else if !isHexDigit(b) {
                return false
            }
        }
        return true
    }

    /// Only hex digits, at least 7 of them (short git SHAs, digests, hex-encoded hashes), optionally after
    /// `0x` (addresses and constants in code).
    static func isHex(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        if s.count > 2, s[0] == UInt8(ascii: "0"), s[1] == UInt8(ascii: "x") || s[1] == UInt8(ascii: "X") {
            return isHex(UnsafeBufferPointer(rebasing: s[2...]))
        }
        return s.count >= 7 && s.allSatisfy(isHexDigit)
    }

    @inline(__always)
    static func isHexDigit(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70)
    }

    /// Words that mark a value as an example or a redacted display wherever they stand in it.
    private static let placeholderWords: [[UInt8]] = [
        "****", "...", "placeholder", "redacted", "dummy", "<your", "<token", "<password", "<secret", "<api", "…",
    ].map { Array($0.utf8) }

    /// Template syntax (`${VAR}`, `{{ x }}`, `<your-key>`, `%VAR%`, `$VAR`) and placeholder words.
    static func placeholder(_ s: UnsafeBufferPointer<UInt8>, words: Bool = true) -> String? {
        guard let first = s.first, let last = s.last else { return nil }
        if let t = template(s) { return t }
        if first == UInt8(ascii: "<") && last == UInt8(ascii: ">") { return "a placeholder in angle brackets" }
        if first == UInt8(ascii: "%") && last == UInt8(ascii: "%") { return "an environment reference" }
        if first == UInt8(ascii: "$"), s.count > 1, isIdentifierStart(s[1]),
           s.dropFirst().allSatisfy({ isAlphanumeric($0) || $0 == UInt8(ascii: "_") }) {
            return "a variable reference"
        }
        guard words else { return nil }
        let lower = s.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        for w in placeholderWords where search(lower, w) { return "a placeholder" }
        if Placeholders.isMadeOf(s, Placeholders.fillers) { return "a placeholder" }
        return nil
    }

    /// A well-formed template expression inside `s`: `${NAME}` (with `:-default` and the like), `${{ x }}`,
    /// `{{ x }}`, `$(command)`, `%(name)s`, `#{x}`, or a `{name}` format field. Braces that do not close
    /// such an expression (`m{{h}o)p${e]x}}`, a password full of symbols) are no template.
    static func template(_ s: UnsafeBufferPointer<UInt8>) -> String? {
        let n = s.count
        func at(_ i: Int) -> UInt8 { i >= 0 && i < n ? s[i] : 0 }
        func isName(_ b: UInt8) -> Bool { isAlphanumeric(b) || b == UInt8(ascii: "_") }
        /// The index of `close` after `from`, if no `{` or `}` comes before it.
        func closes(_ from: Int, _ close: [UInt8]) -> Bool {
            var j = from
            while j < n {
                if s[j] == close[0], close.count == 1 || at(j + 1) == close[1] { return j > from }
                if s[j] == UInt8(ascii: "{") || s[j] == UInt8(ascii: "}") || s[j] == 10 { return false }
                j += 1
            }
            return false
        }
        for i in 0..<n {
            let b = s[i], next = at(i + 1)
            if b == UInt8(ascii: "$"), next == UInt8(ascii: "{") {
                if at(i + 2) == UInt8(ascii: "{"), closes(i + 3, [125, 125]) { return "a template placeholder" }
                var j = i + 2
                while j < n, isName(s[j]) || s[j] == UInt8(ascii: ".") { j += 1 }
                if j > i + 2, at(j) == UInt8(ascii: "}") || [UInt8(ascii: ":"), UInt8(ascii: "-"), UInt8(ascii: "?"),
                                                              UInt8(ascii: "=")].contains(at(j)) && closes(j, [125]) {
                    return "a template placeholder"
                }
            } else if b == UInt8(ascii: "{"), next == UInt8(ascii: "{"), at(i - 1) != UInt8(ascii: "$"), closes(i + 2, [125, 125]) {
                return "a template placeholder"
            } else if b == UInt8(ascii: "$"), next == UInt8(ascii: "("), isName(at(i + 2)) {
                var j = i + 2
                while j < n, s[j] != UInt8(ascii: ")"), s[j] != UInt8(ascii: "(") { j += 1 }
                if at(j) == UInt8(ascii: ")") { return "a command substitution" }
            } else if b == UInt8(ascii: "%"), next == UInt8(ascii: "("), isName(at(i + 2)) {
                var j = i + 2
                while j < n, isName(s[j]) { j += 1 }
                if at(j) == UInt8(ascii: ")") { return "a format placeholder" }
            } else if b == UInt8(ascii: "#"), next == UInt8(ascii: "{"), closes(i + 2, [125]) {
                return "a template placeholder"
            } else if b == UInt8(ascii: "{"), at(i - 1) != UInt8(ascii: "{"), at(i - 1) != UInt8(ascii: "$") {
                // `{name}`, `{0}`, `{user.id}`, `{value:>10}`: a format field (a name, then an optional
                // format spec after ':'), not touching another brace.
                var j = i + 1
                while j < n, isName(s[j]) || s[j] == UInt8(ascii: ".") || s[j] == UInt8(ascii: "-") { j += 1 }
                if at(j) == UInt8(ascii: ":"), j > i + 1 {
                    while j < n, s[j] != UInt8(ascii: "}"), s[j] != UInt8(ascii: "{"), s[j] != 10 { j += 1 }
                }
                if at(j) == UInt8(ascii: "}"), at(j + 1) != UInt8(ascii: "}") { return "a format placeholder" }
            }
        }
        return nil
    }

    /// Six or more identical bytes, six or more ascending letters or digits (`123456`, `abcdef`), or two
    /// interleaved ascending runs of five (`a1b2c3d4e5`, `A1B2C3D4E5`): keyboard fillers, not random.
    static func hasRun(_ s: UnsafeBufferPointer<UInt8>) -> Bool {
        guard s.count >= 6 else { return false }
        var same = 1, ascending = 1, interleaved = 0
        for i in 1..<s.count {
            let a = s[i - 1], b = s[i]
            same = a == b ? same + 1 : 1
            ascending = (b == a &+ 1 && isAlphanumeric(a) && isAlphanumeric(b)) ? ascending + 1 : 1
            if i >= 2 {
                let c = s[i - 2]
                let lower = { (x: UInt8) in x >= 65 && x <= 90 ? x + 32 : x }
                interleaved = (lower(b) == lower(c) &+ 1 && isAlphanumeric(b) && isAlphanumeric(c)) ? interleaved + 1 : 0
            }
            if same >= 6 || ascending >= 6 || interleaved >= 8 { return true }
        }
        return false
    }

    // MARK: Context

    /// Within the payload of a `data:...;base64,` URI: only base64 characters lie between the secret and
    /// the comma that starts the payload.
    static func insideDataURI(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        var i = start - 1
        while i >= 0 {
            let b = buffer[i]
            if b == UInt8(ascii: ",") { break }
            guard isAlphanumeric(b) || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=") else {
                return false
            }
            i -= 1
        }
        guard i >= 6, matches(buffer, i - 6, "base64") else { return false }
        var j = i - 7
        while j >= max(0, i - 256) {
            if matches(buffer, j, "data:") { return true }
            if buffer[j] == 10 || buffer[j] == 34 || buffer[j] == 39 || buffer[j] == 32 { return false }
            j -= 1
        }
        return false
    }

    /// Inside a `-----BEGIN CERTIFICATE-----` or `... PUBLIC KEY-----` block (a 4096-bit certificate's
    /// base64 is under 4 KiB, so the header is never further back than that).
    static func insidePublicPEM(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int) -> Bool {
        let limit = max(0, start - 4096)
        var i = start - 1
        while i >= limit {
            if buffer[i] == UInt8(ascii: "-"), matches(buffer, i, "-----END") { return false }
            if buffer[i] == UInt8(ascii: "-"), matches(buffer, i, "-----BEGIN ") {
                var j = i + 11
                var label: [UInt8] = []
                while j < buffer.count, j < i + 60, buffer[j] != UInt8(ascii: "-") {
                    label.append(buffer[j])
                    j += 1
                }
                let text = String(decoding: label, as: UTF8.self)
                return text.contains("CERTIFICATE") || text.contains("PUBLIC KEY")
            }
            i -= 1
        }
        return false
    }

    // MARK: Byte helpers

    static func contains(_ s: UnsafeBufferPointer<UInt8>, _ needle: String) -> Bool {
        search(Array(s), Array(needle.utf8))
    }

    static func search(_ hay: [UInt8], _ needle: [UInt8]) -> Bool {
        guard needle.count <= hay.count, let first = needle.first else { return needle.isEmpty }
        var i = 0
        while i <= hay.count - needle.count {
            if hay[i] == first && hay[i..<(i + needle.count)].elementsEqual(needle) { return true }
            i += 1
        }
        return false
    }

    static func hasPrefix(_ s: UnsafeBufferPointer<UInt8>, _ prefixes: [String]) -> Bool {
        prefixes.contains { p in p.utf8.count <= s.count && s.prefix(p.utf8.count).elementsEqual(p.utf8) }
    }

    static func hasPrefixIgnoringCase(_ s: UnsafeBufferPointer<UInt8>, _ prefix: [UInt8]) -> Bool {
        guard prefix.count <= s.count else { return false }
        for i in 0..<prefix.count where (s[i] >= 65 && s[i] <= 90 ? s[i] + 32 : s[i]) != prefix[i] { return false }
        return true
    }

    static func preceded(_ buffer: UnsafeBufferPointer<UInt8>, _ start: Int, by words: [String]) -> Bool {
        words.contains { w in
            let n = w.utf8.count
            return start >= n && buffer[(start - n)..<start].elementsEqual(w.utf8)
        }
    }

    static func matches(_ buffer: UnsafeBufferPointer<UInt8>, _ at: Int, _ word: String) -> Bool {
        let n = word.utf8.count
        return at >= 0 && at + n <= buffer.count && buffer[at..<(at + n)].elementsEqual(word.utf8)
    }

    @inline(__always)
    static func isAlphanumeric(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 65 && b <= 90) || (b >= 97 && b <= 122)
    }

    @inline(__always)
    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 65 && b <= 90) || (b >= 97 && b <= 122) || b == UInt8(ascii: "_")
    }
}
