import Foundation
import GateCore
import Glibc

/// Which files a scan reads: inside a git work tree, what `git ls-files -co --exclude-standard` lists (so
/// `.gitignore` holds); elsewhere, or with `all-files: true`, every file under the root. Lock files and
/// vendored directories are left out by default, symlinks that leave the root are never followed, and
/// files over the size limit are counted and skipped.
struct FileSelection {
    struct File: Sendable {
        var absolute: String
        var relative: String
        var size: Int
    }

    /// Left out unless `default-excludes: false`: generated lock files.
    static let lockFiles = [
        "package-lock.json", "npm-shrinkwrap.json", "yarn.lock", "pnpm-lock.yaml", "bun.lockb", "Cargo.lock",
        "Gemfile.lock", "poetry.lock", "Pipfile.lock", "composer.lock", "go.sum", "Package.resolved", "Podfile.lock",
        "pubspec.lock", "mix.lock", "flake.lock", "gradle.lockfile", "packages.lock.json", "uv.lock", "pdm.lock",
    ]

    /// Left out unless `include-vendored: true` (or `default-excludes: false`): other people's code and
    /// build output, which the project does not write and cannot fix.
    static let vendoredDirectories = [
        "node_modules/", "vendor/", "_vendored/", "third_party/", "third-party/", "bower_components/", "Pods/",
        "Carthage/", "build/", "dist/", ".build/", ".venv/", "venv/", "site-packages/", "__pycache__/", ".tox/",
        ".terraform/", ".git/",
    ]

    static var defaultExcludes: [String] { lockFiles + vendoredDirectories }

    /// Always left out: gate's own state (`.gate/`) and reports (`Reports/` at the root, and wherever this
    /// run writes them), which may quote what a determinism or history run recorded.
    static func gateOutput(root: String, artifacts: String, state: String) -> [String] {
        var out = [".gate/", "/Reports/"]
        for dir in [artifacts, state] where PathUtil.isInside(dir, root) && dir != root {
            out.append("/" + PathUtil.relative(dir, to: root) + "/")
        }
        return out
    }

    var root: String
    var allFiles: Bool
    var include: [Glob]
    var exclude: [Glob]
    var maxFileSize: Int

    /// The files to scan, largest first (so the parallel workers finish together), and the counts of what
    /// was left out.
    func select(environment: [String: String]) async throws -> (files: [File], stats: ScanStats) {
        var stats = ScanStats()
        let filter = PathFilter(exclude: exclude, include: include)
        let realRoot = Self.realPath(root) ?? root
        var candidates: [String]
        if !allFiles, let listed = try await Self.gitListing(root: root, environment: environment) {
            candidates = listed
        } else {
            candidates = []
            walk(realRoot, relative: "", filter: filter, into: &candidates, pruned: &stats.excluded)
        }
        var seen = Set<String>()
        var files: [File] = []
        for rel in candidates where !rel.isEmpty {
            try Task.checkCancellation()
            if filter.excludes(rel) {
                stats.excluded += 1
                continue
            }
            let abs = PathUtil.resolve(rel, against: root)
            var st = stat()
            guard lstat(abs, &st) == 0 else { continue }  // tracked but deleted in the work tree
            var size = Int(st.st_size)
            if (st.st_mode & S_IFMT) == S_IFLNK {
                guard let target = Self.realPath(abs), PathUtil.isInside(target, realRoot) else {
                    stats.symlinksSkipped += 1
                    stats.warn("symlinks", rel)
                    continue
                }
                var tst = stat()
                guard stat(target, &tst) == 0, (tst.st_mode & S_IFMT) == S_IFREG else { continue }
                // A link to a file that is scanned anyway would only report it twice.
                if candidates.contains(PathUtil.relative(target, to: realRoot)) { continue }
                size = Int(tst.st_size)
            } else if (st.st_mode & S_IFMT) != S_IFREG {
                continue
            }
            guard seen.insert(rel).inserted else { continue }
            if size > maxFileSize {
                stats.tooLarge += 1
                continue
            }
            files.append(File(absolute: abs, relative: rel, size: size))
        }
        files.sort { $0.size != $1.size ? $0.size > $1.size : $0.relative < $1.relative }
        return (files, stats)
    }

    /// Every regular file and symlink under `dir`, pruning excluded directories (each counts as one
    /// excluded path) and never descending through a symlink.
    private func walk(_ dir: String, relative: String, filter: PathFilter, into out: inout [String], pruned: inout Int) {
        guard let d = opendir(dir) else { return }
        defer { closedir(d) }
        var entries: [(String, UInt8)] = []
        while let e = readdir(d) {
            let name = withUnsafeBytes(of: e.pointee.d_name) { raw in
                String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
            }
            if name == "." || name == ".." { continue }
            entries.append((name, e.pointee.d_type))
        }
        for (name, type) in entries.sorted(by: { $0.0 < $1.0 }) {
            let rel = relative.isEmpty ? name : relative + "/" + name
            var isDir = type == UInt8(DT_DIR)
            if type == UInt8(DT_UNKNOWN) {
                var st = stat()
                isDir = lstat(dir + "/" + name, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
            }
            if isDir {
                // git's and gate's own directories are not the project's content: not counted as excluded.
                if name == ".git" || (name == ".gate" && relative.isEmpty) { continue }
                if filter.prunes(directory: rel) {
                    pruned += 1
                    continue
                }
                walk(dir + "/" + name, relative: rel, filter: filter, into: &out, pruned: &pruned)
            } else {
                out.append(rel)
            }
        }
    }

    /// `git ls-files -co --exclude-standard` relative to `root`, or nil outside a git work tree.
    static func gitListing(root: String, environment: [String: String]) async throws -> [String]? {
        let probe = try await ProcessRunner.run(ProcessSpec(
            .argv(["git", "rev-parse", "--is-inside-work-tree"]), environment: environment, cwd: root, stderr: .discard))
        guard probe.exitCode == 0, probe.stdout.text.hasPrefix("true") else { return nil }
        let listing = NSTemporaryDirectory() + "gate-ls-files-\(UUID().uuidString)"
        defer { unlink(listing) }
        let r = try await ProcessRunner.run(ProcessSpec(
            .argv(["git", "-c", "core.quotepath=off", "ls-files", "-z", "-co", "--exclude-standard"]),
            environment: environment, cwd: root, stdout: .file(listing)))
        guard r.exitCode == 0 else {
            throw VerifierError("'git ls-files' failed in '\(root)': \(r.stderr.text.trimmingCharacters(in: .whitespacesAndNewlines)); "
                                + "fix the repository or set 'all-files: true'")
        }
        guard let data = FileManager.default.contents(atPath: listing) else { return [] }
        return data.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
    }

    static func realPath(_ path: String) -> String? {
        guard let p = realpath(path, nil) else { return nil }
        defer { free(p) }
        return String(cString: p)
    }
}
