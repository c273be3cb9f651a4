import Foundation
import GateCore

/// A determinism check's `with:` block, validated at load time.
struct Settings: Sendable {
    var command: ProcessSpec.Command
    /// Absolute; nil means the check's working directory.
    var cwd: String?
    var env: [String: String]
    var timeout: Duration?
    var runs: Int
    var outputs: [String]
    var includeStdout: Bool
    var includeStderr: Bool
    var vary: [Variation]
    var normalize: [NormalizeRule]
    /// Absolute path of the golden lock file.
    var golden: String?
    /// The golden path as written, for messages.
    var goldenDisplay: String?
    var record: Bool
    var cases: String?
    var parallel: Bool
    var allowFailure: Bool
    var copyExclude: [String]
    /// A requested variation that cannot be applied makes the check an error instead of a warning.
    var strict: Bool
    /// Find which variations make the outputs differ, with at most `bisectRuns` extra runs.
    var bisect: Bool
    var bisectRuns: Int
    /// libfaketime to preload for the time variation, instead of the one found on the machine.
    var faketimeLibrary: String?
    /// How deep to look inside nested archives, and how many bytes to unpack for one comparison.
    var archiveDepth: Int
    var archiveLimit: Int

    init(_ p: Parameters) throws(ConfigError) {
        guard let value = p["command"] else { throw .missingKey(p.location, key: "command", context: "a 'determinism' check") }
        if let s = value.string {
            guard !s.trimmingCharacters(in: .whitespaces).isEmpty else { throw p.error("command", "the command is empty") }
            command = .shell(s)
        } else if let list = value.stringList, let first = list.first, !first.isEmpty {
            command = .argv(list)
        } else {
            throw p.error("command", "give a command string or a non-empty list of arguments")
        }
        cwd = try p.path("cwd")
        env = [:]
        if let e = p["env"], !e.isNull {
            for entry in e.mapping ?? [] {
                guard let v = entry.value.string else {
                    throw .invalidValue(entry.value.location, key: "env.\(entry.key)", expected: "a string",
                                        got: entry.value.typeDescription)
                }
                env[entry.key] = v
            }
        }
        timeout = try p.duration("timeout")
        outputs = try p.stringList("outputs")
        for o in outputs where o.hasPrefix("/") || o.split(separator: "/").contains("..") {
            throw p.error("outputs", "'\(o)' must be a glob relative to the working directory, inside it")
        }
        includeStdout = try p.bool("stdout", default: true)
        includeStderr = try p.bool("stderr", default: true)
        vary = try Self.variations(p)
        normalize = try NormalizeRule.parse(p)
        golden = try p.path("golden")
        goldenDisplay = try p.string("golden")
        record = try p.bool("record", default: false)
        if record && golden == nil { throw p.error("record", "'record: true' needs 'golden', the lock file to write") }
        runs = try p.int("runs", default: 2, range: 1...1000)
        if runs < 2 && golden == nil {
            throw p.error("runs", "one run compares nothing; use 2 or more, or set 'golden' to compare with recorded digests")
        }
        cases = try p.string("cases")
        if let c = cases, c.hasPrefix("/") || c.split(separator: "/").contains("..") {
            throw p.error("cases", "'\(c)' must be a glob relative to the working directory, inside it")
        }
        let text: String
        switch command { case .shell(let s): text = s; case .argv(let a): text = a.joined(separator: " ") }
        let usesCase = text.contains("{case}") || text.contains("{name}") || text.contains("GATE_CASE")
        if cases != nil && !usesCase {
            throw p.error("command", "with 'cases', the command must name the case: put '{case}' (its path) or "
                          + "'{name}' (its file name without extension) where it belongs, or read $GATE_CASE")
        }
        if cases == nil && (text.contains("{case}") || text.contains("{name}")) {
            throw p.error("command", "'{case}' needs 'cases', a glob of the inputs to replay")
        }
        if !includeStdout && !includeStderr && outputs.isEmpty {
            throw p.error("outputs", "nothing to compare: stdout and stderr are off and 'outputs' is empty")
        }
        parallel = try p.bool("parallel", default: false)
        allowFailure = try p.bool("allow-failure", default: false)
        copyExclude = try p.stringList("copy-exclude", default: [".git/", ".build/", ".gate/"])
        strict = try p.bool("strict", default: false)
        bisect = try p.bool("bisect", default: true)
        bisectRuns = try p.int("bisect-runs", default: 16, range: 1...200)
        faketimeLibrary = try p.path("faketime-library")
        archiveDepth = try p.int("archive-depth", default: 6, range: 0...16)
        archiveLimit = try p.int("archive-limit", default: 256, range: 1...65_536) << 20
    }

    private static func variations(_ p: Parameters) throws(ConfigError) -> [Variation] {
        var out: Set<Variation> = []
        for name in try p.stringList("vary") {
            if name == "all" { out.formUnion(Variation.allCases); continue }
            guard let v = Variation(rawValue: name) else {
                var message = "unknown variation '\(name)'"
                if let s = DidYouMean.suggest(name, among: Variation.names) { message += "; did you mean '\(s)'?" } else { message += "." }
                throw p.error("vary", message + " Valid: all, \(Variation.names.joined(separator: ", ")).")
            }
            out.insert(v)
        }
        return out.sorted()
    }

    /// The command with `{case}` and `{name}` filled in, as an argv.
    func argv(casePath: String?) -> [String] {
        func fill(_ s: String, quote: Bool) -> String {
            guard let casePath else { return s }
            let n = Self.caseName(casePath)
            return s.replacingOccurrences(of: "{case}", with: quote ? ShellQuote.quote(casePath) : casePath)
                .replacingOccurrences(of: "{name}", with: quote ? ShellQuote.quote(n) : n)
        }
        switch command {
        case .shell(let s): return ["/bin/sh", "-c", fill(s, quote: true)]
        case .argv(let a): return a.map { fill($0, quote: false) }
        }
    }

    /// Output globs with `{case}` and `{name}` filled in.
    func outputGlobs(casePath: String?) -> [String] {
        guard let casePath else { return outputs }
        let name = Self.caseName(casePath)
        return outputs.map { $0.replacingOccurrences(of: "{case}", with: casePath).replacingOccurrences(of: "{name}", with: name) }
    }

    /// A case's file name without its extension (`cases/a.json` gives `a`).
    static func caseName(_ path: String) -> String {
        let base = PathUtil.basename(path)
        guard let dot = base.lastIndex(of: "."), dot != base.startIndex else { return base }
        return String(base[..<dot])
    }

    var commandText: String {
        switch command {
        case .shell(let s): s
        case .argv(let a): a.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        }
    }
}

enum ShellQuote {
    /// The text as is when the shell would not change it, else in single quotes.
    static func quote(_ s: String) -> String {
        let safe = s.unicodeScalars.allSatisfy {
            CharacterSet.alphanumerics.contains($0) || "_./-+,:@%=".unicodeScalars.contains($0)
        }
        return safe && !s.isEmpty ? s : "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
