import ContentHash
import Foundation
import GateCore

/// Where a repository keeps things and how it is configured: the git directory (the root, `.git/`, or
/// where a `.git` file points), the common directory shared by linked worktrees, the object format, the
/// object directories (its own and, recursively, its alternates), shallow commits, grafts, promisor
/// remotes and the `fsck.*` settings git's fsck honours.
struct GitRepository: Sendable {
    let gitDir: String
    let commonDir: String
    let config: GitConfigFile
    let algorithm: HashAlgorithm
    /// The repository's own objects directory first, then its alternates (as git orders them).
    let objectDirs: [String]
    let alternateProblems: [String]

    var width: Int { algorithm.digestLength }
    var objects: String { objectDirs[0] }

    init(root: String) throws {
        gitDir = try Self.locate(root)
        if let common = StoreNames.read(gitDir + "/commondir")?.trimmingCharacters(in: .newlines), !common.isEmpty {
            commonDir = PathUtil.resolve(common, against: gitDir)
        } else {
            commonDir = gitDir
        }
        let configPath = commonDir + "/config"
        if let bytes = FileManager.default.contents(atPath: configPath) {
            do {
                config = try GitConfigFile(text: [UInt8](bytes))
            } catch {
                throw VerifierError("'\(PathUtil.display(configPath))' line \(error.line) is not valid git configuration; git refuses such a repository too ('git config -l' shows the error)")
            }
        } else {
            config = try GitConfigFile(text: [])
        }
        let format = config.value("extensions", nil, "objectformat")?.lowercased() ?? "sha1"
        switch format {
        case "sha1": algorithm = .sha1
        case "sha256": algorithm = .sha256
        default: throw VerifierError("'\(PathUtil.display(configPath))' sets extensions.objectFormat = \(format); gate (like git) knows sha1 and sha256")
        }
        let objects = commonDir + "/objects"
        guard StoreNames.isDirectory(objects) else {
            throw VerifierError("'\(PathUtil.display(gitDir))' has no 'objects' directory; is it a git repository?")
        }
        var dirs = [objects]
        var problems: [String] = []
        Self.alternates(of: objects, depth: 0, into: &dirs, problems: &problems)
        objectDirs = dirs
        alternateProblems = problems
    }

    /// The git directory: the root itself (bare), `.git/`, or where a `.git` file points.
    static func locate(_ root: String) throws -> String {
        let dotGit = root + "/.git"
        if StoreNames.isDirectory(dotGit) { return dotGit }
        if let text = StoreNames.read(dotGit), text.hasPrefix("gitdir:") {
            let target = text.dropFirst(7).trimmingCharacters(in: .whitespacesAndNewlines)
            return PathUtil.resolve(target, against: root)
        }
        if StoreNames.isDirectory(root + "/objects") && StoreNames.isFile(root + "/HEAD") { return root }
        throw VerifierError("'\(PathUtil.display(root))' is not a git repository (no .git and no bare repository)")
    }

    /// `objects/info/alternates`: one directory per line, relative to the objects directory, `#` comments;
    /// followed to a depth of five as git's `link_alt_odb_entries` does.
    private static func alternates(of objects: String, depth: Int, into dirs: inout [String], problems: inout [String]) {
        guard let text = StoreNames.read(objects + "/info/alternates") else { return }
        for raw in text.split(separator: "\n") {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.isEmpty || line.hasPrefix("#") { continue }
            let path = PathUtil.resolve(String(line), against: objects)
            guard depth < 5 else {
                problems.append("'\(path)': alternates nested more than five deep are ignored (as git does)")
                continue
            }
            guard StoreNames.isDirectory(path) else {
                problems.append("'\(path)', listed in '\(objects)/info/alternates', does not exist (git: 'object directory does not exist')")
                continue
            }
            let real = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? path
            if dirs.contains(real) || dirs.contains(path) { continue }
            dirs.append(path)
            alternates(of: path, depth: depth + 1, into: &dirs, problems: &problems)
        }
    }

    /// `shallow`: commits whose parents are absent on purpose (a shallow clone).
    func shallowCommits() -> [[UInt8]] {
        guard let text = StoreNames.read(commonDir + "/shallow") else { return [] }
        return text.split(whereSeparator: \.isNewline).compactMap { GitHex.decode($0, width: width) }
    }

    /// `info/grafts`: `<commit> <parent>...` lines that replace a commit's parents.
    func grafts() -> [(commit: [UInt8], parents: [[UInt8]])] {
        guard let text = StoreNames.read(commonDir + "/info/grafts") else { return [] }
        var out: [(commit: [UInt8], parents: [[UInt8]])] = []
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = line.split(separator: " ")
            guard let c = fields.first.flatMap({ GitHex.decode($0, width: width) }) else { continue }
            out.append((c, fields.dropFirst().compactMap { GitHex.decode($0, width: width) }))
        }
        return out
    }

    /// The promisor remote of a partial clone (promisor-remote.c `promisor_remote_init`): a remote with
    /// `promisor = true` or a `partialclonefilter`, or `extensions.partialClone`. Without one, git ignores
    /// `.promisor` packs: their missing objects are errors like any other.
    var promisorRemote: String? {
        if let r = config.value("extensions", nil, "partialclone") { return r }
        for e in config.entries where e.section == "remote" && e.subsection != nil {
            if e.key == "promisor" && config.bool("remote", e.subsection, "promisor") == true { return e.subsection }
            if e.key == "partialclonefilter" { return e.subsection }
        }
        return nil
    }

    /// `fsck.<msg-id>` levels and `fsck.skipList`, as git's `git_fsck_config` reads them.
    func fsckSettings() -> (overrides: [FsckID: FsckLevel], skipList: String?, unknown: [String]) {
        var overrides: [FsckID: FsckLevel] = [:]
        var skip: String?
        var unknown: [String] = []
        for e in config.entries where e.section == "fsck" && e.subsection == nil {
            if e.key == "skiplist" {
                skip = e.value.map { PathUtil.resolve(($0 as NSString).expandingTildeInPath, against: commonDir) }
            } else if let id = FsckID.byLowercase[e.key], let level = e.value.flatMap(FsckLevel.init(config:)) {
                overrides[id] = level
            } else if FsckID.byLowercase[e.key] == nil {
                unknown.append(e.key)
            }
        }
        return (overrides, skip, unknown)
    }
}
