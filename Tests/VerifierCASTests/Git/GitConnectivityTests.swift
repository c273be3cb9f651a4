import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

/// Heads and the walk: reflogs, the index, branches that are not commits, gitlinks, shallow clones,
/// alternates, grafts and partial clones, each against `git fsck --full --strict` on the same repository.
@Suite struct GitConnectivityTests {
    @Test func aGitlinkToAnAbsentCommitIsNotFollowed() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        let absent = String(repeating: "cd", count: 20)
        try await f.git("update-index", "--add", "--cacheinfo", "160000,\(absent),vendor/lib")
        try await f.git("commit", "-q", "-m", "add a submodule")
        // fsck.c fsck_walk_tree: S_ISGITLINK entries are skipped; exit 0.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck())
        #expect(CASHarness.errors(o).isEmpty && !o.findings.contains { $0.message.contains(absent) })
    }

    @Test(arguments: GitFsckParityTests.formats)
    func shallowClonesPass(format: String) async throws {
        let src = try await GitFixture.make(format, commits: 4)
        defer { src.remove() }
        let dst = try TempDir("git-fsck-shallow")
        defer { dst.remove() }
        try await Exec.git(["clone", "-q", "--depth", "1", "file://" + src.path, dst.path], in: src.path)
        let f = GitFixture(dir: dst, format: format)
        #expect(FileManager.default.fileExists(atPath: dst.file(".git/shallow")))
        // commit.c parse_commit_buffer: shallow commits are grafts without parents; exit 0.
        f.expectParity(try await f.gate(), try await f.fsck())
    }

    @Test(arguments: GitFsckParityTests.formats)
    func alternatesAreHonouredAndTheirObjectsVerified(format: String) async throws {
        let src = try await GitFixture.make(format)
        defer { src.remove() }
        let dst = try TempDir("git-fsck-alt")
        defer { dst.remove() }
        try await Exec.git(["clone", "-q", "--shared", src.path, dst.path], in: src.path)
        let f = GitFixture(dir: dst, format: format)
        #expect(FileManager.default.fileExists(atPath: dst.file(".git/objects/info/alternates")))
        let clean = try await f.gate()
        f.expectParity(clean, try await f.fsck())
        // Break a blob in the alternate: both see it through the alternates file.
        let blob = try await src.rev("HEAD:README.md")
        try FileManager.default.removeItem(atPath: src.loosePath(blob))
        f.expectParity(try await f.gate(), try await f.fsck(), names: [blob])
    }

    @Test func reflogEntriesToMissingCommitsFail() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        let old = try await f.rev("HEAD~1")
        try await f.git("reset", "-q", "--hard", "HEAD~2")
        try await f.git("branch", "-D", "side")
        try await f.git("tag", "-d", "v1")
        // The commit is now only in reflogs; delete it.
        try FileManager.default.removeItem(atPath: f.loosePath(old))
        // builtin/fsck.c fsck_handle_reflog_oid: "invalid reflog entry <id>": exit 2.
        f.expectParity(try await f.gate(), try await f.fsck(), names: [old])
        // Without reflogs (git fsck --no-reflogs) the commit is not needed; both pass.
        let noReflogs = try await f.gate(["reflogs": false])
        #expect(!noReflogs.findings.contains { $0.message.contains(old) }, "\(noReflogs.findings.map(\.message))")
    }

    @Test func anIndexEntryToAMissingBlobFails() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try f.dir.write(["staged.txt": "staged, never committed\n"])
        try await f.git("add", "staged.txt")
        let blob = try await f.rev(":staged.txt")
        // Staged blobs are reachable through the index: not dangling.
        f.expectParity(try await f.gate(), try await f.fsck())
        try FileManager.default.removeItem(atPath: f.loosePath(blob))
        // builtin/fsck.c cmd_fsck: index entries are heads (keep_cache_objects, fsck_index); "missing blob <id>": exit 2.
        f.expectParity(try await f.gate(), try await f.fsck(), names: [blob])
    }

    @Test func aBranchThatNamesATreeFails() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        let tree = try await f.rev("HEAD^{tree}")
        try f.dir.write([".git/refs/heads/odd": tree + "\n"])
        // builtin/fsck.c fsck_handle_ref: "refs/heads/odd: not a commit": ERROR_REFS.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck())
        #expect(o.findings.contains { $0.message.hasPrefix("refs/heads/odd") && $0.message.contains("not a commit") })
    }

    @Test func aDanglingSymbolicRefFailsAsInGit() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try f.dir.write([".git/refs/remotes/origin/HEAD": "ref: refs/remotes/origin/gone\n"])
        // builtin/fsck.c get_default_heads: for_each_rawref (refs.c, DO_FOR_EACH_INCLUDE_BROKEN) yields it with a null
        // id, and fsck_handle_ref says "invalid sha1 pointer 0000...".
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck())
        #expect(o.findings.contains { $0.message.hasPrefix("refs/remotes/origin/HEAD") })
    }

    @Test func graftsReplaceParentsAsGitDoes() async throws {
        let f = try await GitFixture.make(commits: 3)
        defer { f.remove() }
        try await f.git("branch", "-D", "side")
        try await f.git("reflog", "expire", "--expire=now", "--all")
        let head = try await f.rev("HEAD"), parent = try await f.rev("HEAD~1")
        try f.dir.write([".git/info/grafts": head + "\n"])
        try FileManager.default.removeItem(atPath: f.loosePath(parent))
        // commit.c parse_commit_buffer: the graft (no parents) replaces the real parent, which is not needed.
        f.expectParity(try await f.gate(), try await f.fsck())
    }

    @Test func aPartialCloneIsNotCorrupt() async throws {
        let src = try await GitFixture.make(commits: 3)
        defer { src.remove() }
        try await src.git("config", "uploadpack.allowFilter", "true")
        try await src.git("config", "uploadpack.allowAnySHA1InWant", "true")
        let dst = try TempDir("git-fsck-partial")
        defer { dst.remove() }
        try await Exec.git(["clone", "-q", "--no-checkout", "--filter=blob:none", "file://" + src.path, dst.path], in: src.path)
        let f = GitFixture(dir: dst, format: "sha1")
        #expect(try f.packs(".promisor").count >= 1)
        // builtin/fsck.c mark_object and packfile.c is_promisor_object: missing blobs of a partial clone are expected: exit 0.
        let o = try await f.gate()
        f.expectParity(o, try await f.fsck())
        let note = try #require(o.findings.first { $0.message.contains("partial clone") }, "\(o.findings.map(\.message))")
        #expect(note.severity == .warning && note.message.contains("'origin'"), "\(note.message)")
        // Without a promisor remote, git ignores .promisor packs (packfile.c is_promisor_object needs
        // has_promisor_remote): the unfetched blobs are missing objects, for git and for gate.
        for key in ["remote.origin.promisor", "remote.origin.partialclonefilter", "extensions.partialclone"] {
            _ = try await Exec.run(["git", "config", "--unset", key], cwd: dst.path, env: ["GIT_CONFIG_NOSYSTEM": "1", "HOME": dst.path])
        }
        let plain = try await f.gate()
        f.expectParity(plain, try await f.fsck())
        #expect(plain.findings.contains { $0.rule == "cas/missing-object" && $0.severity == .error })
    }
}
