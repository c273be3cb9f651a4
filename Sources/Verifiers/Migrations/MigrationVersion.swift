/// A migration's place in apply order, parsed the way its tool parses it.
///
/// Numeric versions (`0003`, `20240101120000`, Flyway's `1.2.10`) compare part by part as unbounded
/// integers, so `1.10` sorts after `1.9` and `0003` equals `3`. Trailing zero parts are dropped, as
/// Flyway does, so `1.0` and `1` are the same version. Named versions (Prisma's folder names, Atlas's
/// file names) compare byte by byte, the order those tools use.
struct MigrationVersion: Hashable, Comparable, Sendable, CustomStringConvertible {
    enum Key: Hashable, Sendable {
        /// Digit runs with leading zeros removed ("" stands for zero), trailing zero parts dropped.
        case numeric([String])
        case name(String)
    }

    /// The version as written in the file name or the history row.
    let text: String
    let key: Key

    var description: String { text }

    /// The comparison key as text (numeric parts joined by dots), cheap to hash and print.
    var keyText: String {
        switch key {
        case .numeric(let parts): "#" + parts.joined(separator: ".")
        case .name(let n): "=" + n
        }
    }

    /// A numeric version whose parts are separated by any of `separators`; nil if a part is not digits.
    static func numeric(_ text: String, separators: Set<Character> = []) -> MigrationVersion? {
        let parts = text.split(omittingEmptySubsequences: false) { separators.contains($0) }
        guard !parts.isEmpty else { return nil }
        var normalized: [String] = []
        for part in parts {
            guard !part.isEmpty, part.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) else { return nil }
            normalized.append(String(part.drop { $0 == "0" }))
        }
        while normalized.last == "" { normalized.removeLast() }
        return MigrationVersion(text: text, key: .numeric(normalized))
    }

    static func name(_ text: String) -> MigrationVersion {
        MigrationVersion(text: text, key: .name(text))
    }

    static func == (a: MigrationVersion, b: MigrationVersion) -> Bool { a.key == b.key }

    func hash(into hasher: inout Hasher) { hasher.combine(key) }

    static func < (a: MigrationVersion, b: MigrationVersion) -> Bool {
        switch (a.key, b.key) {
        case (.numeric(let x), .numeric(let y)):
            for i in 0..<max(x.count, y.count) {
                let p = i < x.count ? x[i] : "", q = i < y.count ? y[i] : ""
                if p == q { continue }
                if p.utf8.count != q.utf8.count { return p.utf8.count < q.utf8.count }
                return p.utf8.lexicographicallyPrecedes(q.utf8)
            }
            return false
        case (.name(let x), .name(let y)):
            return x.utf8.lexicographicallyPrecedes(y.utf8)
        case (.numeric, .name):
            return true
        case (.name, .numeric):
            return false
        }
    }
}
