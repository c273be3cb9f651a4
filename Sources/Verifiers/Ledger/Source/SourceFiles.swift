import Foundation
import GateCore

/// Turns `source:` entries (paths and globs, relative to the root) into the files they name, in order:
/// the entries in the order written, each glob's matches in natural order, so that `audit.2.jsonl` comes
/// before `audit.10.jsonl` as log rotation numbers them.
enum SourceFiles {
    static func resolve(_ patterns: [String], root: String) throws(VerifierError) -> [String] {
        var files: [String] = []
        for pattern in patterns {
            if !hasWildcard(pattern) {
                let path = PathUtil.resolve(pattern, against: root)
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
                    throw VerifierError("the ledger file '\(pattern)' does not exist; check 'source'")
                }
                guard !isDirectory.boolValue else {
                    throw VerifierError("'\(pattern)' is a directory; name the JSON Lines files in it, e.g. '\(pattern)/*.jsonl'")
                }
                files.append(path)
                continue
            }
            let matches = glob(pattern, root: root)
            guard !matches.isEmpty else {
                throw VerifierError("no file matches '\(pattern)'; check 'source' (globs are relative to the root)")
            }
            files += matches
        }
        var seen = Set<String>()
        for f in files where !seen.insert(f).inserted {
            throw VerifierError("'\(PathUtil.relative(f, to: root))' is named twice in 'source'; each file can appear once in a ledger")
        }
        return files
    }

    static func hasWildcard(_ s: String) -> Bool { s.contains { "*?[{".contains($0) } }

    /// Walks the pattern's fixed leading directories, then matches every regular file below against it.
    private static func glob(_ pattern: String, root: String) -> [String] {
        let absolute = PathUtil.resolve(pattern, against: root)
        let parts = absolute.split(separator: "/", omittingEmptySubsequences: false).map(String.init)
        let fixedCount = parts.firstIndex(where: hasWildcard) ?? parts.count
        let base = parts[..<fixedCount].joined(separator: "/")
        let rest = parts[fixedCount...].joined(separator: "/")
        let matcher = Glob("/" + rest)
        let deep = rest.contains("**") || rest.contains("/")
        var out: [String] = []
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base.isEmpty ? "/" : base) else { return [] }
        var queue = names.map { (rel: $0, depth: 0) }
        while !queue.isEmpty {
            let (rel, depth) = queue.removeFirst()
            let full = base + "/" + rel
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isDirectory) else { continue }
            if isDirectory.boolValue {
                if deep && depth < 32, let children = try? FileManager.default.contentsOfDirectory(atPath: full) {
                    queue += children.map { (rel + "/" + $0, depth + 1) }
                }
            } else if matcher.matches(rel) {
                out.append(full)
            }
        }
        return out.sorted(by: naturalOrder)
    }

    /// Compares runs of digits by their value and everything else byte by byte.
    static func naturalOrder(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        var i = 0, j = 0
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        while i < x.count && j < y.count {
            if isDigit(x[i]) && isDigit(y[j]) {
                var i2 = i, j2 = j
                while i2 < x.count && isDigit(x[i2]) { i2 += 1 }
                while j2 < y.count && isDigit(y[j2]) { j2 += 1 }
                let p = x[i..<i2].drop { $0 == 48 }, q = y[j..<j2].drop { $0 == 48 }
                if p.count != q.count { return p.count < q.count }
                if !p.elementsEqual(q) { return p.lexicographicallyPrecedes(q) }
                i = i2
                j = j2
            } else {
                if x[i] != y[j] { return x[i] < y[j] }
                i += 1
                j += 1
            }
        }
        return x.count - i < y.count - j || (x.count - i == y.count - j && a < b)
    }
}
