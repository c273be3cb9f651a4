import Foundation

/// The byte-level work behind `Redactor.redact`: the prefilter, the escape-free view, the matches and the
/// rebuilt text.
enum RedactionEngine {
    static let rules = RedactionRule.all
    /// Compiled on first use (a static let is lazy): a run whose texts never trigger a rule compiles nothing.
    static let regexes: [RedactionRegex] = rules.map { RedactionRegex($0.pattern) }
    static let urlPassword = RedactionRegex(RedactionRule.all.first { $0.name == "url-password" }!.pattern)

    /// A found credential, in view coordinates, and what replaces it.
    struct Hit {
        var range: Range<Int>
        /// nil: a preview of the matched text.
        var replacement: String?
    }

    /// True when the prefilter lets `text` through to a regex (or to the escape-free view).
    static func mayMatch(_ text: String) -> Bool {
        var copy = text
        return copy.withUTF8 { let r = Prefilter.scan($0); return r.rules != 0 || r.escapes }
    }

    /// nil when nothing was found (the caller keeps its text).
    static func redact(_ bytes: UnsafeBufferPointer<UInt8>, literals: [Redactor.Literal]) -> String? {
        let first = Prefilter.scan(bytes)
        guard first.escapes else {
            return rebuild(bytes, origin: nil, original: bytes, hits: hits(in: bytes, rules: first.rules, literals: literals))
        }
        // Matching runs on the text with its escape sequences set aside (`\e[31mghp_...` has a token after
        // the `m`), and the hits map back onto the original, whose other escapes stay as they were.
        let (view, origin) = EscapeView.strip(bytes)
        return view.withUnsafeBufferPointer { v in
            let found = hits(in: v, rules: Prefilter.scan(v).rules, literals: literals)
            return rebuild(v, origin: origin, original: bytes, hits: found)
        }
    }

    static func hits(in view: UnsafeBufferPointer<UInt8>, rules mask: UInt64, literals: [Redactor.Literal]) -> [Hit] {
        var found: [Hit] = []
        for literal in literals { literalHits(literal, in: view, into: &found) }
        guard mask != 0 else { return found }
        for (i, rule) in rules.enumerated() where mask & (1 << UInt64(i)) != 0 {
            let replacement: String?
            switch rule.style {
            case .preview: replacement = nil
            case .replace(let text): replacement = text
            }
            regexes[i].forEachMatch(in: view, group: rule.group) { found.append(Hit(range: $0, replacement: replacement)) }
        }
        return found
    }

    /// The whole value; a run of its first eight or more characters (a value cut at the end of a field);
    /// its last eight characters and what precedes them of it (a value cut at the start of a kept tail).
    static func literalHits(_ literal: Redactor.Literal, in view: UnsafeBufferPointer<UInt8>, into found: inout [Hit]) {
        let value = literal.value, n = view.count, length = value.count
        guard let base = view.baseAddress, n > 0, length > 0 else { return }
        let edge = min(8, length)
        value.withUnsafeBufferPointer { v in
            var from = 0
            while let start = find(v.baseAddress!, edge, in: base, n, from: from) {
                var k = edge
                while k < length, start + k < n, view[start + k] == v[k] { k += 1 }
                found.append(Hit(range: start..<(start + k), replacement: literal.label))
                from = start + k
            }
            guard length > edge else { return }
            from = 0
            while let at = find(v.baseAddress! + (length - edge), edge, in: base, n, from: from) {
                let end = at + edge
                var k = edge
                while k < length, end - k - 1 >= 0, view[end - k - 1] == v[length - k - 1] { k += 1 }
                found.append(Hit(range: (end - k)..<end, replacement: literal.label))
                from = end
            }
        }
    }

    /// The offset of the first `needle` in `hay[from...]`: memchr for its first byte, then memcmp (glibc's
    /// memmem is not visible to Swift without _GNU_SOURCE).
    static func find(_ needle: UnsafePointer<UInt8>, _ count: Int, in hay: UnsafePointer<UInt8>, _ n: Int, from: Int) -> Int? {
        var i = from
        while i + count <= n {
            guard let p = memchr(hay + i, Int32(needle[0]), n - count + 1 - i) else { return nil }
            let at = hay.distance(to: p.assumingMemoryBound(to: UInt8.self))
            if memcmp(hay + at, needle, count) == 0 { return at }
            i = at + 1
        }
        return nil
    }

    /// The original text with every hit replaced; overlapping hits merge and keep the first one's
    /// replacement. `origin[i]` is the original offset of view byte `i` (nil: the view is the original).
    static func rebuild(_ view: UnsafeBufferPointer<UInt8>, origin: [Int]?, original: UnsafeBufferPointer<UInt8>,
                        hits: [Hit]) -> String? {
        guard !hits.isEmpty else { return nil }
        var merged: [Hit] = []
        for h in hits.sorted(by: { ($0.range.lowerBound, $1.range.upperBound) < ($1.range.lowerBound, $0.range.upperBound) }) {
            if let last = merged.last, h.range.lowerBound < last.range.upperBound {
                merged[merged.count - 1].range = last.range.lowerBound..<max(last.range.upperBound, h.range.upperBound)
            } else {
                merged.append(h)
            }
        }
        var out: [UInt8] = []
        out.reserveCapacity(original.count)
        var cursor = 0
        for h in merged {
            let lower = origin.map { $0[h.range.lowerBound] } ?? h.range.lowerBound
            let upper = origin.map { $0[h.range.upperBound - 1] + 1 } ?? h.range.upperBound
            out.append(contentsOf: original[cursor..<lower])
            let text = h.replacement ?? Redactor.preview(String(decoding: view[h.range], as: UTF8.self))
            out.append(contentsOf: text.utf8)
            cursor = upper
        }
        out.append(contentsOf: original[cursor...])
        return String(decoding: out, as: UTF8.self)
    }
}
