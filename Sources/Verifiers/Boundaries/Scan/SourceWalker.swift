import Foundation
import GateCore

/// Walks the root for source files and project files (Package.swift, go.mod, Cargo.toml, tsconfig.json).
///
/// Hidden entries, `node_modules` and `__pycache__` are never entered, nor anything an `exclude` glob
/// matches. Symbolic links to directories are followed once: a directory already visited (same device
/// and inode) is not entered again, so a link loop cannot trap the walk. The result is sorted.
struct SourceWalker {
    let root: String
    let languages: Set<Language>
    let exclude: [Glob]
    let include: [Glob]

    struct Result: Sendable {
        var sources: [(path: String, language: Language)] = []
        /// Project files by base name (`Package.swift`, `go.mod`, ...), relative paths, sorted.
        var projectFiles: [String: [String]] = [:]
        var symlinkLoops: [String] = []
    }

    static let projectFileNames: Set<String> = [
        "Package.swift", "go.mod", "Cargo.toml", "tsconfig.json", "jsconfig.json", "package.json",
    ]
    static let skippedDirectories: Set<String> = ["node_modules", "__pycache__"]

    func walk(cancelled: () -> Bool = { false }) -> Result {
        var result = Result()
        var visited = Set<DeviceInode>()
        var st = stat()
        guard stat(root, &st) == 0 else { return result }
        visited.insert(DeviceInode(st))
        var stack: [String] = [""]
        while let rel = stack.popLast() {
            if cancelled() { break }
            let dirPath = rel.isEmpty ? root : root + "/" + rel
            guard let dir = opendir(dirPath) else { continue }
            var subdirs: [String] = []
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
                }
                if name.hasPrefix(".") { continue }
                let childRel = rel.isEmpty ? name : rel + "/" + name
                var type = entry.pointee.d_type
                var isLink = type == UInt8(DT_LNK)
                if type == UInt8(DT_UNKNOWN) {
                    var ls = stat()
                    guard lstat(dirPath + "/" + name, &ls) == 0 else { continue }
                    isLink = (ls.st_mode & S_IFMT) == S_IFLNK
                    type = (ls.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : UInt8(DT_REG)
                }
                if isLink {
                    var target = stat()
                    guard stat(dirPath + "/" + name, &target) == 0 else { continue }
                    type = (target.st_mode & S_IFMT) == S_IFDIR ? UInt8(DT_DIR) : ((target.st_mode & S_IFMT) == S_IFREG ? UInt8(DT_REG) : 0)
                }
                if type == UInt8(DT_DIR) {
                    if Self.skippedDirectories.contains(name) || excluded(childRel + "/") { continue }
                    var ds = stat()
                    guard stat(dirPath + "/" + name, &ds) == 0 else { continue }
                    if !visited.insert(DeviceInode(ds)).inserted {
                        if isLink { result.symlinkLoops.append(childRel) }
                        continue
                    }
                    subdirs.append(childRel)
                } else if type == UInt8(DT_REG) {
                    if excluded(childRel) { continue }
                    if Self.projectFileNames.contains(name) {
                        result.projectFiles[name, default: []].append(childRel)
                    }
                    guard let lang = Language.of(fileName: name), languages.contains(lang) else { continue }
                    if !include.isEmpty && !Glob.any(include, childRel) { continue }
                    result.sources.append((childRel, lang))
                }
            }
            closedir(dir)
            stack.append(contentsOf: subdirs.sorted().reversed())
        }
        result.sources.sort { $0.path < $1.path }
        for k in result.projectFiles.keys { result.projectFiles[k]!.sort() }
        result.symlinkLoops.sort()
        return result
    }

    private func excluded(_ rel: String) -> Bool {
        guard !exclude.isEmpty else { return false }
        let trimmed = rel.hasSuffix("/") ? String(rel.dropLast()) : rel
        return Glob.any(exclude, trimmed)
    }
}

private struct DeviceInode: Hashable {
    let dev: UInt64
    let ino: UInt64
    init(_ s: stat) {
        dev = UInt64(s.st_dev)
        ino = UInt64(s.st_ino)
    }
}
