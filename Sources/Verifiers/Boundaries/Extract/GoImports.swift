/// Extracts Go imports from bytes: `import "a/b"`, `import x "a/b"`, and `import ( ... )` blocks with
/// blank (`_`), dot and named imports, plus the `package` clause. Go allows imports only before the first
/// declaration, so scanning stops at the first `func`, `type`, `var` or `const`.
enum GoImports {
    static func extract(_ b: UnsafeBufferPointer<UInt8>) -> ([RawImport], String?) {
        var out: [RawImport] = []
        var package: String?
        var i = 0
        var line: Int32 = 1
        let n = b.count
        while i < n {
            i = skip(b, i, line: &line)
            guard i < n else { break }
            let c = b[i]
            guard Bytes.isIdentStart(c) else {
                if c == Bytes.quote || c == Bytes.backtick { i = skipString(b, i, line: &line) } else { i += 1 }
                continue
            }
            let j = Bytes.identifier(b, i)
            if Bytes.equals(b, i, j, "package") {
                let k = skip(b, j, line: &line)
                if k < n, Bytes.isIdentStart(b[k]) {
                    let e = Bytes.identifier(b, k)
                    package = Bytes.string(b, k, e)
                    i = e
                    continue
                }
            } else if Bytes.equals(b, i, j, "import") {
                var k = skip(b, j, line: &line)
                if k < n && b[k] == Bytes.lparen {
                    k += 1
                    while true {
                        k = skip(b, k, line: &line)
                        guard k < n, b[k] != Bytes.rparen else { k += 1; break }
                        guard let end = spec(b, k, line: &line, into: &out) else { k += 1; continue }
                        k = end
                    }
                } else if let end = spec(b, k, line: &line, into: &out) {
                    k = end
                }
                i = k
                continue
            } else if Bytes.equals(b, i, j, "func") || Bytes.equals(b, i, j, "type")
                        || Bytes.equals(b, i, j, "var") || Bytes.equals(b, i, j, "const") {
                break
            }
            i = j
        }
        return (out, package)
    }

    /// One import spec: an optional name (`x`, `_`, `.`), then the path literal.
    static func spec(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, line: inout Int32, into out: inout [RawImport]) -> Int? {
        var k = at
        let n = b.count
        if k < n && (Bytes.isIdentStart(b[k]) || b[k] == Bytes.dot) {
            k = b[k] == Bytes.dot ? k + 1 : Bytes.identifier(b, k)
            k = skip(b, k, line: &line)
        }
        guard k < n, b[k] == Bytes.quote || b[k] == Bytes.backtick else { return nil }
        let startLine = line
        let end = skipString(b, k, line: &line)
        guard end - 1 > k + 1 else { return end }
        let path = Bytes.string(b, k + 1, end - 1)
        out.append(RawImport(path, line: startLine))
        return end
    }

    /// Skips blanks, newlines and comments.
    static func skip(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, line: inout Int32) -> Int {
        var k = at
        let n = b.count
        while k < n {
            let c = b[k]
            if c == Bytes.newline { line += 1; k += 1 } else if Bytes.isBlank(c) || c == Bytes.semicolon { k += 1 } else if c == Bytes.slash && k + 1 < n && b[k + 1] == Bytes.slash {
                k = Bytes.skipLineComment(b, k)
            } else if c == Bytes.slash && k + 1 < n && b[k + 1] == Bytes.star {
                k = Bytes.skipBlockComment(b, k, line: &line, nested: false)
            } else { break }
        }
        return k
    }

    static func skipString(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, line: inout Int32) -> Int {
        if b[at] == Bytes.backtick {
            var k = at + 1
            while k < b.count && b[k] != Bytes.backtick {
                if b[k] == Bytes.newline { line += 1 }
                k += 1
            }
            return min(k + 1, b.count)
        }
        return Bytes.skipQuoted(b, at)
    }
}
