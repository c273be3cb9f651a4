import Foundation
import GateCore
import TOMLKit

/// One parsed ruleset file: gate's built-in TOML, or a `.gitleaks.toml` given as `config:`.
///
/// The gitleaks schema is read as gitleaks reads it: `[[rules]]` with `id`, `description`, `regex`,
/// `secretGroup`, `entropy`, `keywords`, `path` and per-rule `[[rules.allowlists]]` (or the older
/// `[rules.allowlist]`); global `[allowlist]` and `[[allowlists]]` (with `targetRules`); `[extend]` with
/// `useDefault`, `path` and `disabledRules`; `regexTarget` on allowlists. gate's own keys (`severity`,
/// `confidence`, `validate`, `filters`, `keywordCase`, `window`, `windowBefore`, `startsBefore`, `startsAfter`, `startsAt`, `multiline`, `allowHex`, `allowUUID`, `examples`,
/// `counterexamples`, `aliases`, `help`; allowlist `hashes` and `placeholders`; a top-level `[macros]` table whose entries a
/// regex names as `{{name}}`) are optional additions.
struct RulesetFile: Sendable {
    var rules: [RuleSpec] = []
    var allowlists: [AllowlistSpec] = []
    var useDefault = false
    var extendPath: String?
    var disabledRules: [String] = []
    /// `[macros]`: text that regexes of this file insert as `{{name}}`.
    var macros: [String: String] = [:]
    /// The file as users named it, for messages.
    var file: String

    static let ruleKeys = ["id", "description", "regex", "secretGroup", "entropy", "keywords", "path", "tags",
                           "allowlist", "allowlists", "skipReport", "severity", "confidence", "validate", "filters",
                           "keywordCase", "window", "windowBefore", "startsBefore", "startsAfter", "startsAt", "multiline", "allowHex", "allowUUID", "allowRuns", "examples", "counterexamples", "aliases",
                           "help"]
    static let topKeys = ["title", "description", "minVersion", "extend", "rules", "allowlist", "allowlists", "macros"]
    static let allowlistKeys = ["description", "condition", "paths", "regexes", "regexTarget", "stopwords", "commits",
                                "targetRules", "hashes", "placeholders"]

    /// TOML allows no raw control character but tab, LF and CR (strings escape them). toml++ asserts on
    /// one in a table header (found by fuzzing: `[` then ESC aborts a debug build, and is undefined
    /// behaviour in release) and stops at a NUL as if the file ended there, so refuse them first.
    static func rejectControlCharacters(_ text: String, file: String) throws(ConfigError) {
        var line = 1
        var column = 1
        for u in text.unicodeScalars {
            if u == "\n" {
                line += 1
                column = 1
                continue
            }
            if (u.value < 0x20 && u != "\t" && u != "\r") || u.value == 0x7F {
                throw .invalidParameter(SourceLocation(file: file, line: line, column: column), key: "config",
                                        message: "invalid TOML: control character U+\(String(format: "%04X", u.value)) "
                                            + "is not allowed; escape it inside a string or remove it")
            }
            column += 1
        }
    }

    /// toml++ also asserts when a table header's first key starts with a character no key can start with
    /// (`[!`, `[é`; found by fuzzing). Find such headers first: a `[` that opens a line outside any string
    /// or array value, followed (after `[[` and blanks) by neither a bare-key character nor a quote.
    static func rejectBadTableHeaders(_ text: String, file: String) throws(ConfigError) {
        let b = Array(text.utf8)
        var i = 0, line = 1, lineStart = true, depth = 0
        var quote: [UInt8]?
        func at(_ k: Int) -> UInt8 { k < b.count ? b[k] : 0 }
        func isBare(_ c: UInt8) -> Bool {
            (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || c == 0x5F || c == 0x2D
        }
        while i < b.count {
            let c = b[i]
            if c == 0x0A {
                line += 1
                lineStart = true
                i += 1
                continue
            }
            if let q = quote {
                if c == 0x5C && q[0] == 0x22 {
                    i += 2
                } else if b[i..<min(i + q.count, b.count)].elementsEqual(q) {
                    quote = nil
                    i += q.count
                } else {
                    i += 1
                }
                continue
            }
            if c == 0x20 || c == 0x09 || c == 0x0D {
                i += 1
                continue
            }
            if c == 0x23 {
                while i < b.count && b[i] != 0x0A { i += 1 }
                continue
            }
            lineStart = lineStart && c == 0x5B
            if c == 0x22 || c == 0x27 {
                let triple = at(i + 1) == c && at(i + 2) == c
                quote = triple ? [c, c, c] : [c]
                i += triple ? 3 : 1
                continue
            }
            if c == 0x5B && lineStart && depth == 0 {
                var j = i + 1
                if at(j) == 0x5B { j += 1 }
                while at(j) == 0x20 || at(j) == 0x09 { j += 1 }
                let k = at(j)
                if !(isBare(k) || k == 0x22 || k == 0x27) {
                    throw .invalidParameter(SourceLocation(file: file, line: line, column: j - i + 1), key: "config",
                                            message: "invalid TOML: a table header must start with a key (letters, "
                                                + "digits, '_', '-', or a quoted key)")
                }
                while i < b.count && b[i] != 0x0A { i += 1 }
                continue
            }
            if c == 0x5B { depth += 1 } else if c == 0x5D { depth = max(0, depth - 1) }
            lineStart = false
            i += 1
        }
    }

    /// Parses `text`. Every problem is a `ConfigError` naming `file:line` and the key.
    init(text: String, file: String, allowHexByDefault: Bool) throws(ConfigError) {
        self.file = file
        let lines = TOMLLines(text)
        try Self.rejectControlCharacters(text, file: file)
        try Self.rejectBadTableHeaders(text, file: file)
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw .invalidParameter(SourceLocation(file: file, line: e.source.begin.line, column: e.source.begin.column),
                                    key: "config", message: "invalid TOML: \(e.description)")
        } catch {
            throw .unreadable(path: file, reason: "\(error)")
        }
        let top = SourceLocation(file: file, line: 1, column: 1)
        for key in table.keys where !Self.topKeys.contains(key) {
            throw .unknownKey(top, key: key, context: "a secrets ruleset", valid: Self.topKeys)
        }
        for (name, value) in table["macros"]?.table ?? TOMLTable() {
            guard let text = value.string else {
                throw .invalidValue(top, key: "macros.\(name)", expected: "a string", got: "\(value.type)")
            }
            macros[name] = text
        }
        if let extend = table["extend"]?.table {
            useDefault = extend["useDefault"]?.bool ?? false
            extendPath = extend["path"]?.string
            disabledRules = Self.strings(extend["disabledRules"])
        }
        var allowlistIndex = 0
        if let legacy = table["allowlist"]?.table {
            var spec = try Self.allowlist(legacy, at: SourceLocation(file: file, line: lines.line(allowlist: 0), column: 1))
            spec.description = spec.description ?? "global allowlist"
            allowlists.append(spec)
            allowlistIndex += 1
        }
        for value in table["allowlists"]?.array ?? TOMLArray() {
            guard let t = value.table else { continue }
            let loc = SourceLocation(file: file, line: lines.line(allowlist: allowlistIndex), column: 1)
            allowlists.append(try Self.allowlist(t, at: loc))
            allowlistIndex += 1
        }
        let ruleTables = table["rules"]?.array ?? TOMLArray()
        for (index, value) in ruleTables.enumerated() {
            guard let t = value.table else {
                throw .invalidValue(SourceLocation(file: file, line: lines.line(rule: index), column: 1), key: "rules",
                                    expected: "tables ([[rules]])", got: "\(value.type)")
            }
            func at(_ key: String?) -> SourceLocation {
                SourceLocation(file: file, line: lines.line(rule: index, key: key), column: 1)
            }
            if var rule = try Self.rule(t, at: at, allowHex: allowHexByDefault) {
                rule.regex = rule.regex.map(expandMacros)
                rules.append(rule)
            }
        }
    }

    /// Replaces each `{{name}}` naming one of this file's macros; other braces are left as they are.
    func expandMacros(_ regex: String) -> String {
        guard !macros.isEmpty, regex.contains("{{") else { return regex }
        var out = regex
        for (name, text) in macros { out = out.replacingOccurrences(of: "{{" + name + "}}", with: text) }
        return out
    }

    private static func rule(_ t: TOMLTable, at: (String?) -> SourceLocation, allowHex: Bool) throws(ConfigError) -> RuleSpec? {
        for key in t.keys where !ruleKeys.contains(key) {
            if key == "required" {
                throw .invalidParameter(at(key), key: "required",
                                        message: "composite rules ('[[rules.required]]') are not supported by gate; "
                                            + "split the rule or remove the requirement")
            }
            throw .unknownKey(at(key), key: key, context: "a '[[rules]]' table", valid: ruleKeys)
        }
        guard let id = t["id"]?.string, !id.isEmpty else {
            throw .missingKey(at(nil), key: "id", context: "a '[[rules]]' table")
        }
        if t["skipReport"]?.bool == true { return nil }
        var r = RuleSpec(id: id, description: t["description"]?.string ?? id)
        r.source = at("regex")
        r.allowHex = allowHex
        r.regex = t["regex"]?.string
        r.path = t["path"]?.string
        r.keywords = strings(t["keywords"]).map { $0.lowercased() }.filter { !$0.isEmpty }
        if let c = t["keywordCase"] {
            guard let s = c.string, s == "exact" || s == "any" else {
                throw .invalidValue(at("keywordCase"), key: "keywordCase", expected: "'exact' or 'any'",
                                    got: c.string.map { "'\($0)'" } ?? "\(c.type)")
            }
            if s == "exact" { r.exactKeywords = strings(t["keywords"]).filter { !$0.isEmpty } }
        }
        if let g = t["secretGroup"] {
            guard let n = g.int, n >= 0 else {
                throw .invalidValue(at("secretGroup"), key: "secretGroup", expected: "a group number", got: "\(g.type)")
            }
            r.secretGroup = n == 0 ? nil : n
        }
        if let e = t["entropy"] {
            guard let x = e.double ?? e.int.map(Double.init), x >= 0, x <= 8 else {
                throw .invalidValue(at("entropy"), key: "entropy", expected: "a number from 0 to 8", got: "\(e.type)")
            }
            r.entropy = x
        }
        if let s = t["severity"]?.string {
            guard let sev = Severity(rawValue: s) else {
                throw .invalidValue(at("severity"), key: "severity", expected: "'error', 'warning' or 'note'", got: "'\(s)'")
            }
            r.severity = sev
        }
        if let c = t["confidence"]?.string {
            guard let conf = RuleSpec.Confidence(rawValue: c) else {
                throw .invalidValue(at("confidence"), key: "confidence", expected: "'low', 'medium' or 'high'", got: "'\(c)'")
            }
            r.confidence = conf
        }
        r.validatorsSet = t["validate"] != nil
        for v in strings(t["validate"]) where v != "off" {
            guard let val = RuleSpec.Validator(rawValue: v) else {
                throw .invalidValue(at("validate"), key: "validate",
                                    expected: (RuleSpec.Validator.allCases.map { "'\($0.rawValue)'" } + ["'off'"])
                                        .joined(separator: " or "),
                                    got: "'\(v)'")
            }
            r.validators.append(val)
        }
        for f in strings(t["filters"]) {
            guard let filter = RuleSpec.ValueFilter(rawValue: f) else {
                throw .invalidValue(at("filters"), key: "filters",
                                    expected: RuleSpec.ValueFilter.allCases.map { "'\($0.rawValue)'" }.joined(separator: ", "),
                                    got: "'\(f)'")
            }
            r.valueFilters.append(filter)
        }
        if let w = t["window"] {
            guard let n = w.int, (16...1 << 20).contains(n) else {
                throw .invalidValue(at("window"), key: "window", expected: "a byte count from 16 to 1048576", got: "\(w.type)")
            }
            r.window = n
        }
        if let w = t["windowBefore"] {
            guard let n = w.int, (0...1 << 20).contains(n) else {
                throw .invalidValue(at("windowBefore"), key: "windowBefore", expected: "a byte count from 0 to 1048576",
                                    got: "\(w.type)")
            }
            r.windowBefore = n
        }
        if t["startsBefore"] != nil || t["startsAfter"] != nil || t["startsAt"] != nil {
            var starts = RuleSpec.MatchStarts(before: 0, after: 0, bytes: [])
            for key in ["startsBefore", "startsAfter"] {
                guard let v = t[key] else { continue }
                guard let n = v.int, (0...64).contains(n) else {
                    throw .invalidValue(at(key), key: key, expected: "a byte count from 0 to 64", got: "\(v.type)")
                }
                if key == "startsBefore" { starts.before = n } else { starts.after = n }
            }
            if let v = t["startsAt"] {
                guard let s = v.string, s.utf8.allSatisfy({ $0 < 128 }) else {
                    throw .invalidValue(at("startsAt"), key: "startsAt", expected: "a string of ASCII bytes", got: "\(v.type)")
                }
                starts.bytes = Array(s.utf8)
            }
            r.starts = starts
        }
        r.multiline = t["multiline"]?.bool ?? false
        if let h = t["allowHex"]?.bool { r.allowHex = h }
        r.allowUUID = t["allowUUID"]?.bool ?? false
        r.allowRuns = t["allowRuns"]?.bool ?? false
        r.examples = strings(t["examples"])
        r.counterexamples = strings(t["counterexamples"])
        r.aliases = strings(t["aliases"])
        r.help = t["help"]?.string
        if let legacy = t["allowlist"]?.table { r.allowlists.append(try allowlist(legacy, at: at("allowlist"))) }
        for value in t["allowlists"]?.array ?? TOMLArray() {
            if let a = value.table { r.allowlists.append(try allowlist(a, at: at("allowlists"))) }
        }
        return r
    }

    private static func allowlist(_ t: TOMLTable, at loc: SourceLocation) throws(ConfigError) -> AllowlistSpec {
        for key in t.keys where !allowlistKeys.contains(key) {
            throw .unknownKey(loc, key: key, context: "an allowlist", valid: allowlistKeys)
        }
        var a = AllowlistSpec()
        a.source = loc
        a.description = t["description"]?.string
        if let c = t["condition"]?.string {
            guard let cond = AllowlistSpec.Condition(rawValue: c.uppercased()) else {
                throw .invalidValue(loc, key: "condition", expected: "'OR' or 'AND'", got: "'\(c)'")
            }
            a.condition = cond
        }
        if let target = t["regexTarget"]?.string {
            guard let tg = AllowlistSpec.Target(rawValue: target) else {
                throw .invalidValue(loc, key: "regexTarget", expected: "'secret', 'match', 'line' or 'name'", got: "'\(target)'")
            }
            a.regexTarget = tg
        }
        a.paths = strings(t["paths"])
        a.regexes = strings(t["regexes"])
        a.stopwords = strings(t["stopwords"]).map { $0.lowercased() }
        a.placeholders = strings(t["placeholders"]).map { $0.lowercased() }.filter { !$0.isEmpty }
        a.commits = strings(t["commits"])
        a.targetRules = strings(t["targetRules"])
        a.hashes = strings(t["hashes"]).map { $0.lowercased() }
        if let bad = a.hashes.first(where: { $0.count < 32 || $0.count > 64 || !$0.allSatisfy(\.isHexDigit) }) {
            throw .invalidValue(loc, key: "hashes", expected: "SHA-256 digests in hex (32 to 64 digits)", got: "'\(bad)'")
        }
        return a
    }

    static func strings(_ value: (any TOMLValueConvertible)?) -> [String] {
        guard let value else { return [] }
        if let s = value.string { return [s] }
        return value.array?.compactMap { $0.string } ?? []
    }
}
