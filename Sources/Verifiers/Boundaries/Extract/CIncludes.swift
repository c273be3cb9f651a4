/// Extracts C, C++ and Objective-C includes from bytes: `#include "x.h"`, `#include <x.h>`,
/// `#  include`, `#include_next` and `#import`. Block comments are skipped, so a commented-out include
/// does not count. `<...>` includes are flagged `angled`: they resolve against include directories only.
enum CIncludes {
    static func extract(_ b: UnsafeBufferPointer<UInt8>) -> [RawImport] {
        var out: [RawImport] = []
        var i = 0
        var line: Int32 = 1
        var atLineStart = true
        let n = b.count
        while i < n {
            let c = b[i]
            if c == Bytes.newline { line += 1; i += 1; atLineStart = true; continue }
            if Bytes.isBlank(c) { i += 1; continue }
            if c == Bytes.slash && i + 1 < n && b[i + 1] == Bytes.star {
                i = Bytes.skipBlockComment(b, i, line: &line, nested: false)
                continue
            }
            if c == Bytes.slash && i + 1 < n && b[i + 1] == Bytes.slash { i = Bytes.skipLineComment(b, i); continue }
            if atLineStart && c == Bytes.hash {
                atLineStart = false
                var k = Bytes.skipBlanks(b, i + 1)
                guard k < n, Bytes.isIdentStart(b[k]) else { i = k; continue }
                let j = Bytes.identifier(b, k)
                guard Bytes.equals(b, k, j, "include") || Bytes.equals(b, k, j, "include_next") || Bytes.equals(b, k, j, "import") else {
                    i = j
                    continue
                }
                k = Bytes.skipBlanks(b, j)
                guard k < n, b[k] == Bytes.quote || b[k] == Bytes.lt else { i = k; continue }
                let close = b[k] == Bytes.quote ? Bytes.quote : Bytes.gt
                var e = k + 1
                while e < n && b[e] != close && b[e] != Bytes.newline { e += 1 }
                if e < n && b[e] == close && e > k + 1 {
                    out.append(RawImport(Bytes.string(b, k + 1, e), line: line, flags: close == Bytes.gt ? .angled : []))
                }
                i = e
                continue
            }
            atLineStart = false
            if c == Bytes.quote || c == Bytes.apostrophe { i = Bytes.skipQuoted(b, i); continue }
            i += 1
        }
        return out
    }
}
