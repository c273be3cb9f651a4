/// Extracts Rust dependencies from bytes: `use` declarations (groups `{a, b::c}`, `self`, globs and
/// renames expanded), `extern crate`, and `crate::` / `super::` paths written directly in code.
///
/// Inline modules (`mod tests { ... }`) are tracked, so `super::` and `self::` inside them are rewritten
/// relative to the file's own module: targets start with `crate::`, `self::`, `super::` or a crate name.
enum RustImports {
    static func extract(_ b: UnsafeBufferPointer<UInt8>) -> [RawImport] {
        var lexer = RustLexer(b: b)
        lexer.run()
        return lexer.out
    }
}

private struct RustLexer {
    let b: UnsafeBufferPointer<UInt8>
    var i = 0
    var line: Int32 = 1
    var out: [RawImport] = []
    var braceDepth = 0
    /// Inline modules we are inside, with the brace depth their body opened at.
    var inline: [(name: String, depth: Int)] = []
    var n: Int { b.count }

    mutating func run() {
        var previous: UInt8 = 0
        var pendingModule: String?
        while i < n {
            let c = b[i]
            switch c {
            case Bytes.newline: line += 1; i += 1; continue
            case Bytes.space, Bytes.tab, Bytes.cr: i += 1; continue
            case Bytes.slash where i + 1 < n && b[i + 1] == Bytes.slash: i = Bytes.skipLineComment(b, i); continue
            case Bytes.slash where i + 1 < n && b[i + 1] == Bytes.star:
                i = Bytes.skipBlockComment(b, i, line: &line, nested: true); continue
            case Bytes.quote: i = skipString(i, hashes: 0)
            case Bytes.apostrophe: i = skipCharOrLifetime(i)
            case Bytes.lbrace:
                braceDepth += 1
                if let m = pendingModule { inline.append((m, braceDepth)) }
                pendingModule = nil
                i += 1
            case Bytes.rbrace:
                if let last = inline.last, last.depth == braceDepth { inline.removeLast() }
                braceDepth = max(0, braceDepth - 1)
                i += 1
            default:
                if Bytes.isIdentStart(c) {
                    let j = Bytes.identifier(b, i)
                    // Raw and byte strings: r"..", r#".."#, b"..", br#".."#.
                    if (Bytes.equals(b, i, j, "r") || Bytes.equals(b, i, j, "br") || Bytes.equals(b, i, j, "b")) && j < n
                        && (b[j] == Bytes.quote || b[j] == Bytes.hash) {
                        var h = j
                        while h < n && b[h] == Bytes.hash { h += 1 }
                        if h < n && b[h] == Bytes.quote { i = skipString(h, hashes: h - j); previous = 0; continue }
                    }
                    if previous != UInt8(ascii: "$") && previous != Bytes.colon {
                        if Bytes.equals(b, i, j, "use") { parseUse(j); previous = Bytes.semicolon; continue }
                        if Bytes.equals(b, i, j, "extern") { parseExternCrate(j) }
                        if Bytes.equals(b, i, j, "mod") { pendingModule = moduleName(j) }
                        if Bytes.equals(b, i, j, "crate") || Bytes.equals(b, i, j, "super") {
                            if let end = inlinePath(i) { i = end; previous = 0; continue }
                        }
                    }
                    if let pending = pendingModule, !Bytes.equals(b, i, j, "mod"), Bytes.string(b, i, j) != pending {
                        pendingModule = nil
                    }
                    i = j
                    previous = UInt8(ascii: "a")
                    continue
                }
                if c == Bytes.semicolon { pendingModule = nil }
                i += 1
            }
            previous = c
        }
    }

    /// After `mod`: the module's name when this looks like `mod name {`.
    func moduleName(_ at: Int) -> String? {
        let k = Bytes.skipBlanks(b, at)
        guard k < n, Bytes.isIdentStart(b[k]) else { return nil }
        return Bytes.string(b, k, Bytes.identifier(b, k))
    }

    mutating func parseExternCrate(_ at: Int) {
        let k = Bytes.skipBlanks(b, at)
        guard k < n, Bytes.isIdentStart(b[k]) else { return }
        let j = Bytes.identifier(b, k)
        guard Bytes.equals(b, k, j, "crate") else { return }
        let m = Bytes.skipBlanks(b, j)
        guard m < n, Bytes.isIdentStart(b[m]) else { return }
        let name = Bytes.string(b, m, Bytes.identifier(b, m))
        if name != "self" { out.append(RawImport(name, line: line)) }
    }

    /// `crate::a::b` or `super::x` in code.
    mutating func inlinePath(_ start: Int) -> Int? {
        var k = start
        var segments: [String] = []
        while k < n, Bytes.isIdentStart(b[k]) {
            let j = Bytes.identifier(b, k)
            segments.append(Bytes.string(b, k, j))
            guard j + 2 < n, b[j] == Bytes.colon, b[j + 1] == Bytes.colon, Bytes.isIdentStart(b[j + 2]) else { k = j; break }
            k = j + 2
        }
        guard segments.count >= 2 else { return nil }
        if let target = normalize(segments) { out.append(RawImport(target, line: line, flags: .inlinePath)) }
        return k
    }

    /// Reads a `use` tree up to its `;`, expanding groups.
    mutating func parseUse(_ at: Int) {
        let startLine = line
        var paths: [[String]] = []
        i = useTree(at, prefix: [], into: &paths)
        for p in paths { if let t = normalize(p) { out.append(RawImport(t, line: startLine)) } }
    }

    mutating func skipSpace(_ at: Int) -> Int {
        var k = at
        while k < n {
            let c = b[k]
            if c == Bytes.newline { line += 1; k += 1 } else if Bytes.isBlank(c) { k += 1 } else if c == Bytes.slash && k + 1 < n && b[k + 1] == Bytes.slash {
                k = Bytes.skipLineComment(b, k)
            } else if c == Bytes.slash && k + 1 < n && b[k + 1] == Bytes.star {
                k = Bytes.skipBlockComment(b, k, line: &line, nested: true)
            } else { break }
        }
        return k
    }

    mutating func useTree(_ at: Int, prefix: [String], into paths: inout [[String]]) -> Int {
        var k = skipSpace(at)
        var path = prefix
        while k < n {
            if b[k] == Bytes.colon && k + 1 < n && b[k + 1] == Bytes.colon { k = skipSpace(k + 2); continue }
            if b[k] == Bytes.lbrace {
                k += 1
                while true {
                    k = useTree(k, prefix: path, into: &paths)
                    k = skipSpace(k)
                    guard k < n else { return k }
                    if b[k] == Bytes.comma { k += 1; continue }
                    if b[k] == Bytes.rbrace { k += 1 }
                    break
                }
                return skipToEnd(k)
            }
            if b[k] == Bytes.star { paths.append(path); return skipToEnd(k + 1) }
            guard Bytes.isIdentStart(b[k]) else { break }
            let j = Bytes.identifier(b, k)
            let word = Bytes.string(b, k, j)
            if word == "as" {
                k = skipSpace(j)
                if k < n && Bytes.isIdentStart(b[k]) { k = Bytes.identifier(b, k) }
                break
            }
            if word == "self" && !path.isEmpty {
                // `use a::{self, b}` imports `a` itself.
                paths.append(path)
            } else {
                path.append(word)
            }
            k = skipSpace(j)
        }
        if !path.isEmpty && path != prefix { paths.append(path) }
        return prefix.isEmpty ? skipToEnd(k) : k
    }

    /// At the top level of a `use`, moves past the terminating `;`.
    mutating func skipToEnd(_ at: Int) -> Int {
        var k = skipSpace(at)
        if k < n && b[k] == Bytes.semicolon { k += 1 }
        return k
    }

    /// Rewrites `self::`/`super::` relative to the file's module, given the inline modules we are in.
    func normalize(_ segments: [String]) -> String? {
        var segs = segments[...]
        if segs.first == "" { segs = segs.dropFirst() }
        guard let first = segs.first else { return nil }
        let inlineNames = inline.map(\.name)
        if first == "self" || first == "super" {
            var depth = inlineNames.count
            var rest = segs
            if first == "self" { rest = rest.dropFirst() } else {
                while rest.first == "super" { depth -= 1; rest = rest.dropFirst() }
            }
            if depth >= 0 {
                return (["self"] + inlineNames.prefix(depth) + rest).joined(separator: "::")
            }
            return (Array(repeating: "super", count: -depth) + rest).joined(separator: "::")
        }
        return segs.joined(separator: "::")
    }

    mutating func skipString(_ at: Int, hashes: Int) -> Int {
        var k = at + 1
        while k < n {
            let c = b[k]
            if c == Bytes.newline { line += 1 } else if c == Bytes.backslash && hashes == 0 { k += 2; continue } else if c == Bytes.quote {
                var q = k + 1
                var h = 0
                while h < hashes && q < n && b[q] == Bytes.hash { h += 1; q += 1 }
                if h == hashes { return q }
            }
            k += 1
        }
        return k
    }

    /// `'a'`, `'\n'`, `'é'` are characters; `'a` is a lifetime.
    func skipCharOrLifetime(_ at: Int) -> Int {
        guard at + 1 < n else { return at + 1 }
        if b[at + 1] == Bytes.backslash {
            var k = at + 2
            while k < n && k < at + 12 && b[k] != Bytes.apostrophe && b[k] != Bytes.newline { k += 1 }
            return k < n && b[k] == Bytes.apostrophe ? k + 1 : at + 1
        }
        var k = at + 2
        while k < n && k < at + 6 && (b[k] & 0xC0) == 0x80 { k += 1 }
        if k < n && b[k] == Bytes.apostrophe { return k + 1 }
        return at + 1
    }
}
