import GateCore

extension SecretsVerifier {
    /// Every file under the check's root (a superset of what a git work tree lists, so a new file is
    /// always a miss), `.git/info/exclude` which also decides what git lists, the ruleset and the baseline.
    /// History and staged scans read the repository itself, so `.git` joins them. A check that writes a
    /// baseline is not cached.
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? {
        guard options.writeBaseline == nil else { return nil }
        var paths = [parameters.root, parameters.root + "/.git/info/exclude"]
        if options.history || options.staged { paths.append(parameters.root + "/.git") }
        paths += [options.configPath, options.baseline].compactMap { $0 }
        // With the default excludes on, the scan prunes vendored and tool directories (`.build/`,
        // `node_modules/`, ...) by name wherever they are, so they cannot change the result.
        let skipped = options.defaultExcludes
            ? Set(FileSelection.defaultExcludes.filter { $0.hasSuffix("/") && $0 != ".git/" }.map { String($0.dropLast()) })
            : []
        return CacheInputs(paths: paths, skipDirectories: skipped)
    }

    public static var supportsSplit: Bool { true }
}
