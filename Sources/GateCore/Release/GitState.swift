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
