import ContentHash
import Foundation

/// Expands a check's input declarations into the files they name, sorted, without reading any of them.
///
/// Directory walks skip `.git` and the directories gate writes to (its state and reports), which change
/// on every run and would make every run a miss. Symbolic links to files count as the file they point to;
/// a link to a directory is recorded by its target path and not descended.
struct InputFiles {
    /// One input: its name in the key (relative to the root when under it) and its absolute path.
    struct Entry: Hashable {
        var name: String
        var path: String
    }

    let root: String

    init(root: String, excluded: Set<String>, outputs: [String] = [], skipDirectories: Set<String> = []) {
        self.root = root
        self.excluded = excluded
        self.skipDirectories = skipDirectories
        self.outputs = outputs.map { Glob("/" + PathUtil.relative(PathUtil.resolve($0, against: root), to: root) + "/") }
    }

    /// Absolute directories never walked into.
    let excluded: Set<String>
    /// Directory names never walked into (`.*`: every hidden one); see `CacheInputs.skipDirectories`.
    let skipDirectories: Set<String>
    /// Outputs to leave out: anchored at the root, each matching itself and everything below it.
    var outputs: [Glob] = []

    /// The files named by `declarations`, each once, sorted by name; plus declarations that matched nothing.
    func expand(_ declarations: [String]) throws -> (files: [Entry], unmatched: [String]) {
        var files: Set<Entry> = []
        var unmatched: [String] = []
        for declaration in declarations {
            try Task.checkCancellation()
            let before = files.count
            let absolute = PathUtil.resolve(declaration, against: root)
            if let (base, pattern) = Self.splitGlob(absolute) {
                let glob = Glob("/" + pattern)
                try walk(base) { rel, abs in
                    if glob.matches(rel) { files.insert(entry(abs)) }
                }
            } else if let s = FileStat.of(absolute), s.isDirectory {
                try walk(absolute) { _, abs in files.insert(entry(abs)) }
            } else if FileStat.of(absolute, followSymlinks: false) != nil {
                // A file named outright (a git listing) is still left out when it lies in gate's state or
                // reports, which change on every run.
                if !excluded.contains(where: { PathUtil.isInside(absolute, $0) }) { files.insert(entry(absolute)) }
            }
            if files.count == before { unmatched.append(PathUtil.relative(absolute, to: root)) }
        }
        if !outputs.isEmpty {
            files = files.filter { f in
                !(PathUtil.isInside(f.path, root) && Glob.any(outputs, PathUtil.relative(f.path, to: root)))
            }
        }
        return (files.sorted { $0.name < $1.name }, unmatched)
    }

    private func entry(_ absolute: String) -> Entry {
        Entry(name: PathUtil.relative(absolute, to: root), path: absolute)
    }

    /// Splits `/a/b/*/c.json` into the literal directory `/a/b` and the pattern `*/c.json`; nil for a
    /// plain path.
    static func splitGlob(_ path: String) -> (String, String)? {
        let parts = path.split(separator: "/", omittingEmptySubsequences: false)
        guard let first = parts.firstIndex(where: { $0.contains(where: { "*?[{".contains($0) }) }) else { return nil }
        let base = parts[..<first].joined(separator: "/")
        return (base.isEmpty ? "/" : base, parts[first...].joined(separator: "/"))
    }

    /// Visits every file under `directory` (relative path from `directory`, absolute path), in no order.
    private func walk(_ directory: String, _ visit: (String, String) -> Void) throws {
        var stack: [(String, String)] = [(directory, "")]
        while let (dir, rel) = stack.popLast() {
            try Task.checkCancellation()
            guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { continue }
            for name in names {
                let abs = dir == "/" ? "/" + name : dir + "/" + name
                let r = rel.isEmpty ? name : rel + "/" + name
                guard let s = FileStat.of(abs, followSymlinks: false) else { continue }
                if s.isDirectory {
                    if name == ".git" || excluded.contains(abs) || skipDirectories.contains(name)
                        || (name.hasPrefix(".") && skipDirectories.contains(".*")) {
                        continue
                    }
                    stack.append((abs, r))
                } else {
                    // Links to directories are kept as links (their target is in the key), not walked.
                    visit(r, abs)
                }
            }
        }
    }
}
