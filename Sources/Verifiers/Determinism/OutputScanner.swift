import Foundation
import GateCore

/// Finds the files that output globs name, with enough of their stat to tell whether a run wrote them.
/// A file counts as a run's output when it appeared or changed (inode, size, mtime or ctime) during the
/// run, so stale files from earlier runs never pass for fresh output.
struct OutputScanner: Sendable {
    struct Stamp: Sendable, Equatable {
        var inode: UInt64
        var size: Int64
        var mtime: Int64
        var mtimeNanos: Int
        var ctime: Int64
        var ctimeNanos: Int
    }

    let patterns: [String]
    /// Directories (relative) never walked into.
    let skip: [Glob]
    /// Absolute directories never walked into (gate's own artifacts).
    let skipAbsolute: [String]

    init(patterns: [String], skip: [String] = [".git/"], skipAbsolute: [String] = []) {
        self.patterns = patterns
        self.skip = skip.map(Glob.init)
        self.skipAbsolute = skipAbsolute
    }

    /// Relative path to stamp, for every regular file under `base` that a pattern matches.
    func scan(_ base: String) -> [String: Stamp] {
        var out: [String: Stamp] = [:]
        for pattern in patterns {
            let glob = Glob(pattern)
            let literal = !pattern.contains(where: { "*?[{".contains($0) })
            if literal && !pattern.hasSuffix("/") {
                let rel = PathUtil.normalize(pattern)
                if let s = Self.stamp(base + "/" + rel) { out[rel] = s }
                continue
            }
            let start = Self.staticPrefix(pattern)
            walk(base, relative: start) { rel, stamp in
                if glob.matches(rel) { out[rel] = stamp }
            }
        }
        return out
    }

    /// The leading directories of a pattern that hold no wildcard (`out/reports` for `out/reports/*.json`).
    /// A pattern without '/' matches at any depth, so it starts at the top.
    static func staticPrefix(_ pattern: String) -> String {
        var p = pattern
        if p.hasPrefix("./") { p.removeFirst(2) }
        guard p.contains("/") else { return "" }
        var parts: [Substring] = []
        for part in p.split(separator: "/").dropLast() {
            if part.contains(where: { "*?[{".contains($0) }) { break }
            parts.append(part)
        }
        return parts.joined(separator: "/")
    }

    private func walk(_ base: String, relative: String, _ visit: (String, Stamp) -> Void) {
        let dir = relative.isEmpty ? base : base + "/" + relative
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names.sorted() {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let full = dir + "/" + name
            var st = stat()
            guard lstat(full, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFDIR:
                if Glob.any(skip, rel + "/") || skipAbsolute.contains(where: { PathUtil.isInside(full, $0) }) { continue }
                walk(base, relative: rel, visit)
            case S_IFREG:
                visit(rel, Self.stamp(st))
            default:
                continue
            }
        }
    }

    static func stamp(_ path: String) -> Stamp? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return stamp(st)
    }

    static func stamp(_ st: stat) -> Stamp {
        Stamp(inode: UInt64(st.st_ino), size: Int64(st.st_size), mtime: Int64(st.st_mtim.tv_sec),
              mtimeNanos: st.st_mtim.tv_nsec, ctime: Int64(st.st_ctim.tv_sec), ctimeNanos: st.st_ctim.tv_nsec)
    }

    /// Files that appeared or changed between two scans.
    static func written(before: [String: Stamp], after: [String: Stamp]) -> [String] {
        after.filter { before[$0.key] != $0.value }.map(\.key).sorted()
    }
}
