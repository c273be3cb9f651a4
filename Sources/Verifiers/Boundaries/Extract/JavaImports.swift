/// Extracts Java and Kotlin package and import declarations from bytes: `package a.b;`,
/// `import a.b.C;`, `import static a.b.C.m;`, `import a.b.*;`, Kotlin's `import a.b.C as D` (semicolons
/// optional). Declarations come before the first type body, so scanning stops at the first `{`.
enum JavaImports {
    static func extract(_ b: UnsafeBufferPointer<UInt8>) -> ([RawImport], String?) {
        var out: [RawImport] = []
        var package: String?
        var i = 0
        var line: Int32 = 1
        let n = b.count
        while i < n {
            let c = b[i]
            if c == Bytes.newline { line += 1; i += 1; continue }
            if c == Bytes.slash && i + 1 < n && b[i + 1] == Bytes.slash { i = Bytes.skipLineComment(b, i); continue }
            if c == Bytes.slash && i + 1 < n && b[i + 1] == Bytes.star {
                i = Bytes.skipBlockComment(b, i, line: &line, nested: true)
                continue
            }
            if c == Bytes.quote {
                i = skipString(b, i, line: &line)
                continue
            }
            if c == Bytes.lbrace { break }
            guard Bytes.isIdentStart(c) else { i += 1; continue }
            let j = Bytes.identifier(b, i)
            if Bytes.equals(b, i, j, "package") {
                if let (name, end, _) = qualifiedName(b, j) { package = name; i = end; continue }
            } else if Bytes.equals(b, i, j, "import") {
                var k = Bytes.skipBlanks(b, j)
                let kj = k < n && Bytes.isIdentStart(b[k]) ? Bytes.identifier(b, k) : k
                if Bytes.equals(b, k, kj, "static") { k = kj }
                if let (name, end, wildcard) = qualifiedName(b, k) {
                    out.append(RawImport(name, line: line, flags: wildcard ? .wildcard : []))
                    i = end
                    continue
                }
            }
            i = j
        }
        return (out, package)
    }

    /// `a.b.C` or `a.b.*` after blanks; backticked Kotlin names are unquoted.
    static func qualifiedName(_ b: UnsafeBufferPointer<UInt8>, _ at: Int) -> (String, Int, Bool)? {
        var k = Bytes.skipBlanks(b, at)
        var parts: [String] = []
        let n = b.count
        while k < n {
            if b[k] == Bytes.backtick {
                var e = k + 1
                while e < n && b[e] != Bytes.backtick && b[e] != Bytes.newline { e += 1 }
                parts.append(Bytes.string(b, k + 1, e))
                k = min(e + 1, n)
            } else if Bytes.isIdentStart(b[k]) {
                let e = Bytes.identifier(b, k)
                parts.append(Bytes.string(b, k, e))
                k = e
            } else if b[k] == Bytes.star && !parts.isEmpty {
                return (parts.joined(separator: "."), k + 1, true)
            } else { break }
            let d = Bytes.skipBlanks(b, k)
            guard d < n, b[d] == Bytes.dot else { break }
            k = Bytes.skipBlanks(b, d + 1)
        }
        return parts.isEmpty ? nil : (parts.joined(separator: "."), k, false)
    }

    static func skipString(_ b: UnsafeBufferPointer<UInt8>, _ at: Int, line: inout Int32) -> Int {
        let n = b.count
        if at + 2 < n && b[at + 1] == Bytes.quote && b[at + 2] == Bytes.quote {
            var k = at + 3
            while k + 2 < n {
                if b[k] == Bytes.newline { line += 1 }
                if b[k] == Bytes.backslash { k += 2; continue }
                if b[k] == Bytes.quote && b[k + 1] == Bytes.quote && b[k + 2] == Bytes.quote { return k + 3 }
                k += 1
            }
            return n
        }
        return Bytes.skipQuoted(b, at)
    }
}
