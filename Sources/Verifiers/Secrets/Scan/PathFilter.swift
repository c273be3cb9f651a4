import GateCore

/// Include and exclude globs, with a fast path for the common literal ones (`package-lock.json`,
/// `node_modules/`): those become set lookups on the path's components, so that filtering a hundred
/// thousand paths against the default list costs one split per path rather than one per glob.
struct PathFilter: Sendable {
    private let basenames: Set<Substring>
    private let directories: Set<Substring>
    private let globs: [Glob]
    private let include: [Glob]

    init(exclude: [Glob], include: [Glob]) {
        var names = Set<Substring>(), dirs = Set<Substring>()
        var rest: [Glob] = []
        for g in exclude {
            let p = g.pattern
            let literal = !p.contains { "*?[]{}\\".contains($0) }
            if literal, !p.dropLast().contains("/") {
                if p.hasSuffix("/") { dirs.insert(Substring(p.dropLast())) } else { names.insert(Substring(p)) }
            } else {
                rest.append(g)
            }
        }
        basenames = names
        directories = dirs
        globs = rest
        self.include = include
    }

    /// Whether `path` (relative, `/`-separated) is left out.
    func excludes(_ path: String) -> Bool {
        let parts = path.split(separator: "/")
        if let last = parts.last, basenames.contains(last) || directories.contains(last) { return true }
        if !directories.isEmpty, parts.dropLast().contains(where: { directories.contains($0) }) { return true }
        if !globs.isEmpty, Glob.any(globs, path) { return true }
        return !include.isEmpty && !Glob.any(include, path)
    }

    /// Whether a directory (relative, without a trailing slash) is pruned from a walk.
    func prunes(directory: String) -> Bool {
        if let last = directory.split(separator: "/").last, directories.contains(last) { return true }
        return !globs.isEmpty && Glob.any(globs, directory + "/")
    }
}
