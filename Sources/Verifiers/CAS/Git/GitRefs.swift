import ContentHash
import Foundation
import GateCore

/// A starting point of git's connectivity walk: a ref, HEAD, a reflog entry or an index entry.
struct GitHead: Sendable {
    enum Kind: Sendable { case ref, head, reflog, index }
    var name: String
    var id: [UInt8]
    var kind: Kind
    /// The file it came from, for findings.
    var path: String
    /// What the object must be: refs under refs/heads/ name commits, the cache tree names trees.
    var mustBe: GitType? = nil
}

/// Reads the refs the way git's fsck walks them (`get_default_heads`): every ref, loose or in
/// `packed-refs` (a loose ref wins), symbolic refs resolved, HEAD of each worktree, and every reflog
/// entry. Broken refs and dangling symbolic refs are what git reports as "invalid sha1 pointer 0000…".
struct GitRefs {
    let repo: GitRepository
    let display: (String) -> String
    private(set) var heads: [GitHead] = []
    private(set) var findings: [Finding] = []
    private(set) var notes: [String] = []
    private var packed: [String: [UInt8]] = [:]
    private var loose: [String: (text: String, path: String)] = [:]

    init(repo: GitRepository, display: @escaping (String) -> String, reflogs: Bool) {
        self.repo = repo
        self.display = display
        readPacked()
        collectLoose(repo.commonDir + "/refs", prefix: "refs")
        for wt in worktrees() where wt != repo.commonDir {
            collectLoose(wt + "/refs", prefix: "refs")
        }
        var names = Set(packed.keys).union(loose.keys)
        names = names.filter { !$0.hasSuffix(".lock") }
        for name in names.sorted() {
            let path = loose[name]?.path ?? repo.commonDir + "/packed-refs"
            guard let id = resolve(name, depth: 0) else {
                findings.append(GitFindings.badRef(name: name, path: display(path),
                    problem: "cannot be resolved to an object (a broken or dangling symbolic ref; git: 'invalid sha1 pointer 0000…')"))
                continue
            }
            heads.append(GitHead(name: name, id: id, kind: .ref, path: display(path),
                                 mustBe: name.hasPrefix("refs/heads/") ? .commit : nil))
        }
        for wt in worktrees() { readHEAD(wt) }
        if reflogs {
            for wt in worktrees() {
                readReflog(wt + "/logs/HEAD", name: wt == repo.gitDir || wt == repo.commonDir ? "HEAD" : "worktree HEAD")
            }
            reflogTree(repo.commonDir + "/logs/refs", prefix: "refs")
        }
    }

    /// The git directories of every worktree: the common one and `worktrees/*`.
    func worktrees() -> [String] {
        var out = [repo.commonDir]
        if repo.gitDir != repo.commonDir { out.append(repo.gitDir) }
        let dir = repo.commonDir + "/worktrees"
        for name in (try? FileManager.default.contentsOfDirectory(atPath: dir))?.sorted() ?? [] {
            let wt = dir + "/" + name
            if StoreNames.isFile(wt + "/HEAD") && !out.contains(wt) { out.append(wt) }
        }
        return out
    }

    private mutating func readPacked() {
        let path = repo.commonDir + "/packed-refs"
        guard let text = StoreNames.read(path) else { return }
        for (n, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("^") { continue }
            let fields = line.split(separator: " ", maxSplits: 1)
            guard fields.count == 2, let id = GitHex.decode(fields[0], width: repo.width) else {
                findings.append(GitFindings.badRef(name: "packed-refs", path: display(path),
                    problem: "line \(n + 1) is not '<id> <refname>' (git: 'unexpected line in packed-refs')"))
                continue
            }
            packed[String(fields[1])] = id
        }
    }

    private mutating func collectLoose(_ dir: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names.sorted() {
            let path = dir + "/" + name
            let ref = prefix + "/" + name
            if StoreNames.isDirectory(path) {
                collectLoose(path, prefix: ref)
            } else if let text = StoreNames.read(path) {
                loose[ref] = (text, path)
            } else if StoreNames.isFile(path) {
                loose[ref] = ("", path)
            }
        }
    }

    /// A ref's object id, following symbolic refs up to five deep (git's SYMREF_MAXDEPTH).
    func resolve(_ name: String, depth: Int) -> [UInt8]? {
        guard depth <= 5 else { return nil }
        if let l = loose[name] {
            return parseRef(l.text, depth: depth)
        }
        return packed[name]
    }

    private func parseRef(_ text: String, depth: Int) -> [UInt8]? {
        if text.hasPrefix("ref:") {
            let target = text.dropFirst(4).trimmingCharacters(in: .whitespacesAndNewlines)
            return resolve(target, depth: depth + 1)
        }
        // `parse_loose_ref_contents`: the id, then nothing but whitespace.
        let hexLength = 2 * repo.width
        guard text.utf8.count >= hexLength else { return nil }
        let idText = text.prefix(hexLength)
        guard let id = GitHex.decode(idText, width: repo.width) else { return nil }
        let rest = text.dropFirst(hexLength)
        if let c = rest.first, !c.isWhitespace { return nil }
        return id
    }

    /// HEAD of one worktree (`fsck_head_link`): detached at a commit, or a symbolic ref under refs/heads/
    /// (unborn is fine).
    private mutating func readHEAD(_ wt: String) {
        let path = wt + "/HEAD"
        let name = wt == repo.gitDir || (wt == repo.commonDir && repo.gitDir == repo.commonDir) ? "HEAD"
            : "HEAD of worktree '\(PathUtil.basename(wt))'"
        guard let text = StoreNames.read(path) else {
            findings.append(GitFindings.badRef(name: name, path: display(path), problem: "cannot be read (git: 'invalid HEAD')"))
            return
        }
        if text.hasPrefix("ref:") {
            let target = text.dropFirst(4).trimmingCharacters(in: .whitespacesAndNewlines)
            guard target.hasPrefix("refs/heads/") else {
                findings.append(GitFindings.badRef(name: name, path: display(path),
                    problem: "points to something strange (\(target)) (git: 'HEAD points to something strange')"))
                return
            }
            if loose[target] == nil && packed[target] == nil {
                notes.append("\(name) points to an unborn branch (\(target.dropFirst(11)))")
                return
            }
            guard let id = resolve(target, depth: 1) else { return }  // reported with the refs
            heads.append(GitHead(name: name, id: id, kind: .head, path: display(path)))
            return
        }
        guard let id = parseRef(text, depth: 0) else {
            findings.append(GitFindings.badRef(name: name, path: display(path), problem: "is neither a symbolic ref nor an object id (git: 'invalid HEAD')"))
            return
        }
        if GitHex.isNull(id) {
            findings.append(GitFindings.badRef(name: name, path: display(path), problem: "detached HEAD points at nothing"))
            return
        }
        heads.append(GitHead(name: name, id: id, kind: .head, path: display(path)))
    }

    private mutating func reflogTree(_ dir: String, prefix: String) {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: dir) else { return }
        for name in names.sorted() {
            let path = dir + "/" + name
            if StoreNames.isDirectory(path) {
                reflogTree(path, prefix: prefix + "/" + name)
            } else {
                readReflog(path, name: prefix + "/" + name)
            }
        }
    }

    /// `show_one_reflog_ent`: `<old> <new> <name> <email> <time> <tz>\t<message>`; lines that do not parse
    /// are skipped, as git skips them. Null ids (a ref's creation or deletion) name nothing.
    private mutating func readReflog(_ path: String, name: String) {
        guard let data = FileManager.default.contents(atPath: path) else { return }
        let hexLength = 2 * repo.width
        for line in data.split(separator: 0x0a) {
            let b = Array(line)
            guard b.count > 2 * hexLength + 2, b[hexLength] == 0x20, b[2 * hexLength + 1] == 0x20,
                  let gt = b.firstIndex(of: 0x3e), gt + 1 < b.count, b[gt + 1] == 0x20 else { continue }
            var i = gt + 2
            var timestamp = 0
            while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { timestamp = timestamp &* 10 &+ Int(b[i] - 0x30); i += 1 }
            guard timestamp != 0, i + 5 < b.count, b[i] == 0x20, b[i + 1] == 0x2b || b[i + 1] == 0x2d,
                  b[(i + 2)...(i + 5)].allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) else { continue }
            for at in [0, hexLength + 1] {
                guard let id = b[at..<(at + hexLength)].withUnsafeBytes({ GitHex.decode($0, width: repo.width) }),
                      !GitHex.isNull(id) else { continue }
                heads.append(GitHead(name: name, id: id, kind: .reflog, path: display(path)))
            }
        }
    }
}
