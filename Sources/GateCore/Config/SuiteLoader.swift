import Foundation

/// Reads a suite file (and its includes), validates every key and value, and configures each check's
/// verifier, so that nothing runs unless the whole suite is valid. Errors are `file:line:col: message`.
public struct SuiteLoader: Sendable {
    public let registry: VerifierRegistry
    /// `--root`: overrides the suite's `root`. Absolute or relative to the current directory.
    public var rootOverride: String?
    /// The directory relative paths on the command line resolve against.
    public var workingDirectory: String

    public init(registry: VerifierRegistry, rootOverride: String? = nil,
                workingDirectory: String = PathUtil.currentDirectory) {
        self.registry = registry
        self.rootOverride = rootOverride
        self.workingDirectory = workingDirectory
    }

    /// Loads `path` (relative to the working directory or absolute).
    public func load(_ path: String) throws(ConfigError) -> Suite {
        let absolute = PathUtil.resolve(path, against: workingDirectory)
        let display = PathUtil.relative(absolute, to: workingDirectory)
        // One budget for the suite and its includes: a file included from many places counts each time.
        var budget = YAMLLoader.Budget()
        guard let doc = try YAMLLoader.load(path: absolute, displayPath: display, budget: &budget) else {
            throw .missingKey(SourceLocation(file: display, line: 1, column: 1), key: "checks", context: "the suite")
        }
        guard let top = doc.mapping else {
            throw .invalidValue(doc.location, key: "(suite)", expected: "a map of suite keys", got: doc.typeDescription)
        }
        try rejectUnknown(top, allowed: SuiteKeys.top, context: "the suite")

        let name: String
        if let v = doc["suite"] {
            guard let s = v.string, Self.isValidID(s) else {
                throw .invalidValue(v.location, key: "suite", expected: "a name of letters, digits, '.', '_' or '-'",
                                    got: v.typeDescription)
            }
            name = s
        } else {
            name = PathUtil.basename(absolute).split(separator: ".").first.map(String.init) ?? "suite"
        }

        let suiteDir = PathUtil.dirname(absolute)
        var root = workingDirectory
        if let override = rootOverride {
            root = PathUtil.resolve(override, against: workingDirectory)
        } else if let v = doc["root"] {
            guard let s = v.string else {
                throw .invalidValue(v.location, key: "root", expected: "a directory path", got: v.typeDescription)
            }
            root = PathUtil.resolve(s, against: suiteDir)
        }
        var isDir: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDir), isDir.boolValue else {
            if let v = doc["root"], rootOverride == nil {
                throw .invalidParameter(v.location, key: "root", message: "directory '\(PathUtil.display(root))' does not exist")
            }
            throw .usage("root directory '\(PathUtil.display(root))' does not exist")
        }

        var jobs: Int?
        if let v = doc["jobs"] {
            jobs = try v.int(key: "jobs", range: RunOptions.jobsRange, what: "a number of checks at once")
        }
        let timeout = try Self.duration(doc["timeout"], key: "timeout")

        var reports: [String: String] = [:]
        var reportLocations: [String: SourceLocation] = [:]
        if let v = doc["reports"] {
            guard let entries = v.mapping else {
                throw .invalidValue(v.location, key: "reports", expected: "a map of format to path", got: v.typeDescription)
            }
            for e in entries {
                guard SuiteKeys.reportFormats.contains(e.key) else {
                    throw .unknownKey(e.keyLocation, key: e.key, context: "'reports'", valid: SuiteKeys.reportFormats)
                }
                guard let p = e.value.string else {
                    throw .invalidValue(e.value.location, key: "reports.\(e.key)", expected: "a file path",
                                        got: e.value.typeDescription)
                }
                reports[e.key] = p
                reportLocations[e.key] = e.value.location
            }
        }

        // Checks from includes come first, in include order, then this file's own.
        var env: [String: String] = [:]
        var rawChecks: [ConfigValue] = []
        var visiting: Set<String> = [absolute]
        var includes = 0
        try collect(doc, file: absolute, env: &env, checks: &rawChecks, visiting: &visiting, budget: &budget,
                    includes: &includes)

        // Every check is read before giving up, so that one pass names every mistake (`gate validate`).
        var checks: [CheckSpec] = []
        var seen: [String: SourceLocation] = [:]
        var errors: [ConfigError] = []
        for raw in rawChecks {
            do throws(ConfigError) {
                let check = try loadCheck(raw, suiteRoot: root, suiteTimeout: timeout)
                if let first = seen[check.id] { throw ConfigError.duplicateID(check.location, id: check.id, first: first) }
                seen[check.id] = check.location
                checks.append(check)
            } catch {
                errors.append(error)
            }
        }
        if !errors.isEmpty { throw errors.count == 1 ? errors[0] : .several(errors) }
        try Self.validateNeeds(checks)
        try Self.validateSplits(checks)

        var suite = Suite(name: name, description: doc["description"]?.string, file: display, root: root, jobs: jobs,
                          timeout: timeout, env: env, reports: reports, checks: checks)
        suite.reportLocations = reportLocations
        try Self.loadPolicies(doc, into: &suite)
        return suite
    }

    /// Gathers `env` and `checks` from a document and, recursively, its includes.
    /// The most files one suite may include, counting a file each time it is included.
    static let maxIncludes = 1000

    private func collect(_ doc: ConfigValue, file: String, env: inout [String: String], checks: inout [ConfigValue],
                         visiting: inout Set<String>, budget: inout YAMLLoader.Budget,
                         includes: inout Int) throws(ConfigError) {
        if let inc = doc["include"] {
            guard let paths = inc.stringList else {
                throw .invalidValue(inc.location, key: "include", expected: "a file path or a list of paths",
                                    got: inc.typeDescription)
            }
            for p in paths {
                let abs = PathUtil.resolve(p, against: PathUtil.dirname(file))
                if visiting.contains(abs) { throw .includeCycle(inc.location, path: p) }
                let display = PathUtil.relative(abs, to: workingDirectory)
                guard FileManager.default.fileExists(atPath: abs) else {
                    throw .invalidParameter(inc.location, key: "include", message: "file '\(display)' does not exist")
                }
                if let kind = YAMLLoader.notRegularFile(abs) {
                    throw .invalidParameter(inc.location, key: "include",
                                            message: "'\(display)' is not a regular file but \(kind); include YAML files only")
                }
                includes += 1
                if includes > Self.maxIncludes {
                    throw .invalidParameter(inc.location, key: "include",
                                            message: "more than \(Self.maxIncludes) files included in all (counting each "
                                                + "time a file is included); include each file from fewer places")
                }
                guard let sub = try YAMLLoader.load(path: abs, displayPath: display, budget: &budget) else { continue }
                guard let entries = sub.mapping else {
                    throw .invalidValue(sub.location, key: "(included suite)", expected: "a map", got: sub.typeDescription)
                }
                try rejectUnknown(entries, allowed: SuiteKeys.included,
                                  context: "an included file (suite-wide keys belong to the including suite)")
                visiting.insert(abs)
                try collect(sub, file: abs, env: &env, checks: &checks, visiting: &visiting, budget: &budget,
                            includes: &includes)
                visiting.remove(abs)
            }
        }
        if let e = doc["env"] { env.merge(try Self.stringMap(e, key: "env"), uniquingKeysWith: { $1 }) }
        if let c = doc["checks"] {
            guard let items = c.sequence else {
                throw .invalidValue(c.location, key: "checks", expected: "a list of checks", got: c.typeDescription)
            }
            checks.append(contentsOf: items)
        }
    }

    private func loadCheck(_ raw: ConfigValue, suiteRoot: String,
                           suiteTimeout: Duration?) throws(ConfigError) -> CheckSpec {
        guard let entries = raw.mapping else {
            throw .invalidValue(raw.location, key: "checks[]", expected: "a map with 'id' and 'uses' or 'run'",
                                got: raw.typeDescription)
        }
        try rejectUnknown(entries, allowed: SuiteKeys.check, context: "a check")
        guard let idValue = raw["id"] else { throw .missingKey(raw.location, key: "id", context: "a check") }
        guard let id = idValue.string, Self.isValidID(id) else {
            throw .invalidValue(idValue.location, key: "id", expected: "letters, digits, '.', '_' or '-'",
                                got: idValue.typeDescription)
        }
        if raw["manual"] != nil {
            return try loadManualItem(raw, id: id, idLocation: idValue.location, suiteRoot: suiteRoot)
        }
        for e in entries where ManualItem.keys.contains(e.key) {
            throw .invalidParameter(e.keyLocation, key: e.key,
                                    message: "'\(e.key)' applies to manual checklist items only; add 'manual: TEXT' "
                                        + "(and drop 'uses'/'run') to make '\(id)' one")
        }
        let uses = raw["uses"], run = raw["run"]
        let verifierID: String
        switch (uses, run) {
        case (nil, nil):
            throw .missingKey(raw.location, key: "uses' or 'run", context: "check '\(id)'")
        case (let u?, nil):
            guard let s = u.string else {
                throw .invalidValue(u.location, key: "uses", expected: "a verifier id", got: u.typeDescription)
            }
            verifierID = s
        case (nil, _?):
            verifierID = "command"
        case (_?, let r?):
            throw .invalidParameter(r.location, key: "run", message: "a check takes 'uses' or 'run', not both; "
                                    + "'run' is shorthand for 'uses: command' with 'with: {run: ...}'")
        }
        guard let type = registry.type(for: verifierID) else {
            throw .unknownVerifier(uses?.location ?? raw.location, id: verifierID, known: registry.ids)
        }

        // Parameters: the `with:` block, plus `run:` for the shorthand.
        var values: [String: ConfigValue] = [:]
        if let w = raw["with"], !w.isNull {
            guard let wm = w.mapping else {
                throw .invalidValue(w.location, key: "with", expected: "a map of parameters", got: w.typeDescription)
            }
            for e in wm { values[e.key] = e.value }
        }
        if let r = run {
            if values["run"] != nil {
                throw .invalidParameter(r.location, key: "run", message: "'run' is given both on the check and in 'with'")
            }
            values["run"] = r
        }
        var checkRoot = suiteRoot
        if let r = values["root"] {
            guard let s = r.string else {
                throw .invalidValue(r.location, key: "root", expected: "a directory path", got: r.typeDescription)
            }
            checkRoot = PathUtil.resolve(s, against: suiteRoot)
        }
        let params = Parameters(values: values, root: checkRoot, location: raw["with"]?.location ?? raw.location)
        let verifier = try registry.make(type, parameters: params)

        var needs: [String] = []
        if let n = raw["needs"] {
            guard let list = n.stringList else {
                throw .invalidValue(n.location, key: "needs", expected: "a check id or a list of ids", got: n.typeDescription)
            }
            needs = list
        }
        var required = true
        if let r = raw["required"] {
            guard let b = r.bool else {
                throw .invalidValue(r.location, key: "required", expected: "true or false", got: r.typeDescription)
            }
            required = b
        }
        var tags: [String] = []
        if let t = raw["tags"] {
            guard let list = t.stringList else {
                throw .invalidValue(t.location, key: "tags", expected: "a tag or a list of tags", got: t.typeDescription)
            }
            tags = list
        }
        let env = try raw["env"].map { v throws(ConfigError) in try Self.stringMap(v, key: "env") } ?? [:]
        var cwd: String?
        if let c = raw["cwd"] {
            guard let s = c.string else {
                throw .invalidValue(c.location, key: "cwd", expected: "a directory path", got: c.typeDescription)
            }
            cwd = PathUtil.resolve(s, against: checkRoot)
        }
        var spec = CheckSpec(
            id: id, description: raw["description"]?.string, verifierID: verifierID, verifier: verifier,
            parameters: params, needs: needs, timeout: try Self.duration(raw["timeout"], key: "timeout") ?? suiteTimeout,
            required: required, tags: tags, env: env, cwd: cwd, root: checkRoot, location: idValue.location)
        spec.cache = try Self.loadCachePolicy(raw, id: id, verifier: type)
        return spec
    }

    // MARK: Validation helpers

    private func rejectUnknown(_ entries: [ConfigEntry], allowed: [String], context: String) throws(ConfigError) {
        for e in entries where !allowed.contains(e.key) {
            throw .unknownKey(e.keyLocation, key: e.key, context: context, valid: allowed)
        }
    }

    /// Unknown needs and cycles, reported at the check that names them.
    public static func validateNeeds(_ checks: [CheckSpec]) throws(ConfigError) {
        let ids = checks.map(\.id)
        // Indices, not copies: a check is a large value, and suites have hundreds.
        let byID = Dictionary(checks.indices.map { (checks[$0].id, $0) }, uniquingKeysWith: { a, _ in a })
        for c in checks {
            for n in c.needs where byID[n] == nil {
                throw .unknownNeed(c.location, check: c.id, need: n, known: ids)
            }
        }
        // Depth-first search with colours; the stack gives the cycle's path.
        var state: [String: Int] = [:]  // 1 = on stack, 2 = done
        var stack: [String] = []
        func visit(_ id: String) throws(ConfigError) {
            state[id] = 1
            stack.append(id)
            let check = checks[byID[id]!]
            for n in check.needs {
                if state[n] == 1 {
                    let start = stack.firstIndex(of: n)!
                    throw .cyclicNeeds(check.location, cycle: Array(stack[start...]) + [n])
                }
                if state[n] == nil { try visit(n) }
            }
            stack.removeLast()
            state[id] = 2
        }
        for c in checks where state[c.id] == nil { try visit(c.id) }
    }

    static func isValidID(_ s: String) -> Bool {
        // ASCII letters, digits, '.', '_' and '-', by byte (CharacterSet lookups showed in suite loading).
        !s.isEmpty && s.utf8.count <= 128 && s.utf8.allSatisfy { b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x2E || b == 0x5F || b == 0x2D
        }
    }

    static func duration(_ v: ConfigValue?, key: String) throws(ConfigError) -> Duration? {
        guard let v, !v.isNull else { return nil }
        return try v.duration(key: key, allowZero: false)
    }

    static func stringMap(_ v: ConfigValue, key: String) throws(ConfigError) -> [String: String] {
        guard let entries = v.mapping else {
            throw .invalidValue(v.location, key: key, expected: "a map of names to values", got: v.typeDescription)
        }
        var out: [String: String] = [:]
        for e in entries {
            guard let s = e.value.string ?? (e.value.isNull ? "" : nil) else {
                throw .invalidValue(e.value.location, key: "\(key).\(e.key)", expected: "a string", got: e.value.typeDescription)
            }
            out[e.key] = s
        }
        return out
    }
}
