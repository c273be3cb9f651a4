import ContentHash
import GateCore

/// A ruleset compiled for scanning: every regex JIT-compiled, allowlists compiled, and one keyword
/// automaton over the union of all rules' keywords. Immutable and shared by all scanning threads.
final class SecretEngine: Sendable {
    let rules: [CompiledRule]
    let allowlists: [CompiledAllowlist]
    let matcher: KeywordMatcher
    /// Keyword index → the rules that listed it: `keywordRuleList[keywordRuleStart[k]..<keywordRuleStart[k + 1]]`
    /// (flat: reading an inner array of an array of arrays costs reference counting on every hit).
    let keywordRuleStart: [Int]
    let keywordRuleList: [Int]
    /// Keyword index → the spelling a hit must have, for keywords listed with `keywordCase = "exact"` (the
    /// automaton finds them in any case; the few hits in another case are dropped before any window opens).
    let exactSpellings: [[UInt8]?]
    /// Whether `exactSpellings` is set for the keyword: read for every hit, so kept flat.
    let isExact: [Bool]
    /// Rules without keywords: their regex runs over whole files.
    let unkeyedRules: [Int]
    /// Rules with a `path` and no `regex`: they flag files by name.
    let pathOnlyRules: [Int]
    /// The most capture groups of any pattern, for sizing match data.
    let maxCaptures: Int
    let notes: [String]
    /// For each rule, every allowlist that applies to it.
    let allowlistsOf: [[CompiledAllowlist]]
    /// Per-rule facts the hot loop reads, kept flat so that it never copies a `RuleSpec`.
    let windowOf: [Int]
    /// Bytes a rule's window reaches before a keyword hit (its `windowBefore`, else its `window`).
    let windowBeforeOf: [Int]
    let multilineOf: [Bool]
    /// Rules whose regex runs anchored at known match starts (they record their keyword hits).
    let anchoredOf: [Bool]
    /// Whether any rule or allowlist looks at file paths (otherwise per-file set-up is skipped).
    let pathSensitive: Bool
    /// The rules a file's path can turn off (a `path` regex beside a content regex, or an allowlist of paths
    /// alone): the only ones per-file set-up looks at.
    let pathRules: [Int]
    /// The lowercase keywords (4 bytes or more) of the high-confidence rules: prefixes of known formats.
    let formatPrefixes: [[UInt8]]
    /// How deep encodings are decoded (base64 inside hex is depth 2); 0 turns decoding off.
    let decodeDepth: Int

    /// Decoding depth unless a check asks otherwise.
    static let defaultDecodeDepth = 2

    init(_ ruleset: Ruleset, decodeDepth: Int = SecretEngine.defaultDecodeDepth) throws(ConfigError) {
        self.decodeDepth = decodeDepth
        var compiled: [CompiledRule] = []
        var keywordIndex: [String: Int] = [:]
        var exactIndex: [String: Int] = [:]
        var keywords: [String] = []
        var spellings: [[UInt8]?] = []
        var byKeyword: [[Int]] = []
        var unkeyed: [Int] = []
        var pathOnly: [Int] = []
        var captures = 0
        for (i, spec) in ruleset.rules.enumerated() {
            let rule = try CompiledRule(spec, index: i)
            captures = max(captures, rule.maxCaptures)
            compiled.append(rule)
            if rule.regex == nil {
                pathOnly.append(i)
            } else if spec.keywords.isEmpty {
                unkeyed.append(i)
            }
            for k in Set(spec.keywords) {
                let exact = Set(spec.exactKeywords.filter { $0.lowercased() == k })
                for spelling in exact.isEmpty ? [nil] : exact.sorted().map(Optional.some) {
                    let known = if let spelling { exactIndex[spelling] } else { keywordIndex[k] }
                    if let existing = known {
                        byKeyword[existing].append(i)
                        continue
                    }
                    if let spelling { exactIndex[spelling] = keywords.count } else { keywordIndex[k] = keywords.count }
                    keywords.append(k)
                    spellings.append(spelling.map { Array($0.utf8) })
                    byKeyword.append([i])
                }
            }
        }
        var globals: [CompiledAllowlist] = []
        for a in ruleset.allowlists {
            let c = try CompiledAllowlist(a, context: "a global allowlist")
            captures = max(captures, c.maxCaptures)
            globals.append(c)
        }
        // Each rule's own allowlists, then the global ones aimed at it (or at every rule).
        allowlistsOf = compiled.map { r in
            r.allowlists + globals.filter { a in a.targetRules.isEmpty || a.targetRules.contains { r.spec.answers(to: $0) } }
        }
        rules = compiled
        allowlists = globals
        matcher = KeywordMatcher(keywords)
        keywordRuleList = byKeyword.flatMap { $0 }
        keywordRuleStart = byKeyword.reduce(into: [0]) { starts, rules in starts.append(starts.last! + rules.count) }
        exactSpellings = spellings
        isExact = spellings.map { $0 != nil }
        unkeyedRules = unkeyed
        pathOnlyRules = pathOnly
        maxCaptures = captures
        notes = ruleset.notes
        windowOf = ruleset.rules.map(\.window)
        windowBeforeOf = ruleset.rules.map { min($0.window, $0.windowBefore ?? $0.window) }
        multilineOf = ruleset.rules.map(\.multiline)
        anchoredOf = compiled.map { $0.anchored != nil }
        formatPrefixes = Array(Set(ruleset.rules.filter { $0.confidence == .high }.flatMap(\.keywords)
            .filter { $0.utf8.count >= 4 })).sorted().map { Array($0.utf8) }
        pathRules = compiled.indices.filter { i in
            (compiled[i].pathRegex != nil && compiled[i].regex != nil) || compiled[i].allowlists.contains(where: \.pathsOnly)
        }
        pathSensitive = compiled.contains { r in r.pathRegex != nil || r.allowlists.contains { !$0.paths.isEmpty } }
            || globals.contains { !$0.paths.isEmpty }
    }

    /// The built-in rules, compiled once per process.
    static let builtin: SecretEngine = {
        do { return try SecretEngine(.defaults) } catch { fatalError("the built-in secrets ruleset does not compile: \(error)") }
    }()

    /// Every keyword, for the benchmark's raw-search reference and for `gate explain`.
    var keywords: [String] { matcher.keywords.map { String(decoding: $0, as: UTF8.self) } }

    /// Whether a global allowlist with only paths (or paths and commits) drops the whole file.
    func fileAllowlisted(_ path: String, scratch: RegexScratch) -> Bool {
        allowlists.contains { a in
            a.targetRules.isEmpty && a.pathsOnly && a.pathAllowed(path, scratch: scratch)
        }
    }
}

/// One rule with its patterns compiled.
final class CompiledRule: Sendable {
    let spec: RuleSpec
    let index: Int
    let regex: PCRE2Regex?
    /// The regex compiled anchored, for a rule whose match starts are known (`starts`).
    let anchored: PCRE2Regex?
    let starts: RuleSpec.MatchStarts?
    let pathRegex: PCRE2Regex?
    let allowlists: [CompiledAllowlist]
    let maxCaptures: Int
    // Copies of the fields the scanner reads per candidate, so it never copies the whole spec.
    let secretGroup: Int?
    let confidence: Int
    let entropy: Double?
    let validators: [RuleSpec.Validator]
    let valueFilters: [RuleSpec.ValueFilter]
    let allowHex: Bool
    let allowUUID: Bool
    let allowRuns: Bool

    init(_ spec: RuleSpec, index: Int) throws(ConfigError) {
        self.spec = spec
        self.index = index
        secretGroup = spec.secretGroup
        confidence = spec.confidence.rank
        entropy = spec.entropy
        validators = spec.validators
        valueFilters = spec.valueFilters
        allowHex = spec.allowHex
        allowUUID = spec.allowUUID
        allowRuns = spec.allowRuns
        let where_ = spec.source ?? SourceLocation(file: "<rules>", line: 1, column: 1)
        func compile(_ pattern: String, key: String, options: UInt32 = 0) throws(ConfigError) -> PCRE2Regex {
            do {
                return try PCRE2Regex(pattern, options: options)
            } catch {
                throw .invalidParameter(where_, key: key,
                                        message: "rule '\(spec.id)': invalid regex at offset \(error.offset): \(error.message)")
            }
        }
        regex = try spec.regex.map { p throws(ConfigError) in try compile(p, key: "regex") }
        starts = spec.regex != nil && !spec.keywords.isEmpty ? spec.starts : nil
        anchored = try starts.flatMap { _ in spec.regex }.map { p throws(ConfigError) in
            try compile(p, key: "regex", options: PCRE2Regex.anchoredOption)
        }
        pathRegex = try spec.path.map { p throws(ConfigError) in try compile(p, key: "path") }
        var lists: [CompiledAllowlist] = []
        for a in spec.allowlists { lists.append(try CompiledAllowlist(a, context: "rule '\(spec.id)'")) }
        allowlists = lists
        if let g = spec.secretGroup, let r = regex, g > r.captureCount {
            throw .invalidParameter(where_, key: "secretGroup",
                                    message: "rule '\(spec.id)': secretGroup \(g) but the regex has \(r.captureCount) groups")
        }
        maxCaptures = ([regex?.captureCount ?? 0, pathRegex?.captureCount ?? 0] + lists.map(\.maxCaptures)).max() ?? 0
    }
}

/// An allowlist with its regexes compiled. gitleaks semantics: with `condition = "OR"` (the default) any
/// listed criterion allows a finding; with `"AND"` every criterion that is listed must hold.
struct CompiledAllowlist: Sendable {
    let spec: AllowlistSpec
    let paths: [PCRE2Regex]
    let regexes: [PCRE2Regex]
    let stopwords: [[UInt8]]
    let placeholders: [[UInt8]]
    let maxCaptures: Int

    init(_ spec: AllowlistSpec, context: String) throws(ConfigError) {
        self.spec = spec
        let loc = spec.source ?? SourceLocation(file: "<rules>", line: 1, column: 1)
        func compile(_ list: [String], key: String) throws(ConfigError) -> [PCRE2Regex] {
            var out: [PCRE2Regex] = []
            for p in list {
                do { out.append(try PCRE2Regex(p)) } catch {
                    throw .invalidParameter(loc, key: key, message: "\(context): invalid regex '\(p)' at offset "
                                            + "\(error.offset): \(error.message)")
                }
            }
            return out
        }
        paths = try compile(spec.paths, key: "paths")
        regexes = try compile(spec.regexes, key: "regexes")
        stopwords = spec.stopwords.map { Array($0.utf8) }
        placeholders = spec.placeholders.map { Array($0.utf8) }
        maxCaptures = (paths + regexes).map(\.captureCount).max() ?? 0
    }

    var targetRules: [String] { spec.targetRules }
    var pathsOnly: Bool {
        !paths.isEmpty && regexes.isEmpty && stopwords.isEmpty && placeholders.isEmpty && spec.commits.isEmpty && spec.hashes.isEmpty
    }

    func pathAllowed(_ path: String, scratch: RegexScratch) -> Bool {
        paths.contains { $0.matches(Array(path.utf8), scratch: scratch) }
    }

    /// Whether this allowlist lets the finding go. `target` is the text `regexTarget` selects.
    func allows(path: String, commit: String?, secret: UnsafeBufferPointer<UInt8>,
                target: UnsafeBufferPointer<UInt8>, scratch: RegexScratch) -> Bool {
        let commitHit = commit.map { c in spec.commits.contains { c.hasPrefix($0) } } ?? false
        let pathHit = !paths.isEmpty && pathAllowed(path, scratch: scratch)
        let regexHit = regexes.contains { $0.matches(target, scratch: scratch) }
        let stopHit = !stopwords.isEmpty && Self.containsStopword(secret, stopwords)
        let fillerHit = !placeholders.isEmpty && Placeholders.isMadeOf(secret, placeholders)
        let hashHit = !spec.hashes.isEmpty && Self.hashListed(secret, spec.hashes)
        switch spec.condition {
        case .or:
            return commitHit || pathHit || regexHit || stopHit || fillerHit || hashHit
        case .and:
            guard !spec.isEmpty else { return false }
            return (spec.commits.isEmpty || commitHit) && (paths.isEmpty || pathHit)
                && (regexes.isEmpty || regexHit) && (stopwords.isEmpty || stopHit) && (placeholders.isEmpty || fillerHit)
                && (spec.hashes.isEmpty || hashHit)
        }
    }

    /// Whether the secret's SHA-256 (hex) starts with one of `hashes`.
    static func hashListed(_ s: UnsafeBufferPointer<UInt8>, _ hashes: [String]) -> Bool {
        let hex = ContentHash.hash(UnsafeRawBufferPointer(s), .sha256).hex
        return hashes.contains { hex.hasPrefix($0) }
    }

    static func containsStopword(_ s: UnsafeBufferPointer<UInt8>, _ words: [[UInt8]]) -> Bool {
        let lower = s.map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        return words.contains { KnownNonSecrets.search(lower, $0) }
    }
}
