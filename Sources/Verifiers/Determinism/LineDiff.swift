/// A short unified diff of two windows of lines (the first difference and what follows), bounded in
/// input (the windows), work (an LCS table of at most 120 x 120) and output (`maxLines`).
enum LineDiff {
    enum Op: Equatable { case same(String), removed(String), added(String) }

    static func ops(_ a: [String], _ b: [String]) -> [Op] {
        let n = a.count, m = b.count
        var table = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        for i in stride(from: n - 1, through: 0, by: -1) {
            for j in stride(from: m - 1, through: 0, by: -1) {
                table[i][j] = a[i] == b[j] ? table[i + 1][j + 1] + 1 : max(table[i + 1][j], table[i][j + 1])
            }
        }
        var out: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] { out.append(.same(a[i])); i += 1; j += 1 }
            else if i < n, j == m || table[i + 1][j] >= table[i][j + 1] { out.append(.removed(a[i])); i += 1 }
            else { out.append(.added(b[j])); j += 1 }
        }
        return out
    }

    /// `--- a` / `+++ b` / `@@ ... @@` hunks. Both windows start at line `startLine`.
    static func unified(_ a: [String], _ b: [String], startLine: Int, labelA: String, labelB: String,
                        windowsComplete: Bool, maxLines: Int = 24, context: Int = 3) -> String {
        let all = ops(a, b)
        let changes = all.indices.filter { if case .same = all[$0] { false } else { true } }
        guard let firstChange = changes.first else { return "" }
        var out = ["--- \(labelA)", "+++ \(labelB)"]
        var groups: [ClosedRange<Int>] = []
        var lo = firstChange, hi = firstChange
        for c in changes.dropFirst() {
            if c - hi - 1 > 2 * context { groups.append(lo...hi); lo = c }
            hi = c
        }
        groups.append(lo...hi)
        var printed = 0
        var cut = false
        for g in groups {
            let from = max(0, g.lowerBound - context), to = min(all.count - 1, g.upperBound + context)
            // Line numbers at `from` on each side.
            var la = startLine, lb = startLine
            for op in all[0..<from] {
                switch op { case .same: la += 1; lb += 1; case .removed: la += 1; case .added: lb += 1 }
            }
            let slice = all[from...to]
            let countA = slice.filter { if case .added = $0 { false } else { true } }.count
            let countB = slice.filter { if case .removed = $0 { false } else { true } }.count
            out.append("@@ -\(la),\(countA) +\(lb),\(countB) @@")
            for op in slice {
                if printed >= maxLines { cut = true; break }
                switch op {
                case .same(let s): out.append(" " + clip(s))
                case .removed(let s): out.append("-" + clip(s))
                case .added(let s): out.append("+" + clip(s))
                }
                printed += 1
            }
            if cut { break }
        }
        if cut || !windowsComplete { out.append("... (diff limited to the lines around the first difference; compare the kept files for the rest)") }
        return out.joined(separator: "\n")
    }

    static func clip(_ s: String, _ limit: Int = 160) -> String {
        s.count > limit ? String(s.prefix(limit - 3)) + "..." : s
    }
}
