import Foundation
import GateTestSupport
import Testing

@testable import GateCore

/// `GitState.head(of:)` reads HEAD from the repository's files; git itself is the reference, on real
/// repositories made by `git`: loose and packed refs, a detached HEAD, a worktree, a subdirectory, an
/// empty repository and no repository at all.
@Suite struct GitHeadTests {
    func gitHead(_ dir: String) async throws -> String? {
        let r = try await Exec.run(["git", "rev-parse", "HEAD"], cwd: dir, env: ["GIT_CONFIG_NOSYSTEM": "1", "HOME": dir])
        return r.code == 0 ? r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil
    }

    func expectAgrees(_ dir: String, _ what: String) async throws {
        let expected = try await gitHead(dir)
        #expect(GitState.headFromFiles(dir) == (expected ?? ""), "\(what): files")
        #expect(await GitState.head(of: dir) == expected, "\(what): head(of:)")
    }

    @Test func agreesWithGitRevParse() async throws {
        let dir = try TempDir("git-head")
        defer { dir.remove() }
        try dir.write(["repo/a.txt": "one\n", "repo/sub/b.txt": "two\n"])
        let repo = dir.path + "/repo"
        try await Exec.git(["init", "-q", "-b", "main"], in: repo)
        // An empty repository has no HEAD commit: both say so (the files answer nil, then git is asked).
        #expect(GitState.headFromFiles(repo) == nil)
        #expect(await GitState.head(of: repo) == nil)
        try await Exec.git(["add", "-A"], in: repo)
        try await Exec.git(["commit", "-q", "-m", "one"], in: repo)
        try await expectAgrees(repo, "loose ref")
        try await expectAgrees(repo + "/sub", "subdirectory")
        try await Exec.git(["pack-refs", "--all"], in: repo)
        #expect(!FileManager.default.fileExists(atPath: repo + "/.git/refs/heads/main"))
        try await expectAgrees(repo, "packed ref")
        try dir.write(["repo/a.txt": "changed\n"])
        try await Exec.git(["commit", "-q", "-am", "two"], in: repo)
        try await expectAgrees(repo, "loose ref over a packed one")
        try await Exec.git(["checkout", "-q", "--detach", "HEAD~1"], in: repo)
        try await expectAgrees(repo, "detached")
        try await Exec.git(["checkout", "-q", "main"], in: repo)
        try await Exec.git(["worktree", "add", "-q", "-b", "side", dir.path + "/wt", "HEAD~1"], in: repo)
        try await expectAgrees(dir.path + "/wt", "worktree")
        #expect(GitState.headFromFiles(dir.path + "/wt") != GitState.headFromFiles(repo))
    }

    @Test func noRepositoryIsNil() async throws {
        let dir = try TempDir("git-none")
        defer { dir.remove() }
        // TempDir is not inside a repository unless TMPDIR is; then the answer must still match git.
        try await expectAgrees(dir.path, "no repository")
    }
}
