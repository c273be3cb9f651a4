import ContentHash
import Foundation
import GateCore

/// `layout: git`: gate's `git fsck --full --strict`, read natively (docs/git.md).
///
/// Every loose object and every object in every pack is inflated, hashed with the repository's object
/// format and parsed; packs and their indexes are cross-checked; refs, HEAD, reflogs and the index are
/// the heads of a connectivity walk that reports missing objects (naming who refers to them) and
/// dangling ones; `--strict` syntax problems carry git's fsck message ids. Packs and loose objects that
/// have not changed since they last verified are taken from the stat cache, their references included.
enum GitStore {
    static func verify(_ config: CASConfig, _ context: CheckContext) async throws -> LayoutOutcome {
        let repo = try GitRepository(root: context.root)
        var outcome = LayoutOutcome(layout: .git, algorithm: repo.algorithm.rawValue)
        let display: @Sendable (String) -> String = { context.relative($0) }
        let settings = repo.fsckSettings()
        var skip: ObjectIDs?
        if let list = settings.skipList {
            skip = try SkipList.load(list, width: repo.width)
        }
        let cancelled = CancelFlag()
        let progress = ScanProgress(sink: { context.progress($0) })
        let options = GitCheckOptions(algorithm: repo.algorithm, threads: config.threads,
                                      levels: FsckLevels(strict: config.strict, overrides: settings.overrides),
                                      strict: config.strict, skip: skip, cacheLimit: 32 << 20, cancelled: cancelled,
                                      progress: { progress.add($0) })
        let fingerprint = GitRun.settingsFingerprint(repo: repo, strict: config.strict, settings: settings, skip: skip)
        let cache = config.cache ? GitGraphCache(stateDirectory: context.stateDirectory, repository: repo, settings: fingerprint) : nil
        var run = GitRun(repo: repo, options: options, display: display, cache: cache, full: config.full)
        outcome.findings += repo.alternateProblems.map {
            Finding(rule: "cas/missing-object", message: "alternate object directory \($0)", path: display(repo.objects + "/info/alternates"),
                    identity: $0, help: "Fix or remove the line in objects/info/alternates.")
        }
        if !settings.unknown.isEmpty {
            outcome.notes.append("fsck settings gate does not know were ignored: " + settings.unknown.sorted().joined(separator: ", "))
        }
        let refs = GitRefs(repo: repo, display: display, reflogs: config.reflogs)
        var heads = refs.heads
        var headFindings = refs.findings
        for wt in refs.worktrees() where StoreNames.isFile(wt + "/index") {
            do {
                heads += try GitIndexFile.heads(path: wt + "/index", shown: display(wt + "/index"), algorithm: repo.algorithm)
            } catch {
                headFindings.append(GitFindings.pack(path: display(wt + "/index"), problem: error.message, rule: "cas/bad-manifest",
                                                     help: "Rebuild the index: 'rm .git/index && git reset' (the working tree is kept)."))
            }
        }
        // Nothing changed since the last verification: its outcome stands (docs/git.md, the stat cache).
        let runKey = "\(fingerprint)|reflogs=\(config.reflogs)|dangling=\(config.dangling)|verify-pack=\(config.verifyPack)"
        let whole = cache != nil && config.snapshot == nil && config.baseline == nil
        let runFingerprint = whole ? RunFingerprint.compute(repo: repo, heads: heads, headFindings: headFindings, settings: runKey) : ""
        if whole, !config.full, let hit = cache?.loadRun(runFingerprint) {
            outcome.findings = FindingCollector()
            outcome.findings += hit.findings
            outcome.notes = hit.notes + ["nothing changed since the last verification: its outcome stands"]
            outcome.scan.objects = hit.objects
            outcome.scan.skippedByCache = hit.objects
            outcome.scan.bytes = hit.bytes
            outcome.scan.prefix = display(repo.objects)
            return outcome
        }
        cache?.forgetRun()
        try await run.verifyObjects()
        try context.checkCancellation()
        outcome.findings += headFindings
        outcome.notes += refs.notes
        outcome.findings += run.connect(heads: heads, dangling: config.dangling)
        outcome.findings += run.specialBlobs()
        outcome.findings += run.findings
        outcome.findings += run.auxiliary()
        if config.verifyPack == "true" || config.verifyPack == "auto" {
            if let git = ExecutableLookup.find("git", environment: context.environment) {
                outcome.findings += try await GitVerifyPack.run(run.pairs.map(\.idx), git: git, gitDir: repo.gitDir, context: context)
                outcome.notes.append("packs cross-checked by 'git verify-pack'")
            } else if config.verifyPack == "true" {
                throw VerifierError("'verify-pack: true' needs git on PATH; install git or set 'verify-pack: false'")
            }
        }
        if config.sampleBasisPoints < 10_000 {
            outcome.notes.append("'sample' does not apply to git repositories: every object was verified")
        }
        outcome.scan = run.scanResult(prefix: display(repo.objects))
        outcome.notes += run.notes
        cache?.prune(keeping: run.cacheKeys)
        if let note = cache?.note { outcome.notes.append(note) }
        // The outcome is kept only when no finding was dropped by the check's limits, so that a re-run
        // reports the same counts.
        var collected = outcome.findings
        let (kept, dropped) = collected.finish()
        if whole, !options.cancelled.isSet, dropped.isEmpty {
            cache?.saveRun(RunRecord(fingerprint: runFingerprint, findings: kept, notes: outcome.notes,
                                     objects: outcome.scan.objects, bytes: outcome.scan.bytes))
        }
        return outcome
    }
}

/// The skip list git's fsck reads from `fsck.skipList`: one object id per line, `#` comments.
enum SkipList {
    static func load(_ path: String, width: Int) throws -> ObjectIDs {
        guard let text = StoreNames.read(path) else {
            throw VerifierError("cannot read the fsck.skipList file '\(PathUtil.display(path))' named in the repository's config")
        }
        var flat: [UInt8] = []
        for line in text.split(whereSeparator: \.isNewline) {
            let t = line.split(separator: "#").first?.trimmingCharacters(in: .whitespaces) ?? ""
            if let id = GitHex.decode(Substring(t), width: width) { flat += id }
        }
        return ObjectIDs(width: width, sorted: IDSort.sorted(flat, width: width))
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

/// `verify-pack: true`: git's own `git verify-pack` on each pack, beside the native check.
enum GitVerifyPack {
    static func run(_ idxs: [String], git: String, gitDir: String, context: CheckContext) async throws -> [Finding] {
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
                                        help: GitFindings.restore))
            }
        }
        return findings
    }
}
