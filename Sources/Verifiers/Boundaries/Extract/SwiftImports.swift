/// Extracts Swift imports from bytes: `import X`, `@testable import X`, `@_exported import X`,
/// `import struct X.Y` (and the other kinds), access-level imports (`internal import X`), and
/// `@preconcurrency` / `@_implementationOnly` / `@_spi(...)` attributes. The target is the module, the
/// first component of the path. Comments (nested), string literals (multi-line, raw, with
/// interpolations) are skipped, so an `import` inside them is not an import.
enum SwiftImports {
    static let modifiers: Set<String> = ["public", "internal", "package", "private", "fileprivate", "open"]
    static let kinds: Set<String> = ["typealias", "struct", "class", "enum", "protocol", "let", "var", "func", "actor", "macro"]

    static func extract(_ b: UnsafeBufferPointer<UInt8>) -> [RawImport] {
        var out: [RawImport] = []
        var i = 0
        var line: Int32 = 1
        var statementStart = true
        let n = b.count
        while i < n {
            let c = b[i]
            switch c {
            case Bytes.newline:
                line += 1
                i += 1
                statementStart = true
            case Bytes.space, Bytes.tab, Bytes.cr:
                i += 1
            case Bytes.semicolon:
                i += 1
                statementStart = true
            case Bytes.slash where i + 1 < n && b[i + 1] == Bytes.slash:
                i = Bytes.skipLineComment(b, i)
            case Bytes.slash where i + 1 < n && b[i + 1] == Bytes.star:
                i = Bytes.skipBlockComment(b, i, line: &line, nested: true)
            case Bytes.quote:
                i = skipString(b, i, hashes: 0, line: &line)
                statementStart = false
            case Bytes.hash:
                var h = i
                while h < n && b[h] == Bytes.hash { h += 1 }
                if h < n && b[h] == Bytes.quote {
                    i = skipString(b, h, hashes: h - i, line: &line)
                } else {
                    i = h
                }
                statementStart = false
            default:
                if statementStart && (c == Bytes.at || Bytes.isIdentStart(c)) {
                    if let (imp, end) = parseImport(b, i, line: line) {
                        out.append(imp)
                        i = end
                    } else {
                        i = Bytes.isIdentStart(c) ? Bytes.identifier(b, i) : i + 1
                    }
                } else {
                    i = Bytes.isIdentStart(c) ? Bytes.identifier(b, i) : i + 1
                }
                statementStart = false
            }
        }
        return out
    }

    /// Parses `[@attr[(...)]]* [modifier] import [kind] A.B` at `i`, all on one line.
    static func parseImport(_ b: UnsafeBufferPointer<UInt8>, _ start: Int, line: Int32) -> (RawImport, Int)? {
        var k = start
        var flags: RawImport.Flags = []
        let n = b.count
        while k < n && b[k] == Bytes.at {
            let j = Bytes.identifier(b, k + 1)
            guard j > k + 1 else { return nil }
            if Bytes.equals(b, k + 1, j, "testable") { flags.insert(.testable) }
            if Bytes.equals(b, k + 1, j, "_exported") { flags.insert(.exported) }
            k = j
            if k < n && b[k] == Bytes.lparen {
                while k < n && b[k] != Bytes.rparen && b[k] != Bytes.newline { k += 1 }
                if k < n && b[k] == Bytes.rparen { k += 1 }
            }
            k = Bytes.skipBlanks(b, k)
        }
        guard k < n, Bytes.isIdentStart(b[k]) else { return nil }
        var j = Bytes.identifier(b, k)
        if modifiers.contains(Bytes.string(b, k, j)) {
            k = Bytes.skipBlanks(b, j)
            guard k < n, Bytes.isIdentStart(b[k]) else { return nil }
            j = Bytes.identifier(b, k)
        }
        guard Bytes.equals(b, k, j, "import") else { return nil }
        k = Bytes.skipBlanks(b, j)
        guard k < n, Bytes.isIdentStart(b[k]) else { return nil }
        j = Bytes.identifier(b, k)
        if kinds.contains(Bytes.string(b, k, j)) {
            let next = Bytes.skipBlanks(b, j)
            if next < n, Bytes.isIdentStart(b[next]) {
                k = next
                j = Bytes.identifier(b, k)
            }
        }
        return (RawImport(Bytes.string(b, k, j), line: line, flags: flags), j)
    }

    /// Skips a string literal whose opening quote is at `at`, with `hashes` `#` before it (a raw string).
    static func skipString(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, hashes: Int, line: inout Int32) -> Int {
        let n = b.count
        let multiline = at + 2 < n && b[at + 1] == Bytes.quote && b[at + 2] == Bytes.quote
        var k = at + (multiline ? 3 : 1)
        func closes(_ p: Int) -> Int? {
            var q = p
            let quotes = multiline ? 3 : 1
            for _ in 0..<quotes { guard q < n, b[q] == Bytes.quote else { return nil }; q += 1 }
            for _ in 0..<hashes { guard q < n, b[q] == Bytes.hash else { return nil }; q += 1 }
            return q
        }
        while k < n {
            let c = b[k]
            if c == Bytes.newline {
                if !multiline { return k }
                line += 1
                k += 1
            } else if c == Bytes.backslash {
                var p = k + 1
                var h = 0
                while h < hashes && p < n && b[p] == Bytes.hash { h += 1; p += 1 }
                guard h == hashes, p < n else { k += 1; continue }
                if b[p] == Bytes.lparen {
                    k = skipInterpolation(b, p + 1, line: &line)
                } else {
                    k = p + 1
                }
            } else if c == Bytes.quote, let end = closes(k) {
                return end
            } else {
                k += 1
            }
        }
        return k
    }

    /// Skips `\( ... )` contents, which may hold nested strings and parentheses.
    static func skipInterpolation(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, line: inout Int32) -> Int {
        var k = at
        var depth = 1
        while k < b.count {
            let c = b[k]
            if c == Bytes.lparen { depth += 1 } else if c == Bytes.rparen {
                depth -= 1
                if depth == 0 { return k + 1 }
            } else if c == Bytes.quote {
                k = skipString(b, k, hashes: 0, line: &line)
                continue
            } else if c == Bytes.newline {
                line += 1
            }
            k += 1
        }
        return k
    }
}
