import GateCore

extension CASVerifier {
    /// The whole store under the check's root (with `.git` for git stores, which directory walks skip),
    /// plus the manifest and baseline files. A check that writes a snapshot is not cached: the file is an
    /// effect, not an outcome.
    public func defaultInputs(_ parameters: Parameters) -> CacheInputs? {
        guard config.snapshot == nil else { return nil }
        var paths = [parameters.root]
        if config.layout == .git || config.layout == .auto { paths.append(parameters.root + "/.git") }
        paths += [config.manifest, config.baseline].compactMap { $0 }
        return CacheInputs(paths: paths)
    }

    public static var supportsSplit: Bool { true }
}
