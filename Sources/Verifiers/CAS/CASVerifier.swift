import ContentHash
import GateCore

/// Verifies a content-addressed store: every object hashes to its address, every reference resolves,
/// and no write was left half done.
///
/// Layouts: gate's `native` store (docs/cas-format.md), `oci` image layouts, `git` object stores,
/// `bazel` disk caches, `named` trees (restic and home-made stores) and `checksums` manifests
/// (`sha256sum`/`xxhsum` style), or `auto` to detect one. Orphans are warnings; every other finding is
/// an error and fails the check. A stat cache under `.gate/` skips objects unchanged since they last
/// verified (`full: true` hashes everything), `sample` verifies a deterministic share, and
/// `snapshot`/`baseline` record and compare the store's digests.
public struct CASVerifier: Verifier {
    public static let descriptor = VerifierDescriptor(
        id: "cas",
        summary: "Verifies a content-addressed store (native, OCI, git, Bazel, named, checksum files): hashes, sizes, references.",
        discussion: """
            Every object must hash to its address: XXH3-128 for gate's native store, SHA-256/512 for OCI and Bazel, git's \
            object ids (SHA-1 or SHA-256, every loose and packed object inflated and resolved natively), or the algorithm \
            of a checksum manifest. A git repository gets the checks of `git fsck --full --strict` (docs/git.md): packs and \
            indexes cross-checked, refs, reflogs and the index walked for missing objects, dangling objects as orphans, \
            object syntax with git's fsck message ids (cas/bad-object). References must resolve: native manifests, OCI descriptors (size and digest), checksum \
            entries. Leftover temporary files are partial writes. Objects nothing references are orphans, reported as \
            warnings, so a store whose only findings are orphans passes.

            Hashing runs on every core with one reusable 256 KiB read buffer per worker, walking with readdir \
            and never following a symlink out of the store. The stat cache (.gate/cas-cache.sqlite) is keyed by path, \
            device, inode, size, mtime and ctime, so a change that keeps the size and rewinds the mtime is still caught. \
            Compare with `git fsck`, `restic check --read-data` and `xxhsum -c`: one tool for all of these layouts, \
            re-verifying only what changed.
            """,
        parameters: [
            ParameterSpec("layout", .oneOf(Layout.allCases.map(\.rawValue)), default: "auto",
                          "The store's layout; auto detects oci-layout, a native 'format', .git, cas/+ac/ (Bazel), a restic repository, or 'manifest'."),
            ParameterSpec("algorithm", .string,
                          "For 'named' (default sha256) and 'checksums' (default: from the BSD tag or the digest length): xxh3-64, xxh3-128, sha1, sha256, sha384, sha512."),
            ParameterSpec("manifest", .path, "The checksum file for 'layout: checksums' (relative paths in it resolve against the root)."),
            ParameterSpec("exclude", .stringList, "Globs (relative to the root) of files and directories to leave out."),
            ParameterSpec("full", .bool, default: "false", "Hash every object, ignoring the stat cache (the cache is still updated)."),
            ParameterSpec("cache", .bool, default: "true", "Use and update the stat cache under the state directory."),
            ParameterSpec("sample", .string, default: "100%",
                          "Hash only a deterministic share of the objects the cache cannot vouch for, e.g. '5%'."),
            ParameterSpec("snapshot", .path, "Write the store's digests to this file (a checksum file, sorted by path)."),
            ParameterSpec("baseline", .path, "Compare the store with this snapshot: drift-added, drift-removed, drift-changed."),
            ParameterSpec("threads", .int, default: "cores", range: 1...256, "Hashing threads."),
            ParameterSpec("verify-pack", .string, default: "false",
                          "git: also run 'git verify-pack' on each pack as a cross-check of the native reader (true: require git; auto: when git is installed)."),
            ParameterSpec("strict", .bool, default: "true",
                          "git: check object syntax like 'git fsck --strict' (git's warnings are errors); false matches plain 'git fsck'."),
            ParameterSpec("reflogs", .bool, default: "true",
                          "git: treat reflog entries as heads, as 'git fsck' does (false: like 'git fsck --no-reflogs')."),
            ParameterSpec("dangling", .bool, default: "true",
                          "git: report dangling objects (git's 'dangling commit/tree/blob') as cas/orphan warnings."),
        ],
        rules: [
            RuleDescriptor("cas/hash-mismatch", "An object's content does not hash to its address.",
                           help: "Restore the object from a replica or backup."),
            RuleDescriptor("cas/size-mismatch", "An object's size differs from what a descriptor, manifest or header states.",
                           help: "Restore the object, or fix the size that refers to it."),
            RuleDescriptor("cas/missing-object", "A referenced object is absent.",
                           help: "Copy the object back, or remove the reference."),
            RuleDescriptor("cas/orphan", "An object nothing references (a warning).", severity: .warning,
                           help: "Garbage-collect it, or reference it from a manifest."),
            RuleDescriptor("cas/bad-name", "A file whose path is not a valid digest path, or a descriptor digest that is malformed.",
                           help: "Move or delete the file; fix the descriptor."),
            RuleDescriptor("cas/partial-write", "A temporary file left by an interrupted write.",
                           help: "Delete it once no writer runs, then re-add the object."),
            RuleDescriptor("cas/unreadable", "An object or directory that cannot be read.",
                           help: "Fix permissions or the disk error."),
            RuleDescriptor("cas/format-version", "The store's layout version is missing (a warning) or unsupported.",
                           help: "Write the supported version (see docs/cas-format.md)."),
            RuleDescriptor("cas/bad-manifest", "A manifest, index or checksum line that cannot be parsed.",
                           help: "Fix or regenerate it."),
            RuleDescriptor("cas/bad-object", "A git object whose syntax 'git fsck --strict' rejects, with git's fsck message id (evidence.fsckMsgId).",
                           help: "Rewrite the history that holds it, or set fsck.<msgId> in the repository's config if it is accepted."),
            RuleDescriptor("cas/symlink", "A symlink that leaves the store, dangles or loops; it is never followed.",
                           help: "Replace the link with the object, or remove it."),
            RuleDescriptor("cas/drift-added", "An object that is not in the baseline snapshot."),
            RuleDescriptor("cas/drift-removed", "A baseline object that is gone."),
            RuleDescriptor("cas/drift-changed", "An object whose digest differs from the baseline."),
        ],
        examples: CASExamples.all)

    let config: CASConfig

    public init(parameters: Parameters) throws(ConfigError) {
        config = try CASConfig(parameters)
    }

    public var evaluatedRules: [String] {
        let drift = config.baseline != nil ? ["cas/drift-added", "cas/drift-removed", "cas/drift-changed"] : []
        return Self.descriptor.rules.map(\.id).filter { !$0.hasPrefix("cas/drift-") } + drift
    }
}
