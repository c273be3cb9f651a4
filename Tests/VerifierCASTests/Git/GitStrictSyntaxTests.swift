import ContentHash
import Foundation
import GateCore
import GateTestSupport
import Testing

@testable import VerifierCAS

/// `git fsck --strict`'s object checks (fsck.c fsck_commit, fsck_tree, fsck_tag_standalone,
/// fsck_finish), on objects written with `git hash-object --literally`: gate's `cas/bad-object` carries
/// the message id git prints.
@Suite struct GitStrictSyntaxTests {
    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var type: String
        /// The object's bytes, given the id of an existing blob, tree and commit.
        var bytes: @Sendable (_ blob: [UInt8], _ tree: String, _ commit: String) -> [UInt8]
        var msgID: String
        /// Whether git prints the message id (objects git cannot parse at all get "bogus ..." instead).
        var gitPrintsID = true
        var description: String { name }
    }

    static func entry(_ mode: String, _ name: String, _ id: [UInt8]) -> [UInt8] { Array("\(mode) \(name)\0".utf8) + id }
    static let ident = "A U Thor <author@example.invalid> 1700000000 +0000"

    static let cases: [Case] = [
        // commit.c parse_commit_buffer: "bogus commit object" (fsck.c fsck_commit: missingTree).
        Case(name: "commit without a tree line", type: "commit",
             bytes: { _, _, c in Array("parent \(c)\nauthor \(ident)\ncommitter \(ident)\n\nx\n".utf8) },
             msgID: "missingTree", gitPrintsID: false),
        // fsck.c fsck_ident: zeroPaddedDate, an error.
        Case(name: "commit with a zero-padded date", type: "commit",
             bytes: { _, t, _ in Array("tree \(t)\nauthor A <a@b> 0170 +0000\ncommitter \(ident)\n\nx\n".utf8) },
             msgID: "zeroPaddedDate"),
        // fsck.c fsck_ident: badEmail, an error.
        Case(name: "commit with a bad email", type: "commit",
             bytes: { _, t, _ in Array("tree \(t)\nauthor A <a@b 1 +0000\ncommitter \(ident)\n\nx\n".utf8) },
             msgID: "badEmail"),
        // fsck.c fsck_commit: missingCommitter, an error.
        Case(name: "commit without a committer", type: "commit",
             bytes: { _, t, _ in Array("tree \(t)\nauthor \(ident)\n\nx\n".utf8) },
             msgID: "missingCommitter"),
        // fsck.c fsck_tree (verify_ordered): duplicateEntries, an error.
        Case(name: "tree with duplicate entries", type: "tree",
             bytes: { b, _, _ in entry("100644", "a", b) + entry("100644", "a", b) }, msgID: "duplicateEntries"),
        // fsck.c fsck_tree (verify_ordered): treeNotSorted, an error.
        Case(name: "tree not sorted", type: "tree",
             bytes: { b, _, _ in entry("100644", "b", b) + entry("100644", "a", b) }, msgID: "treeNotSorted"),
        // fsck.c fsck_tree: zeroPaddedFilemode, a warning that --strict makes an error.
        Case(name: "tree with a zero-padded mode", type: "tree",
             bytes: { b, _, _ in entry("0100644", "a", b) }, msgID: "zeroPaddedFilemode"),
        // fsck.c fsck_tree (is_hfs_dotgit/is_ntfs_dotgit): hasDotgit, a warning; --strict: error.
        Case(name: "tree with a .git entry", type: "tree",
             bytes: { b, _, _ in entry("100644", ".GIT", b) }, msgID: "hasDotgit"),
        // fsck.c fsck_tree: fullPathname, a warning; --strict: error.
        Case(name: "tree with a full path", type: "tree",
             bytes: { b, _, _ in entry("100644", "a/b", b) }, msgID: "fullPathname"),
        // fsck.c fsck_tree: init_tree_desc_gently / update_tree_entry_gently fail: badTree, an error.
        Case(name: "tree that does not parse", type: "tree",
             bytes: { b, _, _ in entry("100644", "a", b) + Array("garbage".utf8) }, msgID: "badTree"),
        // tag.c parse_tag_buffer: "unknown tag type" (fsck.c fsck_tag_standalone: badType).
        Case(name: "tag with a bad type", type: "tag",
             bytes: { _, _, c in Array("object \(c)\ntype bogus\ntag t\ntagger \(ident)\n\nm\n".utf8) },
             msgID: "badType", gitPrintsID: false),
        // fsck.c fsck_tag_standalone -> fsck_ident: missingEmail, an error.
        Case(name: "tag without a tagger line's email", type: "tag",
             bytes: { _, _, c in Array("object \(c)\ntype commit\ntag t\ntagger A 1 +0000\n\nm\n".utf8) },
             msgID: "missingEmail"),
    ]

    @Test(arguments: cases)
    func strictMessagesMatchGit(_ c: Case) async throws {
        for format in GitFsckParityTests.formats {
            let f = try await GitFixture.make(format)
            defer { f.remove() }
            let blob = try #require(Hex.decode(try await f.rev("HEAD:README.md")))
            let id = try await f.writeObject(c.type, c.bytes(blob, try await f.rev("HEAD^{tree}"), try await f.rev("HEAD")))
            let git = try await f.fsck()
            let o = try await f.gate()
            f.expectParity(o, git, names: [id])
            let finding = o.findings.first { $0.rule == "cas/bad-object" && $0.evidence?["object"] == id }
            #expect(finding?.evidence?["fsckMsgId"] == c.msgID, "\(c.name) \(format): \(o.findings.map(\.message))")
            if c.gitPrintsID { #expect(git.output.contains(c.msgID + ":"), "\(c.name): git says \(git.output)") }
        }
    }

    @Test func warningsAreErrorsOnlyWhenStrictAndFsckConfigIsHonoured() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        let blob = try #require(Hex.decode(try await f.rev("HEAD:README.md")))
        let id = try await f.writeObject("tree", Self.entry("0100644", "a", blob))
        // fsck.c fsck_msg_type: zeroPaddedFilemode is a warning unless --strict.
        let plain = try await f.fsck(strict: false)
        let relaxed = try await f.gate(["strict": false])
        f.expectParity(relaxed, plain, names: [id])
        #expect(relaxed.findings.contains { $0.rule == "cas/bad-object" && $0.severity == .warning })
        // fsck.<msg-id> = ignore in the repository's config silences it for git and for gate.
        try await f.git("config", "fsck.zeroPaddedFilemode", "ignore")
        let ignored = try await f.gate()
        f.expectParity(ignored, try await f.fsck())
        #expect(!ignored.findings.contains { $0.rule == "cas/bad-object" })
    }

    @Test func hostileGitmodulesAreRejected() async throws {
        let f = try await GitFixture.make()
        defer { f.remove() }
        try f.dir.write([".gitmodules": "[submodule \"../../escape\"]\n\tpath = lib\n\turl = https://example.invalid/lib.git\n"])
        try await f.git("add", ".gitmodules")
        try await f.git("commit", "-q", "-m", "modules")
        let blob = try await f.rev("HEAD:.gitmodules")
        // fsck.c fsck_gitmodules_fn: "gitmodulesName: disallowed submodule name".
        let git = try await f.fsck()
        let o = try await f.gate()
        f.expectParity(o, git, names: [blob])
        #expect(git.output.contains("gitmodulesName"))
        #expect(o.findings.contains { $0.evidence?["fsckMsgId"] == "gitmodulesName" })
        // Packed (and a delta against an earlier version), the blob is read back from the pack.
        try f.dir.write([".gitmodules": "[submodule \"../../escape\"]\n\tpath = lib\n\turl = https://example.invalid/lib2.git\n"])
        try await f.git("commit", "-q", "-am", "modules again")
        try await f.git("repack", "-q", "-adf", "--depth=10", "--window=10")
        let packed = try await f.gate()
        f.expectParity(packed, try await f.fsck(), names: [try await f.rev("HEAD:.gitmodules")])
    }
}
