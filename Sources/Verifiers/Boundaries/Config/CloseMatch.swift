/// `difflib.get_close_matches(word, possibilities, n=1, cutoff=0.6)` as CPython computes it, so that
/// "did you mean" names the option import-linter names (`Contract._get_unrecognized_option_errors`).
enum CloseMatch {
    static func best(_ word: String, among possibilities: [String], cutoff: Double = 0.6) -> String? {
        let b = Array(word.unicodeScalars)
        var best: (Double, String)?
        for x in possibilities {
            let a = Array(x.unicodeScalars)
            // real_quick_ratio, quick_ratio and ratio are upper bounds of each other; ratio decides.
            let r = ratio(a, b)
            guard r >= cutoff else { continue }
            // heapq.nlargest compares (score, word) tuples: on a tie the larger word wins.
            if best == nil || r > best!.0 || (r == best!.0 && x > best!.1) { best = (r, x) }
        }
        return best?.1
    }

    /// SequenceMatcher(None, a, b).ratio(): 2 * matches / total length.
    static func ratio(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar]) -> Double {
        let total = a.count + b.count
        guard total > 0 else { return 1 }
        var b2j: [Unicode.Scalar: [Int]] = [:]
        for (j, c) in b.enumerated() { b2j[c, default: []].append(j) }
        var matches = 0
        var queue = [(0, a.count, 0, b.count)]
        while let (alo, ahi, blo, bhi) = queue.popLast() {
            let (i, j, k) = longestMatch(a, b, b2j, alo, ahi, blo, bhi)
            guard k > 0 else { continue }
            matches += k
            if alo < i && blo < j { queue.append((alo, i, blo, j)) }
            if i + k < ahi && j + k < bhi { queue.append((i + k, ahi, j + k, bhi)) }
        }
        return 2.0 * Double(matches) / Double(total)
    }

    /// find_longest_match without junk: the longest common block, earliest in `a`, then in `b`.
    static func longestMatch(_ a: [Unicode.Scalar], _ b: [Unicode.Scalar], _ b2j: [Unicode.Scalar: [Int]],
                             _ alo: Int, _ ahi: Int, _ blo: Int, _ bhi: Int) -> (Int, Int, Int) {
        var (besti, bestj, bestsize) = (alo, blo, 0)
        var j2len: [Int: Int] = [:]
        for i in alo..<ahi {
            var next: [Int: Int] = [:]
            for j in b2j[a[i]] ?? [] {
                if j < blo { continue }
                if j >= bhi { break }
                let k = (j2len[j - 1] ?? 0) + 1
                next[j] = k
                if k > bestsize { (besti, bestj, bestsize) = (i - k + 1, j - k + 1, k) }
            }
            j2len = next
        }
        return (besti, bestj, bestsize)
    }
}
