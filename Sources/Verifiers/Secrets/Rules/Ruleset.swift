import Foundation
import GateCore

/// The rules one check runs: the built-in ruleset, or a `config:` file with gitleaks' `[extend]`
/// semantics, minus disabled rules.
///
/// As in gitleaks, a config without `[extend]` replaces the defaults; `useDefault = true` (or
/// `path = "other.toml"`) starts from a base and merges the file's rules into it: a rule with a known id
/// (or one of its gitleaks aliases) overrides the base rule's description, regex, entropy, secret group and
/// path, and adds its keywords and allowlists; global allowlists are appended.
struct Ruleset: Sendable {
    var rules: [RuleSpec]
    var allowlists: [AllowlistSpec]
    /// Things worth telling the user that are not errors (disabled ids that name no rule).
    var notes: [String] = []

    /// The ruleset compiled into gate (`Rules/default-rules.toml`).
    static let builtin: RulesetFile = {
        do {
            return try RulesetFile(text: DefaultRules.toml, file: "<built-in rules>", allowHexByDefault: false)
        } catch {
            // A test parses the built-in file, so this cannot ship broken.
            fatalError("the built-in secrets ruleset does not parse: \(error)")
        }
    }()

    static var defaults: Ruleset { Ruleset(rules: builtin.rules, allowlists: builtin.allowlists) }

    /// - Parameters:
    ///   - config: an absolute path to a TOML ruleset, or nil for the built-in rules.
    ///   - display: how to name `config` in messages (as the user wrote it).
    ///   - disable: rule ids (or gitleaks aliases) to leave out.
    ///   - validateOff: rule ids (or `all`) whose validators are turned off.
    static func load(config: String?, display: String?, disable: [String], validateOff: [String] = []) throws(ConfigError)
        -> Ruleset {
        var set: Ruleset
        if let config {
            let file = try read(config, display: display ?? config)
            set = try resolve(file, directory: PathUtil.dirname(config), depth: 0)
        } else {
            set = defaults
        }
        // A rule may leave out its regex only to amend a base rule of the same id.
        for r in set.rules where r.regex == nil && r.path == nil {
            throw .missingKey(r.source ?? SourceLocation(file: display ?? "config", line: 1, column: 1), key: "regex",
                              context: "rule '\(r.id)' (a rule needs 'regex', 'path' or both)")
        }
        for name in disable {
            let before = set.rules.count
            set.rules.removeAll { $0.answers(to: name) }
            if set.rules.count == before { set.notes.append("'disable' names '\(name)', which is not a rule here") }
        }
        for name in validateOff {
            var found = false
            for i in set.rules.indices where name == "all" || set.rules[i].answers(to: name) {
                set.rules[i].validators = []
                found = true
            }
            if !found { set.notes.append("'validate-off' names '\(name)', which is not a rule here") }
        }
        return set
    }

    static func read(_ path: String, display: String) throws(ConfigError) -> RulesetFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw .unreadable(path: display, reason: FileManager.default.fileExists(atPath: path)
                              ? "permission denied" : "no such file; fix 'config' or create the file")
        }
        return try RulesetFile(text: String(decoding: data, as: UTF8.self), file: display, allowHexByDefault: true)
    }

    private static func resolve(_ file: RulesetFile, directory: String, depth: Int) throws(ConfigError) -> Ruleset {
        var base: Ruleset?
        if let path = file.extendPath {
            // gitleaks stops extending after two levels; so does gate, with a message instead of silence.
            guard depth < 2 else {
                throw .invalidParameter(SourceLocation(file: file.file, line: 1, column: 1), key: "extend.path",
                                        message: "configs may extend at most two levels deep")
            }
            let full = PathUtil.resolve(path, against: directory)
            let parent = try read(full, display: path)
            base = try resolve(parent, directory: PathUtil.dirname(full), depth: depth + 1)
        } else if file.useDefault {
            base = defaults
        }
        guard var merged = base else {
            var own = Ruleset(rules: file.rules, allowlists: file.allowlists)
            own.disableRules(file.disabledRules)
            return own
        }
        merged.disableRules(file.disabledRules)
        for rule in file.rules {
            if let i = merged.rules.firstIndex(where: { $0.answers(to: rule.id) }) {
                merged.rules[i].merge(rule)
            } else {
                merged.rules.append(rule)
            }
        }
        merged.allowlists += file.allowlists
        return merged
    }

    private mutating func disableRules(_ names: [String]) {
        for name in names {
            let before = rules.count
            rules.removeAll { $0.answers(to: name) }
            if rules.count == before { notes.append("'disabledRules' names '\(name)', which is not a rule here") }
        }
    }
}

extension RuleSpec {
    /// gitleaks' merge of an extending rule into its base: set fields override, lists are appended.
    mutating func merge(_ other: RuleSpec) {
        if other.description != other.id { description = other.description }
        if let r = other.regex {
            regex = r
            // A replaced regex makes the base rule's examples meaningless.
            examples = []
            counterexamples = []
            source = other.source
            // The base's match starts describe the base's regex only.
            starts = other.starts
        }
        if let e = other.entropy { entropy = e }
        if let g = other.secretGroup { secretGroup = g }
        if let p = other.path { path = p }
        if other.validatorsSet {
            validators = other.validators
            validatorsSet = true
        }
        // A keyword either side lists in any case matches in any case; exact spellings stay exact.
        let anyCase = { (r: RuleSpec) in Set(r.keywords).subtracting(r.exactKeywords.map { $0.lowercased() }) }
        let baseAny = anyCase(self), otherAny = anyCase(other)
        exactKeywords = (exactKeywords + other.exactKeywords.filter { !exactKeywords.contains($0) })
            .filter { !baseAny.contains($0.lowercased()) && !otherAny.contains($0.lowercased()) }
        keywords += other.keywords.filter { !keywords.contains($0) }
        allowlists += other.allowlists
    }
}
