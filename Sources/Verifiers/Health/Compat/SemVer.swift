import Foundation

/// A semantic version (semver.org 2.0.0): MAJOR.MINOR.PATCH, an optional pre-release, an ignored build.
/// Parsing and precedence follow node-semver (classes/semver.js): a leading `v` or `=` is allowed,
/// numeric identifiers have no leading zeros, and a pre-release sorts before its release.
struct SemVer: Sendable, Hashable, Comparable, CustomStringConvertible {
    enum Identifier: Sendable, Hashable {
        case number(Int)
        case text(String)
    }

    var major: Int
    var minor: Int
    var patch: Int
    var prerelease: [Identifier]

    init(major: Int, minor: Int, patch: Int, prerelease: [Identifier] = []) {
        self.major = major
        self.minor = minor
        self.patch = patch
        self.prerelease = prerelease
    }

    init?(_ text: String) {
        var s = Substring(text.trimmingCharacters(in: .whitespaces))
        while s.first == "=" || s.first == "v" { s = s.dropFirst() }
        if let plus = s.firstIndex(of: "+") {
            let build = s[s.index(after: plus)...]
            guard !build.isEmpty, build.split(separator: ".", omittingEmptySubsequences: false).allSatisfy(Self.validText) else {
                return nil
            }
            s = s[..<plus]
        }
        var pre: [Identifier] = []
        if let dash = s.firstIndex(of: "-") {
            let parts = s[s.index(after: dash)...].split(separator: ".", omittingEmptySubsequences: false)
            for p in parts {
                guard Self.validText(p) else { return nil }
                if p.allSatisfy(\.isASCIIDigit) {
                    guard p == "0" || p.first != "0", let n = Int(p) else { return nil }
                    pre.append(.number(n))
                } else {
                    pre.append(.text(String(p)))
                }
            }
            s = s[..<dash]
        }
        let nums = s.split(separator: ".", omittingEmptySubsequences: false)
        guard nums.count == 3 else { return nil }
        var values: [Int] = []
        for n in nums {
            guard !n.isEmpty, n.allSatisfy(\.isASCIIDigit), n == "0" || n.first != "0", let v = Int(n) else { return nil }
            values.append(v)
        }
        self.init(major: values[0], minor: values[1], patch: values[2], prerelease: pre)
    }

    private static func validText(_ s: Substring) -> Bool {
        !s.isEmpty && s.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
    }

    var description: String {
        "\(major).\(minor).\(patch)" + (prerelease.isEmpty ? "" : "-" + prerelease.map { id in
            switch id {
            case .number(let n): String(n)
            case .text(let t): t
            }
        }.joined(separator: "."))
    }

    static func < (a: SemVer, b: SemVer) -> Bool {
        if a.major != b.major { return a.major < b.major }
        if a.minor != b.minor { return a.minor < b.minor }
        if a.patch != b.patch { return a.patch < b.patch }
        // A version without a pre-release has the higher precedence.
        if a.prerelease.isEmpty || b.prerelease.isEmpty { return !a.prerelease.isEmpty && b.prerelease.isEmpty }
        for (x, y) in zip(a.prerelease, b.prerelease) where x != y {
            switch (x, y) {
            case (.number(let m), .number(let n)): return m < n
            case (.number, .text): return true
            case (.text, .number): return false
            case (.text(let s), .text(let t)): return Array(s.utf8).lexicographicallyPrecedes(Array(t.utf8))
            }
        }
        return a.prerelease.count < b.prerelease.count
    }
}

private extension Character {
    var isASCIIDigit: Bool { isASCII && isNumber }
}

/// A version range in node-semver's syntax (classes/range.js): sets joined by `||`, each a list of
/// comparators that must all hold: `>=1.4.0 <2.0.0`, `^1.4`, `~1.4.2`, `1.x`, `1.2 - 1.4`, `*`.
/// A pre-release version satisfies a set only when a comparator of that set names a pre-release of the same
/// MAJOR.MINOR.PATCH (testSet), so `>=1.4.0` does not admit `1.5.0-rc.1`.
struct SemVerRange: Sendable, Hashable, CustomStringConvertible {
    struct Comparator: Sendable, Hashable {
        enum Op: String, Sendable { case lt = "<", le = "<=", gt = ">", ge = ">=", eq = "=" }
        var op: Op
        var version: SemVer

        func test(_ v: SemVer) -> Bool {
            switch op {
            case .lt: v < version
            case .le: v <= version
            case .gt: v > version
            case .ge: v >= version
            case .eq: v == version
            }
        }
    }

    let sets: [[Comparator]]
    let description: String

    init?(_ text: String) {
        description = text
        var sets: [[Comparator]] = []
        for part in text.components(separatedBy: "||") {
            guard let set = Self.parseSet(part.trimmingCharacters(in: .whitespaces)) else { return nil }
            sets.append(set)
        }
        self.sets = sets
    }

    func contains(_ v: SemVer) -> Bool {
        sets.contains { set in
            guard set.allSatisfy({ $0.test(v) }) else { return false }
            guard !v.prerelease.isEmpty else { return true }
            return set.contains { c in
                !c.version.prerelease.isEmpty && c.version.major == v.major && c.version.minor == v.minor
                    && c.version.patch == v.patch
            }
        }
    }

    /// A partial version: major, minor and patch where nil is an x (`1.2.x`, `1`, `*`).
    private struct Partial {
        var major: Int?
        var minor: Int?
        var patch: Int?
        var prerelease: [SemVer.Identifier] = []

        init?(_ text: String) {
            var s = Substring(text)
            while s.first == "=" || s.first == "v" { s = s.dropFirst() }
            if s.isEmpty || s == "*" || s.lowercased() == "x" { return }
            var main = s
            if let plus = main.firstIndex(of: "+") { main = main[..<plus] }
            if let dash = main.firstIndex(of: "-") {
                guard let full = SemVer(String(main)) else { return nil }
                prerelease = full.prerelease
                main = main[..<dash]
            }
            let nums = main.split(separator: ".", omittingEmptySubsequences: false)
            guard (1...3).contains(nums.count) else { return nil }
            var values: [Int?] = []
            for n in nums {
                if n == "x" || n == "X" || n == "*" { values.append(nil); continue }
                guard values.last != .some(nil), !n.isEmpty, n.allSatisfy({ $0.isASCII && $0.isNumber }),
                      n == "0" || n.first != "0", let v = Int(n) else { return nil }
                values.append(v)
            }
            while values.count < 3 { values.append(nil) }
            guard prerelease.isEmpty || values.allSatisfy({ $0 != nil }) else { return nil }
            (major, minor, patch) = (values[0], values[1], values[2])
        }

        var full: SemVer? {
            guard let major, let minor, let patch else { return nil }
            return SemVer(major: major, minor: minor, patch: patch, prerelease: prerelease)
        }
    }

    private static func v(_ a: Int, _ b: Int, _ c: Int, zero: Bool = false) -> SemVer {
        SemVer(major: a, minor: b, patch: c, prerelease: zero ? [.number(0)] : [])
    }

    private static func parseSet(_ text: String) -> [Comparator]? {
        // Hyphen ranges first: "1.2 - 2.3.4".
        let hyphen = text.components(separatedBy: " - ")
        if hyphen.count == 2 {
            guard let from = Partial(hyphen[0].trimmingCharacters(in: .whitespaces)),
                  let to = Partial(hyphen[1].trimmingCharacters(in: .whitespaces)) else { return nil }
            var out: [Comparator] = []
            if let f = from.major { out.append(Comparator(op: .ge, version: from.full ?? v(f, from.minor ?? 0, 0))) }
            if let tM = to.major {
                if let full = to.full { out.append(Comparator(op: .le, version: full)) }
                else if let tm = to.minor { out.append(Comparator(op: .lt, version: v(tM, tm + 1, 0, zero: true))) }
                else { out.append(Comparator(op: .lt, version: v(tM + 1, 0, 0, zero: true))) }
            }
            return out
        }
        guard hyphen.count == 1 else { return nil }
        // "> 1.2.3" is ">1.2.3": glue operators to their versions.
        var tokens: [String] = []
        var pending = ""
        for word in text.split(separator: " ").map(String.init) {
            if ["<", "<=", ">", ">=", "=", "~", "~>", "^"].contains(word) { pending += word; continue }
            tokens.append(pending + word)
            pending = ""
        }
        guard pending.isEmpty else { return nil }
        var out: [Comparator] = []
        for token in tokens {
            guard let c = comparators(token) else { return nil }
            out += c
        }
        return out
    }

    private static func comparators(_ token: String) -> [Comparator]? {
        var op = ""
        var rest = Substring(token)
        for candidate in ["~>", "<=", ">=", "<", ">", "=", "~", "^"] where rest.hasPrefix(candidate) {
            op = candidate
            rest = rest.dropFirst(candidate.count)
            break
        }
        guard let p = Partial(String(rest)) else { return nil }
        guard let M = p.major else {
            return op == "<" || op == ">" ? [Comparator(op: .lt, version: v(0, 0, 0, zero: true))] : []
        }
        switch op {
        case "~", "~>":
            guard let m = p.minor else { return [.init(op: .ge, version: v(M, 0, 0)), .init(op: .lt, version: v(M + 1, 0, 0, zero: true))] }
            return [.init(op: .ge, version: p.full ?? v(M, m, 0)), .init(op: .lt, version: v(M, m + 1, 0, zero: true))]
        case "^":
            guard let m = p.minor else { return [.init(op: .ge, version: v(M, 0, 0)), .init(op: .lt, version: v(M + 1, 0, 0, zero: true))] }
            guard let patch = p.patch else {
                let upper = M == 0 ? v(0, m + 1, 0, zero: true) : v(M + 1, 0, 0, zero: true)
                return [.init(op: .ge, version: v(M, m, 0)), .init(op: .lt, version: upper)]
            }
            let upper = M != 0 ? v(M + 1, 0, 0, zero: true) : (m != 0 ? v(0, m + 1, 0, zero: true) : v(0, 0, patch + 1, zero: true))
            return [.init(op: .ge, version: p.full!), .init(op: .lt, version: upper)]
        default:
            if let full = p.full {
                let o = Comparator.Op(rawValue: op.isEmpty ? "=" : op)!
                return [Comparator(op: o, version: full)]
            }
            // An x-range with or without an operator (replaceXRange).
            let m = p.minor
            switch op {
            case ">": return [.init(op: .ge, version: m == nil ? v(M + 1, 0, 0) : v(M, m! + 1, 0))]
            case ">=": return [.init(op: .ge, version: v(M, m ?? 0, 0))]
            case "<": return [.init(op: .lt, version: v(M, m ?? 0, 0, zero: true))]
            case "<=": return [.init(op: .lt, version: m == nil ? v(M + 1, 0, 0, zero: true) : v(M, m! + 1, 0, zero: true))]
            default:
                return m == nil ? [.init(op: .ge, version: v(M, 0, 0)), .init(op: .lt, version: v(M + 1, 0, 0, zero: true))]
                    : [.init(op: .ge, version: v(M, m!, 0)), .init(op: .lt, version: v(M, m! + 1, 0, zero: true))]
            }
        }
    }
}
