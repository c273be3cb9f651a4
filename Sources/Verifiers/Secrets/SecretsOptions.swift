import Foundation
import GateCore

/// The `with:` block of a `secrets` check, validated.
struct SecretsOptions: Sendable {
    var configPath: String?
    var configDisplay: String?
    var disable: [String] = []
    /// Rule ids whose validators (checksums, JWT headers) are turned off.
    var validateOff: [String] = []
    var allFiles = false
    var include: [Glob] = []
    var exclude: [Glob] = []
    /// Whether FileSelection.defaultExcludes apply (lock files, vendored and tool directories).
    var defaultExcludes = true
    var maxFileSize = 100 << 20
    var history = false
    var historyRange: [String] = []
    var staged = false
    var inlineIgnores = true
    var baseline: String?
    var baselineDisplay: String?
    var writeBaseline: String?
    var writeBaselineDisplay: String?
    var jobs = ProcessInfo.processInfo.activeProcessorCount

    static let parameters: [ParameterSpec] = [
        ParameterSpec("config", .path, "A ruleset in gitleaks' TOML format (rules, allowlists, [extend] useDefault, "
                      + "disabledRules, regexTarget). Without '[extend] useDefault = true' it replaces the built-in rules."),
        ParameterSpec("disable", .stringList, "Rule ids to turn off (gitleaks' ids work too), e.g. [generic-secret]."),
        ParameterSpec("validate-off", .stringList,
                      "Rule ids whose validation is turned off, e.g. [github-pat, npm-token]: GitHub and npm tokens whose "
                      + "CRC32 checksum is wrong are then reported too, as gitleaks does. 'all' turns off every rule's."),
        ParameterSpec("all-files", .bool, default: "false",
                      "Scan every file under the root, not only what 'git ls-files -co --exclude-standard' lists."),
        ParameterSpec("include", .stringList, "Only paths matching these globs."),
        ParameterSpec("exclude", .stringList, "Globs of paths to skip, in addition to the default excludes."),
        ParameterSpec("default-excludes", .bool, default: "true",
                      "Skip lock files (package-lock.json, go.sum, ...) and vendored directories (node_modules/, vendor/, ...)."),
        ParameterSpec("max-file-size", .string, default: "100MB",
                      "Skip (and count) files larger than this: bytes, or a size such as 512KB, 10MB, 1GB (powers of 1024)."),
        ParameterSpec("history", .bool, default: "false",
                      "Scan the lines every commit added ('git log -p'), reporting the commit, path and line, instead of the work tree."),
        ParameterSpec("history-range", .stringList, default: "HEAD",
                      "Revisions for 'history', as git log takes them: 'origin/main..HEAD', or '--all'."),
        ParameterSpec("staged", .bool, default: "false", "Scan only the staged changes (for pre-commit hooks)."),
        ParameterSpec("inline-ignores", .bool, default: "true",
                      "Honour 'gate:allow', 'gitleaks:allow', 'pragma: allowlist secret', 'trufflehog:ignore' and "
                      + "'gate:allow-next-line' markers. Set false in CI to refuse them."),
        ParameterSpec("baseline", .path, "A baseline file: findings listed there (by rule, path and secret hash) are waived."),
        ParameterSpec("write-baseline", .path, "Write every current finding to this baseline file (sorted, no line numbers)."),
        ParameterSpec("jobs", .int, default: "the number of cores", range: 1...256, "Files scanned in parallel."),
    ]

    init(_ p: Parameters) throws(ConfigError) {
        if let raw = try p.string("config") {
            configPath = p.resolve(raw)
            configDisplay = raw
        }
        disable = try p.stringList("disable")
        validateOff = try p.stringList("validate-off")
        allFiles = try p.bool("all-files", default: false)
        include = try p.stringList("include").map(Glob.init)
        exclude = try p.stringList("exclude").map(Glob.init)
        defaultExcludes = try p.bool("default-excludes", default: true)
        if defaultExcludes { exclude += FileSelection.defaultExcludes.map(Glob.init) }
        if let size = try p.string("max-file-size") {
            guard let n = Self.parseSize(size), n <= Self.maxFileSizeLimit else {
                throw p.error("max-file-size", "'\(size)' is not a size from 1 byte to 1024GB; write bytes (1048576) or a "
                              + "size like 512KB, 10MB or 1GB")
            }
            maxFileSize = n
        }
        history = try p.bool("history", default: false)
        historyRange = try p.stringList("history-range")
        staged = try p.bool("staged", default: false)
        if history && staged {
            throw p.error("staged", "'history' and 'staged' cannot both be true; 'staged' scans the next commit, "
                          + "'history' the past ones")
        }
        if !historyRange.isEmpty && !history {
            throw p.error("history-range", "only applies with 'history: true'")
        }
        inlineIgnores = try p.bool("inline-ignores", default: true)
        if let b = try p.string("baseline") { baseline = p.resolve(b); baselineDisplay = b }
        if let w = try p.string("write-baseline") { writeBaseline = p.resolve(w); writeBaselineDisplay = w }
        // The baseline holds hashes that look like secrets to the generic rule; it is never scanned.
        for file in [baseline, writeBaseline].compactMap({ $0 }) where PathUtil.isInside(file, p.root) {
            exclude.append(Glob(PathUtil.relative(file, to: p.root)))
        }
        if p.has("jobs") { jobs = try p.int("jobs", default: jobs, range: 1...256) }
    }

    /// The largest `max-file-size` (1 TiB): a bigger number is a typo, and sizes beyond Int overflowed.
    static let maxFileSizeLimit = 1 << 40

    /// `1048576`, `512KB`, `10MB`, `1GB`, `2 MiB` (all powers of 1024).
    static func parseSize(_ text: String) -> Int? {
        let t = text.trimmingCharacters(in: .whitespaces).uppercased()
        let digits = t.prefix { $0.isASCII && $0.isNumber }
        guard let n = Int(digits), n > 0 else { return nil }
        let unit = t.dropFirst(digits.count).trimmingCharacters(in: .whitespaces)
        let shift: Int
        switch unit {
        case "", "B": shift = 0
        case "K", "KB", "KIB": shift = 10
        case "M", "MB", "MIB": shift = 20
        case "G", "GB", "GIB": shift = 30
        default: return nil
        }
        let (v, overflow) = n.multipliedReportingOverflow(by: 1 << shift)
        return overflow ? nil : v
    }
}
