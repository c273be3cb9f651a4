import ContentHash
import Foundation
import GateCore

/// A git object store: loose objects inflated and hashed as git names them, packs and their indexes by
/// their trailing checksums (and the pack checksum each index names), and, when git is installed,
/// `git verify-pack` for the objects inside each pack.
enum GitStore {
    static func verify(_ config: CASConfig, _ context: CheckContext) async throws -> LayoutOutcome {
        let gitDir = try locate(context.root)
        let algorithm = objectFormat(gitDir)
        var outcome = LayoutOutcome(layout: .git, algorithm: algorithm.rawValue)
        let objects = gitDir + "/objects"
        guard StoreNames.isDirectory(objects) else {
            throw VerifierError("'\(PathUtil.display(gitDir))' has no 'objects' directory; is it a git repository?")
        }
        let loose = algorithm.hexLength - 2
        let plan = config.plan(context: context, walkRoot: objects, digestLength: algorithm.digestLength) { dir, name in
            classify(dir, name, algorithm: algorithm, loose: loose)
        }
        outcome.scan = try await ObjectScan.run(plan, context: context, digestLength: algorithm.digestLength)
        let packs = Dictionary(outcome.scan.collected.filter { $0.path.hasSuffix(".pack") }.map { ($0.path, $0) },
                               uniquingKeysWith: { a, _ in a })
        let prefix = plan.prefix
        let idxs = outcome.scan.collected.filter { $0.path.hasSuffix(".idx") }
        for (idx, named) in outcome.scan.indexedPacks.sorted(by: { $0.key < $1.key }) {
            let packPath = String(idx.dropLast(4)) + ".pack"
            let shown = StoreNames.join(prefix, idx)
            guard let pack = packs[packPath] else {
                outcome.findings.append(CASFindings.missing(path: StoreNames.join(prefix, packPath), digest: named, referencedBy: shown))
                continue
            }
            if pack.valid && pack.digest != named {
                outcome.findings.append(CASFindings.hashMismatch(path: shown, expected: named, actual: pack.digest,
                                                                 algorithm: algorithm))
            }
        }
        outcome.notes.append("\(packs.count) packs")
        if config.verifyPack != "false" && !idxs.isEmpty {
            if let git = ExecutableLookup.find("git", environment: context.environment) {
                outcome.findings += try await verifyPacks(idxs.map { objects + "/" + $0.path }, git: git, gitDir: gitDir,
                                                          context: context)
                outcome.notes.append("objects inside packs checked by 'git verify-pack'")
            } else if config.verifyPack == "true" {
                throw VerifierError("'verify-pack: true' needs git on PATH; install git or set 'verify-pack: auto'")
            } else {
                outcome.notes.append("git not found: objects inside packs not checked, only pack checksums")
            }
        }
        return outcome
    }

    static func classify(_ dir: String, _ name: String, algorithm: HashAlgorithm, loose: Int) -> ObjectClass {
        if dir == "info" || dir.hasPrefix("info/") { return .ignore }
        if name.hasPrefix("tmp_") || StoreNames.isTemporary(name) { return .partialWrite }
        if dir == "pack" {
            if name.hasPrefix("pack-") && (name.hasSuffix(".pack") || name.hasSuffix(".idx")) {
                return .object(expected: nil, method: .trailer(algorithm))
            }
            return .ignore  // .keep, .rev, .bitmap, .mtimes, .promisor, multi-pack-index
        }
        if StoreNames.isHex(dir, count: 2) && StoreNames.isHex(name, count: loose) {
            return .object(expected: dir + name, method: .gitLoose(algorithm))
        }
        return .badName(reason: "not a loose object name (objects/<2 hex>/<\(loose) hex>)")
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

    /// SHA-256 repositories say `objectformat = sha256` under `[extensions]`.
    static func objectFormat(_ gitDir: String) -> HashAlgorithm {
        let config = StoreNames.read(gitDir + "/config") ?? ""
        let compact = config.lowercased().replacingOccurrences(of: " ", with: "").replacingOccurrences(of: "\t", with: "")
        return compact.contains("objectformat=sha256") ? .sha256 : .sha1
    }

    static func verifyPacks(_ idxs: [String], git: String, gitDir: String, context: CheckContext) async throws -> [Finding] {
        var findings: [Finding] = []
        for idx in idxs.sorted() {
            try context.checkCancellation()
            let spec = ProcessSpec(.argv([git, "verify-pack", idx]), environment: context.environment, cwd: gitDir)
            let r = try await ProcessRunner.run(spec)
            if r.cancelled || r.timedOut { throw CancellationError() }
            if r.exitCode != 0 {
                let pack = context.relative(String(idx.dropLast(4)) + ".pack")
                let last = r.stderr.text.split(separator: "\n").last.map(String.init) ?? "exit \(r.exitCode ?? -1)"
                findings.append(Finding(rule: "cas/hash-mismatch", message: "'git verify-pack' rejects '\(pack)': \(last)",
                                        path: pack, identity: "verify-pack",
                                        evidence: ["verifiedBy": "git verify-pack", "detail": last],
                                        help: "Restore the pack from another clone ('git fetch' into a fresh clone) or a backup."))
            }
        }
        return findings
    }
}

/// Finds a program on PATH.
enum ExecutableLookup {
    static func find(_ name: String, environment: [String: String]) -> String? {
        let path = environment["PATH"] ?? "/usr/bin:/bin"
        for dir in path.split(separator: ":") {
            let candidate = "\(dir)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }
}
