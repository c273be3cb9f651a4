/// Checks for values found by free-form rules (`password = <value>`), where the regex alone cannot tell a
/// credential from code, a reference or a file name.
enum ValueFilters {
    /// Why `value` is not a credential, or nil. `quoted` says whether the value sat between quotes.
    static func assignmentReason(_ v: UnsafeBufferPointer<UInt8>, quoted: Bool) -> String? {
        guard let first = v.first else { return "empty" }
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

    /// `self.settings.token`, `process.env.TOKEN`: dotted identifiers without digits.
    static func isDottedReference(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        var segments = 1
        var atStart = true
        for b in v {
            if b == UInt8(ascii: ".") {
                if atStart { return false }
                segments += 1
                atStart = true
            } else if atStart {
                guard KnownNonSecrets.isIdentifierStart(b) || b == UInt8(ascii: "$") else { return false }
                atStart = false
            } else if !(KnownNonSecrets.isIdentifierStart(b) || b == UInt8(ascii: "$")) {
                return false
            }
        }
        return segments >= 2 && !atStart
    }

    /// `DB_PASSWORD_V2`: upper case, digits and underscores, with at least one underscore.
    static func isEnvironmentName(_ v: UnsafeBufferPointer<UInt8>) -> Bool {
        guard let f = v.first, f >= 65 && f <= 90 else { return false }
        var underscore = false
        for b in v {
            if b == UInt8(ascii: "_") { underscore = true; continue }
            if !((b >= 65 && b <= 90) || (b >= 48 && b <= 57)) { return false }
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
