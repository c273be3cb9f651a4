/// Path glob matching with `*`, `**`, `?`, `[a-z]`, `[!x]` and `{a,b}`.
///
/// - `*` and `?` never cross a `/`; `**` as a whole segment matches zero or more directories.
/// - A pattern without `/` matches the last component anywhere (like .gitignore): `*.lock`.
/// - A pattern ending in `/` matches that directory and everything under it (`vendor/` at any depth).
/// - A leading `/` anchors the pattern at the root: `/vendor/`, `/*.md`.
/// Matching works on UTF-8 bytes; paths are relative, with `/` separators.
public struct Glob: Sendable, Hashable, CustomStringConvertible {
    public let pattern: String
    private let alternatives: [[UInt8]]
    private let basenameOnly: Bool
    private let directoryPrefix: Bool

    public init(_ pattern: String) {
        self.pattern = pattern
        var p = pattern
        if p.hasPrefix("./") { p.removeFirst(2) }
        let anchored = p.hasPrefix("/")
        if anchored { p.removeFirst() }
        directoryPrefix = p.hasSuffix("/")
        if directoryPrefix { p.removeLast() }
        basenameOnly = !anchored && !p.contains("/")
        alternatives = Glob.expandBraces(p).map { Array($0.utf8) }
    }

    public var description: String { pattern }

    public func matches(_ path: String) -> Bool {
        var rel = path
        if rel.hasPrefix("./") { rel.removeFirst(2) }
        let bytes = Array(rel.utf8)
        if directoryPrefix {
            // `dir/` matches `dir` and anything below it; for basename patterns, at any depth.
            let components = bytes.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true)
            if basenameOnly {
                return components.contains { c in alternatives.contains { Glob.match(Array($0), Array(c)) } }
            }
            for i in components.indices {
                let prefix = Array(components[...i].joined(separator: [UInt8(ascii: "/")]))
                if alternatives.contains(where: { Glob.match($0, prefix) }) { return true }
            }
            return false
        }
        if basenameOnly {
            let base = bytes.split(separator: UInt8(ascii: "/")).last.map(Array.init) ?? bytes
            return alternatives.contains { Glob.match($0, base) }
        }
        return alternatives.contains { Glob.match($0, bytes) }
    }

    /// True when any of `globs` matches.
    public static func any(_ globs: [Glob], _ path: String) -> Bool { globs.contains { $0.matches(path) } }

    static func expandBraces(_ p: String) -> [String] {
        guard let open = p.firstIndex(of: "{"),
            let close = p[open...].firstIndex(of: "}")
        else { return [p] }
        let head = p[..<open], tail = p[p.index(after: close)...]
        let options = p[p.index(after: open)..<close].split(separator: ",", omittingEmptySubsequences: false)
        return options.flatMap { expandBraces(String(head) + $0 + tail) }
    }

    private static let slash = UInt8(ascii: "/")

    /// Iterative matcher with single-star and double-star backtracking.
    static func match(_ p: [UInt8], _ s: [UInt8]) -> Bool {
        matchFrom(p, 0, s, 0)
    }

    private static func matchFrom(_ p: [UInt8], _ pi0: Int, _ s: [UInt8], _ si0: Int) -> Bool {
        var pi = pi0, si = si0
        var starP = -1, starS = -1
        while si < s.count || pi < p.count {
            if pi < p.count {
                let c = p[pi]
                if c == UInt8(ascii: "*") {
                    let isDouble = pi + 1 < p.count && p[pi + 1] == UInt8(ascii: "*")
                    if isDouble {
                        // `**/` matches zero or more whole directories; a trailing `**` matches the rest.
                        var next = pi + 2
                        if next < p.count && p[next] == slash { next += 1 }
                        if next >= p.count { return true }
                        var k = si
                        while k <= s.count {
                            if (k == si || s[k - 1] == slash) && matchFrom(p, next, s, k) { return true }
                            k += 1
                        }
                        return false
                    }
                    starP = pi
                    starS = si
                    pi += 1
                    continue
                }
                if si < s.count {
                    if c == UInt8(ascii: "?") && s[si] != slash {
                        pi += 1; si += 1; continue
                    }
                    if c == UInt8(ascii: "[") , let (matched, end) = matchClass(p, pi, s[si]) {
                        if matched && s[si] != slash { pi = end; si += 1; continue }
                    } else if c == UInt8(ascii: "\\") && pi + 1 < p.count {
                        if p[pi + 1] == s[si] { pi += 2; si += 1; continue }
                    } else if c == s[si] {
                        pi += 1; si += 1; continue
                    }
                }
            }
            // Backtrack: let the last single star eat one more byte (never a slash).
            if starP >= 0 && starS < s.count && s[starS] != slash {
                starS += 1
                si = starS
                pi = starP + 1
                continue
            }
            return false
        }
        return true
    }

    /// Matches a `[...]` class at `p[start]`; returns whether `c` is in it and the index after `]`.
    private static func matchClass(_ p: [UInt8], _ start: Int, _ c: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < p.count && (p[i] == UInt8(ascii: "!") || p[i] == UInt8(ascii: "^")) { negate = true; i += 1 }
        var matched = false
        var first = true
        while i < p.count && (p[i] != UInt8(ascii: "]") || first) {
            first = false
            if i + 2 < p.count && p[i + 1] == UInt8(ascii: "-") && p[i + 2] != UInt8(ascii: "]") {
                if c >= p[i] && c <= p[i + 2] { matched = true }
                i += 3
            } else {
                if c == p[i] { matched = true }
                i += 1
            }
        }
        guard i < p.count else { return nil }
        return (matched != negate, i + 1)
    }
}
