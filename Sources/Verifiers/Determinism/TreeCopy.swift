import Foundation
import GateCore

/// Copies a working directory for the path variation: regular files (with their modes and mtimes, so
/// build tools see the same freshness), directories and symlinks. Excluded globs and gate's own artifact
/// directory are left out. Files that vanish mid-copy (another check cleaning up) are skipped.
struct TreeCopy {
    let exclude: [Glob]
    /// Absolute, normalised paths.
    let excludeAbsolute: [String]

    /// Returns the number of files copied.
    @discardableResult
    func copy(from source: String, to destination: String, check: () throws -> Void) throws -> Int {
        try AtomicFile.makeDirectory(destination)
        var copied = 0
        try copyDirectory(source, destination, relative: "", copied: &copied, check: check)
        return copied
    }

    private func copyDirectory(_ src: String, _ dst: String, relative: String, copied: inout Int,
                               check: () throws -> Void) throws {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: src) else {
            throw VerifierError("cannot list '\(src)' to copy it for the 'path' variation")
        }
        try check()
        for name in names.sorted() {
            let rel = relative.isEmpty ? name : relative + "/" + name
            let from = src + "/" + name, to = dst + "/" + name
            var st = stat()
            guard lstat(from, &st) == 0 else { continue }
            let type = st.st_mode & S_IFMT
            if type == S_IFDIR {
                // The artifacts directory may sit inside the tree: copy around it, never into it.
                if Glob.any(exclude, rel + "/") || excludeAbsolute.contains(PathUtil.normalize(from)) { continue }
                guard mkdir(to, st.st_mode & 0o7777 | 0o700) == 0 || errno == EEXIST else {
                    throw StreamCopy.Failure("create directory", to)
                }
                try copyDirectory(from, to, relative: rel, copied: &copied, check: check)
                chmod(to, st.st_mode & 0o7777)
                setTimes(to, st)
            } else if type == S_IFREG {
                if Glob.any(exclude, rel) { continue }
                do {
                    _ = try StreamCopy.copy(from: from, to: to)
                } catch let e as StreamCopy.Failure where FileInfo.exists(from) {
                    throw VerifierError(e.description)
                } catch {
                    continue
                }
                chmod(to, st.st_mode & 0o7777)
                setTimes(to, st)
                copied += 1
            } else if type == S_IFLNK {
                if Glob.any(exclude, rel) { continue }
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: from) {
                    symlink(target, to)
                }
            }
        }
    }

    private func setTimes(_ path: String, _ st: stat) {
        var times = [st.st_atim, st.st_mtim]
        utimensat(AT_FDCWD, path, &times, AT_SYMLINK_NOFOLLOW)
    }
}
