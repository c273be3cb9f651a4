/// Placeholder values judged as a whole. A value is a placeholder when it is made of filler words
/// (`test`, `changeme`, `xxxx`, `your_`...): taken out, they leave no secret of its own. A value that only
/// begins with such a word (`testuser`'s password `test` followed by twelve random characters) is not.
enum Placeholders {
    /// Filler words every rule checks (rules add their own through allowlist `placeholders`).
    static let fillers: [[UInt8]] = [
        "xxxx", "changeme", "change_me", "change-me", "replace_me", "replaceme", "replace-me", "your_", "your-",
        "yourkey", "yoursecret", "yourtoken", "insert_",
    ].map { Array($0.utf8) }

    /// Letters and digits a remainder needs to be a secret of its own.
    static let minimumRemainder = 6

    /// Whether `value`, with every (case-insensitive, possibly overlapping) occurrence of `words` taken
    /// out, leaves no secret: fewer than six letters and digits, a single character class, or less than
    /// half the value (`Xk29fLq0` followed by eighteen `x` is a masked key, not a key).
    static func isMadeOf(_ value: UnsafeBufferPointer<UInt8>, _ words: [[UInt8]]) -> Bool {
        let n = value.count
        guard n > 0 else { return false }
        let lower = value.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        var removed = [Bool](repeating: false, count: n)
        var any = false
        for w in words where !w.isEmpty && w.count <= n {
            var i = 0
            while i <= n - w.count {
                if lower[i] == w[0] && lower[i..<(i + w.count)].elementsEqual(w) {
                    for k in i..<(i + w.count) { removed[k] = true }
                    any = true
                }
                i += 1
            }
        }
        guard any else { return false }
        var rest: [UInt8] = []
        for i in 0..<n where !removed[i] { rest.append(value[i]) }
        if rest.count * 2 < n { return true }
        if rest.filter(KnownNonSecrets.isAlphanumeric).count < minimumRemainder { return true }
        return rest.withUnsafeBufferPointer { ValueFilters.classCount($0) } < 2
    }
}
