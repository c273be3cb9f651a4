import Foundation

/// What git says about a directory: the commit checked out and, for a sign-off made at another commit,
/// how the two relate. Everything is best effort: outside a repository, or without git, `head` is nil.
public struct GitState: Sendable, Equatable {
    /// The directory asked about, absolute.
    public var directory: String
    /// The full hash of HEAD.
    public var head: String?
    /// The repository's top directory, absolute.
    public var topLevel: String?

    public init(directory: String, head: String?, topLevel: String?) {
        self.directory = directory
        self.head = head
        self.topLevel = topLevel
    }

    /// How an earlier commit relates to HEAD.
    public enum Relation: Sendable, Equatable {
        /// The same commit.
        case same
        /// HEAD descends from it; `changed` lists the files under the directory that differ since, apart
        /// from those under the ignored state directory (paths relative to the repository top, sorted).
        case ancestor(changed: [String])
        /// Not an ancestor of HEAD (another branch, or history was rewritten).
        case unrelated
        /// git does not know the commit (a shallow clone, or a typo in the file).
        case unknown
    }

    /// Asks git about `directory`.
    public static func probe(_ directory: String) async -> GitState {
        guard let r = await git(["rev-parse", "--show-toplevel", "HEAD"], in: directory), r.code == 0 else {
            return GitState(directory: directory, head: nil, topLevel: nil)
        }
        let lines = r.out.split(separator: "\n").map(String.init)
        guard lines.count >= 2 else { return GitState(directory: directory, head: nil, topLevel: nil) }
        return GitState(directory: directory, head: lines[1], topLevel: lines[0])
    }

    /// The full hash of HEAD for `directory`, or nil outside a repository.
    ///
    /// Read from the repository's files when they are plain (a `.git` directory or worktree file, a loose
    /// or packed ref); anything else (GIT_DIR and friends, reftable, a symbolic ref it cannot follow) asks
    /// git. Every run records its commit, and starting git cost a few ms of CPU beside the first checks.
    public static func head(of directory: String) async -> String? {
        let env = ProcessInfo.processInfo.environment
        if env["GIT_DIR"] == nil && env["GIT_COMMON_DIR"] == nil && env["GIT_WORK_TREE"] == nil,
           let found = headFromFiles(directory) {
            return found.isEmpty ? nil : found
        }
        return await probe(directory).head
    }

    /// HEAD from the files; "" when there is certainly no repository up to the root, nil when unsure.
    static func headFromFiles(_ directory: String) -> String? {
        var dir = directory.hasPrefix("/") ? PathUtil.normalize(directory) : PathUtil.absolute(directory)
        while true {
            let dotGit = dir == "/" ? "/.git" : dir + "/.git"
            var st = stat()
            if lstat(dotGit, &st) == 0 {
                let gitDir: String
                if (st.st_mode & S_IFMT) == S_IFDIR {
                    gitDir = dotGit
                } else if (st.st_mode & S_IFMT) == S_IFREG, let text = SmallFile.text(dotGit), text.hasPrefix("gitdir: ") {
                    let target = text.dropFirst(8).trimmingCharacters(in: .whitespacesAndNewlines)
                    gitDir = PathUtil.resolve(target, against: dir)
                } else {
                    return nil
                }
                // A worktree keeps HEAD in its own directory and shares refs through `commondir`.
                let common = SmallFile.text(gitDir + "/commondir").map {
                    PathUtil.resolve($0.trimmingCharacters(in: .whitespacesAndNewlines), against: gitDir)
                } ?? gitDir
                guard let head = SmallFile.text(gitDir + "/HEAD")?.trimmingCharacters(in: .whitespacesAndNewlines) else { return nil }
                if isHash(head) { return head }
                guard head.hasPrefix("ref: refs/") else { return nil }
                let ref = String(head.dropFirst(5))
                for base in [gitDir, common] {
                    if let loose = SmallFile.text(base + "/" + ref)?.trimmingCharacters(in: .whitespacesAndNewlines) {
                        return isHash(loose) ? loose : nil
                    }
                }
                // Packed refs: "<hash> <ref>" lines. A branch with no commit yet has neither.
                guard let packed = SmallFile.text(common + "/packed-refs") else { return nil }
                for line in packed.split(separator: "\n") where !line.hasPrefix("#") && !line.hasPrefix("^") {
                    let parts = line.split(separator: " ", maxSplits: 1)
                    if parts.count == 2, parts[1] == ref, isHash(String(parts[0])) { return String(parts[0]) }
                }
                return nil
            }
            let parent = PathUtil.dirname(dir)
            if dir == "/" || parent == dir { return "" }
            dir = parent
        }
    }

    private static func isHash(_ s: String) -> Bool {
        (s.utf8.count == 40 || s.utf8.count == 64) && s.utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 >= 97 && $0 <= 102) }
    }

    /// How `commit` relates to HEAD, ignoring changes under `ignoring` (gate's state directory, so that
    /// committing a sign-off or a waiver does not void the sign-offs made just before).
    public func relation(of commit: String, ignoring: String?) async -> Relation {
        guard let head else { return .unknown }
        if commit == head { return .same }
        guard let anc = await Self.git(["merge-base", "--is-ancestor", commit, "HEAD"], in: directory) else {
            return .unknown
        }
        if anc.code == 1 { return .unrelated }
        guard anc.code == 0 else { return .unknown }
        guard let diff = await Self.git(["diff", "--name-only", "-z", "--no-renames", commit, "HEAD", "--", "."],
                                        in: directory), diff.code == 0 else { return .unknown }
        var changed = diff.out.split(separator: "\0").map(String.init)
        if let ignoring, let top = topLevel {
            let state = PathUtil.relative(Self.realPath(ignoring), to: Self.realPath(top))
            changed.removeAll { PathUtil.isInside($0, state) }
        }
        return .ancestor(changed: changed.sorted())
    }

    /// True when the work tree under `directory` has uncommitted changes (tracked or untracked files, apart
    /// from `excluding`, gate's own state and reports), false when clean, nil outside a repository.
    public static func isDirty(_ directory: String, excluding: [String] = []) async -> Bool? {
        let pathspecs = ["."] + excluding.filter { PathUtil.isInside($0, directory) && $0 != directory }
            .map { ":(exclude)" + PathUtil.relative($0, to: directory) }
        guard let r = await git(["status", "--porcelain", "--"] + pathspecs, in: directory), r.code == 0 else { return nil }
        return !r.out.isEmpty
    }

    private static func git(_ args: [String], in dir: String) async -> (code: Int32, out: String)? {
        var env = ProcessInfo.processInfo.environment
        env["GIT_TERMINAL_PROMPT"] = "0"
        env["LC_ALL"] = "C"
        let spec = ProcessSpec(.argv(["git"] + args), environment: env, cwd: dir, stdout: .capture, stderr: .discard,
                               captureLimit: 8 << 20, timeout: .seconds(30), killGrace: .seconds(1))
        guard let r = try? await ProcessRunner.run(spec) else { return nil }
        return (r.exitCode ?? -1, r.stdout.text.trimmingCharacters(in: .newlines))
    }

    static func realPath(_ path: String) -> String {
        guard let p = realpath(path, nil) else {
            let parent = PathUtil.dirname(path)
            return parent == path ? PathUtil.normalize(path) : realPath(parent) + "/" + PathUtil.basename(path)
        }
        defer { free(p) }
        return String(cString: p)
    }
}
