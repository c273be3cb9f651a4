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
    /// Whether vendored and build directories are scanned (lock files stay out).
    var includeVendored = false
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
    var decodeDepth = SecretEngine.defaultDecodeDepth

    /// Where `write-baseline: true` writes when the check names no `baseline`.
    static let defaultBaseline = ".gate/secrets-baseline.json"

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
                      "Skip lock files (package-lock.json, go.sum, ...) and vendored or build directories (node_modules/, "
                      + "vendor/, _vendored/, third_party/, build/, dist/, ...). gate's own .gate/ and Reports/ are never scanned."),
        ParameterSpec("include-vendored", .bool, default: "false",
                      "Scan vendored and build directories too (vendor/, node_modules/, third_party/, _vendored/, build/, "
                      + "dist/, ...); lock files stay excluded unless 'default-excludes: false'."),
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
        ParameterSpec("write-baseline", .pathOrBool, default: "false", "Write every current finding to this baseline file (sorted, no line numbers) and pass: true for the 'baseline' file (.gate/secrets-baseline.json when there is none), or a path. Same form as in boundaries."),
        ParameterSpec("jobs", .int, default: "the number of cores", range: 1...256, "Files scanned in parallel."),
        ParameterSpec("decode-depth", .int, default: "\(SecretEngine.defaultDecodeDepth)", range: 0...4,
                      "Decode base64, hex and percent-encoded text that decodes to text, and scan it too: 1 decodes "
                      + "once, 2 also decodes what that reveals, 0 turns decoding off. Findings inside say where "
                      + "('inside base64 at offset 12'). At most 4 MiB is decoded per 8 MiB read."),
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
        includeVendored = try p.bool("include-vendored", default: false)
        if defaultExcludes {
            exclude += FileSelection.lockFiles.map(Glob.init)
            if !includeVendored { exclude += FileSelection.vendoredDirectories.map(Glob.init) }
        }
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
        if let w = try p.pathOrSwitch("write-baseline", whenTrue: baselineDisplay ?? Self.defaultBaseline) {
            (writeBaseline, writeBaselineDisplay) = (w.path, w.display)
        }
        // The baseline holds hashes that look like secrets to the generic rule; it is never scanned.
        for file in [baseline, writeBaseline].compactMap({ $0 }) where PathUtil.isInside(file, p.root) {
            exclude.append(Glob(PathUtil.relative(file, to: p.root)))
        }
        if p.has("jobs") { jobs = try p.int("jobs", default: jobs, range: 1...256) }
        decodeDepth = try p.int("decode-depth", default: SecretEngine.defaultDecodeDepth, range: 0...4)
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
