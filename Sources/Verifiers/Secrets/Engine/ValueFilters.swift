/// Checks for values found by free-form rules (`password = <value>`), where the regex alone cannot tell a
/// credential from code, a reference or a file name.
enum ValueFilters {
    /// Why `value` is not a credential, or nil. `quoted` says whether the value sat between quotes;
    /// `following` holds the bytes right after it (a few are enough).
    static func assignmentReason(_ v: UnsafeBufferPointer<UInt8>, quoted: Bool,
                                 following: UnsafeBufferPointer<UInt8> = UnsafeBufferPointer(start: nil, count: 0)) -> String? {
        guard let first = v.first else { return "empty" }
        if !quoted, following.first == UInt8(ascii: "(") { return "a call" }
        if KnownNonSecrets.contains(v, "..") || KnownNonSecrets.hasPrefix(following, ["..", "[", "…", "***"]) {
            return "a shortened or redacted display"
        }
        if first == UInt8(ascii: "<") || KnownNonSecrets.contains(v, "=\"") || KnownNonSecrets.contains(v, "=\\\"") {
            return "markup"
        }
        if hasCamelCaseWords(v) { return "an identifier of several words" }
        if v.count < 12, KnownNonSecrets.isHex(v) { return "a short hex value (an id or an abbreviated digest)" }
        if KnownNonSecrets.hasPrefix(v, ["0x", "0X"]), KnownNonSecrets.isHex(v) { return "a hex number (an address or a constant)" }
        if hasVersionNumber(v) { return "a version or an artifact coordinate" }
        if isHostName(v) { return "a host name" }
        if isHeaderName(v) { return "an HTTP header name" }
        if KnownNonSecrets.isUUID(v), v[14] == UInt8(ascii: "1") || v[14] == UInt8(ascii: "6") {
            return "a time-based UUID (version 1 or 6): an identifier, not random"
        }
        if KnownNonSecrets.contains(v, "://") { return "a URL" }
        if first == UInt8(ascii: "/") || first == UInt8(ascii: "~") || first == UInt8(ascii: "\\")
            || KnownNonSecrets.hasPrefix(v, ["./", "../"]) {
            return "a path"
        }
        if v.count > 2, KnownNonSecrets.isAlphanumeric(first), v[1] == UInt8(ascii: ":"), v[2] == UInt8(ascii: "\\") {
            return "a Windows path"
        }
        // `$VAR`, `@env`, `*anchor`, `!Ref`: a sigil and a name. A random password may start with the same
        // symbols, but then more symbols follow.
        if [UInt8(ascii: "$"), UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "&"), UInt8(ascii: "*"),
            UInt8(ascii: "!"), UInt8(ascii: "#")].contains(first),
           v.dropFirst().allSatisfy({ KnownNonSecrets.isAlphanumeric($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }) {
            return "a reference or tag"
        }
        if KnownNonSecrets.contains(v, "()") || KnownNonSecrets.contains(v, "(\"") { return "a call" }
        if isDottedReference(v) { return "a code reference" }
        for marker in ["os.environ", "process.env", "getenv", "Getenv", "ENV[", "env(", "secrets."]
        where KnownNonSecrets.contains(v, marker) {
            return "a lookup of the environment or a secret store"
        }
        if isEnvironmentName(v) { return "an environment variable name" }
        if isWordsOrCode(v) { return "words or code" }
        if isLowercasePath(v) { return "a path" }
        if !quoted && isPlainIdentifier(v) { return "an identifier" }
        if classCount(v) < 2 { return "a single character class" }
        return nil
    }

    /// Three or more capitalised words of four letters or more in a row (`AgencyIdentificationCode`): names
    /// of things, which random tokens almost never spell.
    static func hasCamelCaseWords(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var words = 0, i = 0
        while i < v.count {
            if v[i] >= 65 && v[i] <= 90 {
                var j = i + 1
                while j < v.count, v[j] >= 97 && v[j] <= 122 { j += 1 }
                if j - i >= 4 {
                    words += 1
                    if words >= 3 { return true }
                    i = j
                    continue
                }
            }
            words = 0
            i += 1
        }
        return false
    }

    /// `1.7.8`, `0.15.0_2023`: three dot-separated numbers (versions, Maven coordinates).
    static func hasVersionNumber(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var i = 0
        while i < v.count {
            var j = i, groups = 0
            while true {
                let start = j
                while j < v.count, v[j] >= 48 && v[j] <= 57 { j += 1 }
                guard j > start, j - start <= 8 else { break }
                groups += 1
                guard j < v.count, v[j] == UInt8(ascii: "."), groups < 3 else { break }
                j += 1
            }
            if groups >= 3, i == 0 || !KnownNonSecrets.isAlphanumeric(v[i - 1]) || !(v[i - 1] >= 48 && v[i - 1] <= 57) {
                return true
            }
            i += 1
        }
        return false
    }

    /// `4f2a9c.invoiceocean.com`, `db.internal.example.net`: dot-separated labels ending in a top-level domain.
    static func isHostName(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        let labels = v.split(separator: UInt8(ascii: "."), omittingEmptySubsequences: false)
        guard labels.count >= 3, let tld = labels.last, (2...6).contains(tld.count),
              tld.allSatisfy({ $0 >= 97 && $0 <= 122 }) else { return false }
        return labels.allSatisfy { l in
            !l.isEmpty && l.allSatisfy { KnownNonSecrets.isAlphanumeric($0) || $0 == UInt8(ascii: "-") }
        }
    }

    /// `Fastly-Key`, `X-Api-Token`: capitalised words joined by dashes.
    static func isHeaderName(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        let words = v.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard words.count >= 2 else { return false }
        return words.allSatisfy { w in
            guard let f = w.first, f >= 65 && f <= 90 else { return false }
            return w.dropFirst().allSatisfy { $0 >= 97 && $0 <= 122 } || w.allSatisfy { $0 >= 65 && $0 <= 90 }
        }
    }

    /// The characters services use in the tokens, keys and secrets they issue.
    @inline(__always)
    static func isTokenCharacter(_ b: UInt8) -> Bool {
        KnownNonSecrets.isAlphanumeric(b) || b == UInt8(ascii: "_") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
            || b == UInt8(ascii: "+") || b == UInt8(ascii: "/") || b == UInt8(ascii: "=") || b == UInt8(ascii: "~")
            || b == UInt8(ascii: ":")
    }

    /// Written in a token alphabet, or full of symbols of three kinds or more (a secret a person chose). A
    /// token with one stray symbol (`Qh6DP6Zf7vHtm@DDsbS2`) is neither: a corrupted or mistyped token.
    static func isTokenOrChosen(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var kinds = Set<UInt8>()
        for b in v where !isTokenCharacter(b) { kinds.insert(b) }
        return kinds.isEmpty || kinds.count >= 3
    }

    /// The shape services give API keys: 16 or more characters of a token alphabet mixing upper case,
    /// lower case and digits, or 32 hex digits or more.
    static func hasTokenShape(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        guard v.count >= 16, v.allSatisfy(isTokenCharacter) else { return false }
        return isMixed(v) || (v.count >= 32 && v.allSatisfy(KnownNonSecrets.isHexDigit))
    }

    /// Whether the name (the matched text around the value) is a password's rather than a token's.
    static func namesAPassword(_ name: [UInt8]) -> Bool {
        let lower = name.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        return ["pass", "pwd", "contrase"].contains { KnownNonSecrets.search(lower, Array($0.utf8)) }
    }

    /// Upper case, lower case and a digit.
    static func isMixed(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var upper = false, lower = false, digit = false
        for b in v {
            if b >= 65 && b <= 90 { upper = true } else if b >= 97 && b <= 122 { lower = true } else if b >= 48 && b <= 57 { digit = true }
        }
        return upper && lower && digit
    }

    /// Lower, upper, digit, and other symbols; `_`, `.` and `-` are separators, not symbols.
    static func classCount(_ v: UnsafeBufferPointer<UInt8>) -> Int {
        var seen = 0
        for b in v {
            if b >= 97 && b <= 122 { seen |= 1 } else if b >= 65 && b <= 90 { seen |= 2 } else if b >= 48 && b <= 57 { seen |= 4 }
            else if b != UInt8(ascii: "_") && b != UInt8(ascii: ".") && b != UInt8(ascii: "-") { seen |= 8 }
        }
        return seen.nonzeroBitCount
    }

    /// `self.settings.token`, `process.env.TOKEN`, `base64.b64encode`: dotted identifiers (a segment may hold
    /// digits after its first letter).
    static func isDottedReference(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var segments = 1
        var atStart = true
        var length = 0, digits = 0
        for b in v {
            if b == UInt8(ascii: ".") {
                if atStart { return false }
                segments += 1
                atStart = true
                length = 0
                digits = 0
            } else if atStart {
                guard KnownNonSecrets.isIdentifierStart(b) || b == UInt8(ascii: "$") else { return false }
                atStart = false
                length = 1
            } else if KnownNonSecrets.isIdentifierStart(b) || b == UInt8(ascii: "$") || (b >= 48 && b <= 57) {
                length += 1
                if b >= 48 && b <= 57 { digits += 1 }
                // Names are words: short, with a few digits at most (`b64encode`); random text is neither.
                if length > 32 || digits > 3 { return false }
            } else {
                return false
            }
        }
        return segments >= 2 && !atStart
    }

    /// `DB_PASSWORD_V2`: upper case, digits and underscores, with at least one underscore, in words of 16
    /// characters at most (`API_KEYN2B1NFN5CP6CK5BJHY8B15YF535` is a token with a prefix, not a name).
    static func isEnvironmentName(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let f = v.first, f >= 65 && f <= 90 else { return false }
        var underscore = false, word = 0
        for b in v {
            if b == UInt8(ascii: "_") {
                underscore = true
                word = 0
                continue
            }
            if !((b >= 65 && b <= 90) || (b >= 48 && b <= 57)) { return false }
            word += 1
            if word > 16 { return false }
        }
        return underscore
    }

    /// `import pkg.alpha\n`, `see the docs`: space-separated words and dotted names (a trailing `\n`
    /// escape allowed). A passphrase of plain words is missed; this rule is the least confident one and
    /// file contents, prose and code in string literals are far more common.
    static func isWordsOrCode(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var body = Array(v)
        while body.count >= 2, body[body.count - 2] == UInt8(ascii: "\\"), body.last == UInt8(ascii: "n") {
            body.removeLast(2)
        }
        let words = body.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
        guard words.count >= 2 else { return false }
        return words.allSatisfy { word in
            word.allSatisfy { KnownNonSecrets.isIdentifierStart($0) || $0 == UInt8(ascii: ".") }
        }
    }

    /// `sha256/abc`, `config/app.yaml`: lower-case segments joined by `/`. Base64 values with a `/` have
    /// upper-case letters or `+`/`=` as well.
    static func isLowercasePath(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        guard v.contains(UInt8(ascii: "/")) else { return false }
        return v.allSatisfy { b in
            (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b == UInt8(ascii: "/") || b == UInt8(ascii: "_")
                || b == UInt8(ascii: "-") || b == UInt8(ascii: ".")
        }
    }

    /// Letters and underscores only (`accessToken`, `user_password`): a variable, not a value.
    static func isPlainIdentifier(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        v.allSatisfy { KnownNonSecrets.isIdentifierStart($0) }
    }
}
