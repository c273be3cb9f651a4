import Foundation
import ContentHash
import GateCore

/// Finds credentials in files (and optionally in git history or staged changes).
///
/// - **Fails** on any unwaived finding of an `error` rule. Each finding carries the file, line, column, a
///   redacted preview (`ghp_…`) and a hash of the secret; the secret itself never appears anywhere.
/// - **Rules**: a built-in ruleset of well-known token formats (checksums validated where the format has
///   one) plus a low-confidence generic rule; `config:` loads a gitleaks-compatible TOML instead or on top.
/// - **Engine**: one keyword pass (Aho–Corasick) per file, then JIT-compiled PCRE2 regexes on bounded
///   windows around keyword hits, with match limits; files are scanned in parallel in bounded chunks.
/// - **Suppression**: inline markers (unless `inline-ignores: false`) and a baseline keyed by rule, path
///   and secret hash.
/// - **Parameters**: see `SecretsOptions.parameters` (`config`, `all-files`, `history`, `staged`,
///   `baseline`, `write-baseline`, `inline-ignores`, ...).
public struct SecretsVerifier: Verifier {
    /// Its id without building the descriptor, whose rules come from parsing the built-in ruleset.
    public static let id = "secrets"

    public static let descriptor = VerifierDescriptor(
        id: id,
        summary: "Finds leaked credentials in files, staged changes or git history; never prints them.",
        discussion: """
            Inside a git work tree the scan reads what 'git ls-files -co --exclude-standard' lists (tracked and \
            untracked, not ignored); elsewhere, or with 'all-files: true', every file under the root. Binary files \
            (a NUL in the first 8,000 bytes), files over 'max-file-size', lock files and vendored or build \
            directories (vendor/, node_modules/, third_party/, _vendored/, build/, dist/, ...; 'include-vendored: \
            true' brings them back) are skipped and counted. gate's own .gate/ and Reports/ are never scanned. \
            Symlinks that leave the root are not followed.

            Each rule has keywords; a single Aho-Corasick pass finds them, and the rule's PCRE2 regex (JIT, with \
            match and depth limits) runs only on a bounded window around each hit, so a 1 MB minified line \
            cannot cause a backtracking blow-up. A token ends where the next character is not a token \
            character, so tokens inside XML text or followed by ',', ')' or '&' are found. UUIDs, hex digests, \
            SRI and go.sum hashes, data: URIs, public keys, AWS's documented example keys and placeholders such \
            as ${VAR}, {{ x }} or <your-key> are never findings.

            GitHub and npm tokens carry a CRC32 checksum in their last six characters; a token whose checksum \
            is wrong is not reported, on purpose: it cannot be a token GitHub or npm issued (a typo, a made-up \
            example). gitleaks reports them; 'validate-off: [github-pat, npm-token]' (or 'validate = "off"' on \
            the rule in a config that extends the defaults) does the same here.

            Base64, hex and percent-encoded stretches that decode to text are decoded and scanned too, two \
            layers deep ('decode-depth'), at most 4 MiB per 8 MiB read; such a finding says where it sat \
            ('inside base64 at offset 12') and points at the encoded stretch.

            Findings carry a preview (a few leading characters and '…') and no hash of the value: the fingerprint \
            is made from the rule, the path and a keyed hash (HMAC-SHA256, its key in gate's state directory or \
            GATE_SECRETS_FINGERPRINT_KEY), so it survives edits elsewhere in the file and confirms no guess. \
            Inline markers on the line ('gate:allow', 'gitleaks:allow', 'pragma: allowlist secret', \
            'trufflehog:ignore', or 'gate:allow-next-line' on the line before) drop a finding (it is counted in the \
            stats) unless 'inline-ignores: false'. 'baseline' waives known findings, which stay visible as waived \
            (SARIF suppressions); 'write-baseline' records the current ones. A baseline keys its entries on \
            PBKDF2-SHA256 of the value with a random salt kept in the file, so clones match it and a guess costs \
            real work; a baseline of the first format (fast SHA-256) is rewritten in this one on first use.

            'history: true' scans each commit's changed hunks with git's context, and the lines around a hunk \
            whose changed lines look like a key body, so a private key regenerated in place is found; each \
            secret value is reported once, at the commit that first added it. In documentation files (.md, \
            .rst, .adoc, ...) findings of rules below high confidence are warnings: most are examples.

            'config' reads a .gitleaks.toml: [[rules]] (id, description, regex, secretGroup, entropy, keywords, \
            path), per-rule and global allowlists (paths, regexes, stopwords, commits, regexTarget, condition, \
            targetRules), [extend] useDefault, path and disabledRules; with it, the root's .gitleaksignore \
            ('file:rule:line' and 'commit:file:rule:line' fingerprints) waives what it lists. Not supported: \
            composite rules ([[rules.required]], an error). docs/secrets.md has the details and the benchmark \
            against kingfisher and detect-secrets on the peers' own test examples.
            """,
        parameters: SecretsOptions.parameters,
        rules: Ruleset.builtin.rules.map(Self.describe),
        examples: examples)

    let options: SecretsOptions
    let engine: SecretEngine
    /// gitleaks' fingerprints file at the root, read when its configuration is in use.
    let gitleaksIgnore: GitleaksIgnore?

    public init(parameters: Parameters) throws(ConfigError) {
        options = try SecretsOptions(parameters)
        if options.configPath == nil && options.disable.isEmpty && options.validateOff.isEmpty
            && options.decodeDepth == SecretEngine.defaultDecodeDepth {
            engine = .builtin
        } else {
            let set = try Ruleset.load(config: options.configPath, display: options.configDisplay, disable: options.disable,
                                       validateOff: options.validateOff)
            engine = try SecretEngine(set, decodeDepth: options.decodeDepth)
        }
        gitleaksIgnore = options.configPath == nil ? nil : try GitleaksIgnore.read(root: parameters.root)
    }

    public var evaluatedRules: [String] { engine.rules.map(\.spec.qualifiedID) }

    public func run(_ context: CheckContext) async throws -> CheckOutcome {
        var hits: [SecretHit]
        var stats: ScanStats
        let exclude = options.exclude + FileSelection.gateOutput(root: context.root, artifacts: context.artifactsDirectory,
                                                                 state: context.stateDirectory).map(Glob.init)
        if options.history || options.staged {
            // History and staged scans do not divide: the first slice scans everything.
            if let slice = context.slice, slice.count > 1, slice.index > 0 {
                return CheckOutcome(summary: "git scans do not split; slice 1/\(slice.count) scans everything",
                                    rules: evaluatedRules)
            }
            let scan = GitDiffScan(root: context.root,
                                   mode: options.staged ? .staged : .history(revisions: options.historyRange),
                                   exclude: exclude, include: options.include)
            (hits, stats) = try await scan.run(engine: engine, context: context)
            if case .history = scan.mode { hits = oldestPerSecret(hits) } else { hits = Array(Set(hits)) }
        } else {
            let selection = FileSelection(root: context.root, allFiles: options.allFiles, include: options.include,
                                          exclude: exclude, maxFileSize: options.maxFileSize)
            var (files, selected) = try await selection.select(environment: context.environment)
            if let slice = context.slice, slice.count > 1 {
                // Split across shards: each file is scanned by the shard its path hashes to; what the
                // selection left out is counted once, by the first slice.
                files = files.filter { slice.contains(key: ContentHash.xxh3_64($0.relative)) }
                if slice.index > 0 { selected = ScanStats() }
            }
            try context.checkCancellation()
            (hits, stats) = try await ParallelScan.run(files, engine: engine, jobs: options.jobs,
                                                        maxFileSize: options.maxFileSize, context: context)
            stats = stats + selected
            hits += pathOnlyHits(files)
        }
        try context.checkCancellation()
        hits.sort(by: SecretHit.order)
        return try outcome(hits, stats: stats, context: context)
    }

    /// In history, one finding per secret value: at the commit that first added it (git log lists newest
    /// first, so a value's last hit in stream order is in its oldest commit), in the most confident rule's
    /// name; the other paths that held the same value later are listed with it, not reported again.
    func oldestPerSecret(_ hits: [SecretHit]) -> [SecretHit] {
        var groups: [SecretValue: [Int]] = [:]
        for (i, h) in hits.enumerated() { groups[h.value, default: []].append(i) }
        let confidence = engine.rules.map(\.confidence)
        return groups.values.map { indices in
            let oldest = hits[indices.last!].commit
            var best = hits[indices.last!]
            for i in indices where hits[i].commit == oldest {
                let h = hits[i]
                if (-confidence[h.rule], h.path, h.line, h.column, h.rule) < (-confidence[best.rule], best.path, best.line, best.column, best.rule) {
                    best = h
                }
            }
            best.alsoIn = Array(Set(indices.map { hits[$0].path }).subtracting([best.path])).sorted()
            return best
        }
    }

    /// Rules with a `path` and no `regex` flag files by name (for example `*.pem`).
    private func pathOnlyHits(_ files: [FileSelection.File]) -> [SecretHit] {
        guard !engine.pathOnlyRules.isEmpty else { return [] }
        let scratch = RegexScratch(captures: engine.maxCaptures)
        var out: [SecretHit] = []
        for f in files {
            for r in engine.pathOnlyRules where engine.rules[r].pathRegex?.matches(Array(f.relative.utf8), scratch: scratch) == true {
                out.append(SecretHit(rule: r, path: f.relative, line: 1, column: 1,
                                     value: SecretValue(Array(("path:" + f.relative).utf8)), preview: "(the file itself)"))
            }
        }
        return out
    }

    static func describe(_ r: RuleSpec) -> RuleDescriptor {
        RuleDescriptor(r.qualifiedID, r.description, severity: r.severity, help: r.help ?? defaultHelp)
    }

    static let defaultHelp = "Revoke and rotate the credential, remove it from the file (and from git history if it was "
        + "pushed), and load it from the environment or a secret manager. For a false positive, add 'gate:allow' on the "
        + "line or record it in a baseline."
}
